"""Invitation links: one-time, expiring, revocable; accounts in scope; emails in the
recipient's language."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from kaikukanta.accounts import services as account_services
from kaikukanta.accounts.errors import RoleScopeInvalid
from kaikukanta.accounts.models import (
    Invitation,
    InvitationStatus,
    Membership,
    Role,
    User,
    hash_token,
)
from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.lib.errors import NotAllowed
from kaikukanta.network import services as network_services
from tests.conftest import PASSWORD, sign_in

NEW_PASSWORD = "Kulttuuria-kaikille-2026"


def invite(cast, **kw):
    fields = {"scope": scope_for_user(cast.a.welfare), "email": "new@espoo.test",
                                      "name": "New Person",
              "role": Role.DISTRIBUTOR_STAFF, "organisation": cast.a.distributor_org,
              "unit": cast.a.unit, "language": "en"}
    fields.update(kw)
    return account_services.invitation_create(**fields)


def accept(client, token, password=NEW_PASSWORD):
    return client.post(reverse("coordination:invitation_accept", args=[token]),
                       {"name": "New Person", "password1": password, "password2": password})


def test_token_is_stored_only_as_a_hash(cast):
    inv = invite(cast)
    assert inv.token_hash == hash_token(inv.link_token)
    assert inv.link_token not in str(list(Invitation.objects.values()))
    assert inv.expires_at - timezone.now() > datetime.timedelta(hours=71)


def test_accept_creates_account_membership_and_signs_in(cast, client):
    inv = invite(cast)
    response = accept(client, inv.link_token)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:home")
    user = User.objects.get(email="new@espoo.test")
    assert user.check_password(NEW_PASSWORD) and user.language == "en"
    assert Membership.objects.filter(user=user, role=Role.DISTRIBUTOR_STAFF,
                                     unit=cast.a.unit).exists()
    inv.refresh_from_db()
    assert inv.status == InvitationStatus.ACCEPTED and inv.user == user
    assert client.get(reverse("accounts:home")).context["user"] == user


def test_reused_link_is_refused(cast, client):
    inv = invite(cast)
    accept(client, inv.link_token)
    client.logout()
    response = client.get(reverse("coordination:invitation_accept", args=[inv.link_token]))
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    response = accept(client, inv.link_token, "Another-password-2026")
    assert response.status_code == 410
    assert User.objects.get(email="new@espoo.test").check_password(NEW_PASSWORD)


def test_expired_link_is_refused(cast, client):
    inv = invite(cast)
    Invitation.objects.filter(pk=inv.pk).update(expires_at=timezone.now()
                                                - datetime.timedelta(minutes=1))
    response = client.get(reverse("coordination:invitation_accept", args=[inv.link_token]))
    assert response.status_code == 410 and "has expired" in response.content.decode()
    assert accept(client, inv.link_token).status_code == 410
    assert not User.objects.filter(email="new@espoo.test").exists()


def test_revoked_link_is_refused_in_the_users_language(cast, client, settings):
    inv = invite(cast)
    sign_in(client, cast.a.welfare)
    response = client.post(reverse("coordination:invitation_revoke", args=[inv.pk]))
    assert response.status_code == 302
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    response = client.get(reverse("coordination:invitation_accept", args=[inv.link_token]))
    assert response.status_code == 410
    assert "Kutsu on peruttu" in response.content.decode()
    assert accept(client, inv.link_token).status_code == 410
    assert not User.objects.filter(email="new@espoo.test").exists()


def test_resend_sends_a_new_link_and_the_old_one_stops(cast, client, mailoutbox, last_token):
    inv = invite(cast)
    old = inv.link_token
    sign_in(client, cast.a.welfare)
    client.post(reverse("coordination:invitation_resend", args=[inv.pk]))
    new = last_token()
    assert new != old and len(mailoutbox) == 2
    client.logout()
    response = client.get(reverse("coordination:invitation_accept", args=[old]))
    assert response.status_code == 410 and "newer invitation" in response.content.decode()
    assert accept(client, new).status_code == 302
    # a closed invitation cannot be resent or revoked
    sign_in(client, cast.a.welfare)
    client.post(reverse("coordination:invitation_resend", args=[inv.pk]))
    assert len(mailoutbox) == 2


def test_unknown_link(client, db):
    response = client.get(reverse("coordination:invitation_accept", args=["nope"]))
    assert response.status_code == 404 and "not valid" in response.content.decode()


def test_weak_or_mismatched_password_keeps_the_invitation_open(cast, client):
    inv = invite(cast)
    response = accept(client, inv.link_token, "short")
    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    response = client.post(reverse("coordination:invitation_accept", args=[inv.link_token]),
                           {"name": "N", "password1": NEW_PASSWORD, "password2": "other-pw-2026"})
    assert response.context["form"].errors["password2"]
    inv.refresh_from_db()
    assert inv.status == InvitationStatus.PENDING
    assert not User.objects.filter(email="new@espoo.test").exists()


def test_existing_account_gets_the_new_role(cast, client):
    inv = invite(cast, email="VENUE@espoo.test")
    accept(client, inv.link_token)  # a password set through the link is ignored
    venue = User.objects.get(email="venue@espoo.test")
    assert venue.check_password(PASSWORD)
    sign_in(client, venue)  # signs in with the account's own password
    client.post(reverse("coordination:invitation_accept", args=[inv.link_token]))
    assert set(venue.memberships.values_list("role", flat=True)) == {
        Role.VENUE_STAFF, Role.DISTRIBUTOR_STAFF}


@pytest.mark.parametrize(("actor", "kw"), [
    # welfare coordinator: not venue staff, not other area, not coordinators
    ("a.welfare", {"role": Role.VENUE_STAFF, "organisation": "a.venue_org", "unit": None}),
    ("a.welfare", {"organisation": "b.distributor_org", "unit": "b.unit"}),
    ("a.welfare", {"role": Role.WELFARE_COORDINATOR, "area": "a.area", "organisation": None,
                   "unit": None}),
    ("a.culture", {}),
    ("a.culture", {"role": Role.SELLER_STAFF, "organisation": "b.seller_org", "unit": None}),
    ("a.distributor", {}),
    ("outsider", {}),
])
def test_who_may_invite_whom(cast, actor, kw):
    def resolve(v):
        if isinstance(v, str) and "." in v:
            group, attr = v.split(".")
            return getattr(getattr(cast, group), attr)
        return v

    user = cast.outsider if actor == "outsider" else resolve(actor)
    with pytest.raises(NotAllowed):
        invite(cast, scope=scope_for_user(user), **{k: resolve(v) for k, v in kw.items()})
    assert not Invitation.objects.exists()


def test_allowed_invitations(cast):
    invite(cast, scope=scope_for_user(cast.a.culture), role=Role.VENUE_STAFF,
           organisation=cast.a.venue_org,
           unit=cast.a.site2)
    invite(cast, scope=scope_for_user(cast.a.culture), role=Role.SELLER_STAFF,
           organisation=cast.a.seller_org,
           unit=None, email="s@espoo.test")
    invite(cast, scope=scope_for_user(cast.national), role=Role.CULTURE_COORDINATOR,
           area=cast.b.area,
           organisation=None, unit=None, email="c@kainuu.test")
    assert Invitation.objects.count() == 3


@pytest.mark.parametrize("kw", [
    {"unit": None},  # distributor staff need a unit
    {"role": Role.VENUE_STAFF},  # role does not fit the organisation kind
    {"unit": "b.unit"},  # unit of another organisation
])
def test_role_scope_must_fit(cast, kw):
    if kw.get("unit") == "b.unit":
        kw = {"unit": cast.b.unit}
    with pytest.raises(RoleScopeInvalid):
        invite(cast, scope=scope_for_user(cast.national), **kw)


@pytest.mark.parametrize(("lang", "subject", "text"), [
    ("fi", "Kaikukanta: sinut on kutsuttu", "Sinut on kutsuttu Kaikukortin rekisteriin"),
    ("sv", "Kaikukanta: du har bjudits in", "Du har bjudits in till Kaikukanta"),
    ("en", "Kaikukanta: you have been invited", "You have been invited to Kaikukanta"),
])
def test_invitation_email_is_in_the_recipients_language(cast, mailoutbox, lang, subject,
                                                        text):
    invite(cast, language=lang)
    assert mailoutbox[-1].subject == subject
    assert text in mailoutbox[-1].body
    assert "72" in mailoutbox[-1].body


def test_invitation_form_sends_in_chosen_language_not_the_page_language(cast, login,
                                                                        mailoutbox):
    client = login(cast.a.welfare)  # page in English
    client.post(reverse("coordination:organisation_invite", args=[cast.a.distributor_org.pk]), {
        "name": "Sven", "email": "sven@espoo.test", "language": "sv",
        "role": Role.DISTRIBUTOR_STAFF, "unit": cast.a.unit.pk})
    assert "Du har bjudits in" in mailoutbox[-1].body


def test_password_reset_email_is_in_the_users_language(cast, client, mailoutbox):
    cast.a.venue.language = "sv"
    cast.a.venue.save()
    client.post(reverse("accounts:password_reset"), {"email": "venue@espoo.test"})
    assert "Någon har bett om ett nytt lösenord" in mailoutbox[-1].body


# --- accounts ----------------------------------------------------------------------------

def test_coordinator_deactivates_staff_who_loses_session_and_sign_in(cast, client):
    from django.test import Client

    staff_client = Client()
    sign_in(staff_client, cast.a.distributor)
    assert staff_client.get(reverse("accounts:home")).status_code == 200

    sign_in(client, cast.a.welfare)
    response = client.post(reverse("coordination:user_set_active",
                                   args=[cast.a.distributor.pk]), {"active": "0", "confirm": "1"})
    assert response.status_code == 302
    cast.a.distributor.refresh_from_db()
    assert not cast.a.distributor.is_active
    assert staff_client.get(reverse("accounts:home")).status_code == 302
    response = Client().post(reverse("accounts:login"),
                             {"username": "distributor@espoo.test", "password": PASSWORD})
    assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated

    client.post(reverse("coordination:user_set_active", args=[cast.a.distributor.pk]),
                {"active": "1"})
    cast.a.distributor.refresh_from_db()
    assert cast.a.distributor.is_active


@pytest.mark.parametrize(("actor", "target", "status"), [
    ("a.welfare", "a.venue", 404), ("a.welfare", "b.distributor", 404),
    ("a.culture", "a.distributor", 404), ("a.culture", "a.welfare", 404),
    ("a.culture", "a.site_staff", 302), ("a.distributor", "a.distributor", 403),
    ("national", "a.culture", 302),
])
def test_deactivation_scope(cast, client, actor, target, status):
    def who(v):
        return cast.national if v == "national" else getattr(getattr(cast, v[0]), v[2:])

    sign_in(client, who(actor))
    response = client.post(reverse("coordination:user_set_active", args=[who(target).pk]),
                           {"active": "0", "confirm": "1"})
    assert response.status_code == status
    assert User.objects.get(pk=who(target).pk).is_active == (status != 302)


def test_user_with_roles_in_two_areas_is_not_deactivated_by_one_coordinator(cast, client):
    Membership.objects.create(user=cast.a.distributor, role=Role.DISTRIBUTOR_STAFF,
                              organisation=cast.b.distributor_org, unit=cast.b.unit)
    sign_in(client, cast.a.welfare)
    response = client.post(reverse("coordination:user_set_active",
                                   args=[cast.a.distributor.pk]), {"active": "0", "confirm": "1"})
    assert response.status_code == 403
    assert User.objects.get(pk=cast.a.distributor.pk).is_active


def test_national_admin_cannot_deactivate_self(cast):
    from kaikukanta.accounts.errors import CannotDeactivateSelf

    with pytest.raises(CannotDeactivateSelf):
        account_services.user_set_active(scope=scope_for_user(cast.national), user=cast.national,
                                 is_active=False)


def test_invitation_lists_are_scoped(cast, login):
    mine = invite(cast)
    other = invite(cast, scope=scope_for_user(cast.b.welfare), organisation=cast.b.distributor_org,
                   unit=cast.b.unit, email="other@kainuu.test")
    client = login(cast.a.welfare)
    invitations = list(client.get(reverse("coordination:invitation_list")).context["invitations"])
    assert invitations == [mine]
    assert client.post(reverse("coordination:invitation_revoke", args=[other.pk])).status_code \
        == 404
    assert client.post(reverse("coordination:invitation_resend", args=[other.pk])).status_code \
        == 404
    other.refresh_from_db()
    assert other.status == InvitationStatus.PENDING
    client = login(cast.a.culture)
    assert list(client.get(reverse("coordination:invitation_list")).context["invitations"]) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_link_accepted_twice_at_once_gives_one_account(cast):
    import threading

    inv = invite(cast)
    results = []
    barrier = threading.Barrier(2)

    def run(password):
        try:
            barrier.wait()
            account_services.invitation_accept(token=inv.link_token, name="N", password=password)
            results.append("ok")
        except Exception as exc:  # noqa: BLE001
            results.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(p,)) for p in
               ("First-password-2026", "Second-password-2026")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["InvitationUsed", "ok"]
    assert User.objects.filter(email="new@espoo.test").count() == 1


def test_failed_email_saves_nothing_and_says_so(cast, login, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)  # the email task sends
    client = login(cast.a.welfare)
    response = client.post(
        reverse("coordination:organisation_invite", args=[cast.a.distributor_org.pk]),
        {"name": "N", "email": "n@espoo.test", "language": "fi",
         "role": Role.DISTRIBUTOR_STAFF, "unit": cast.a.unit.pk})
    assert response.status_code == 200
    assert "could not be sent" in response.content.decode()
    assert not Invitation.objects.exists()


def test_an_expired_invitation_can_be_resent(cast, login, last_token):
    inv = invite(cast)
    Invitation.objects.filter(pk=inv.pk).update(expires_at=timezone.now()
                                                - datetime.timedelta(hours=1))
    client = login(cast.a.welfare)
    listed = client.get(reverse("coordination:invitation_list")).content.decode()
    assert "Expired" in listed
    client.post(reverse("coordination:invitation_resend", args=[inv.pk]))
    client.logout()
    assert accept(client, last_token()).status_code == 302


@pytest.mark.parametrize("who", ["a.welfare", "a.culture", "a.distributor"])
def test_only_the_national_team_marks_reviews(cast, client, who):
    from kaikukanta.network.models import DistributorReview

    org = network_services.organisation_create(
        scope=scope_for_user(cast.a.welfare), home_area=cast.a.area, name="New NGO",
                             kind="distributor",
        sector="third", contact_name="C", contact_email="c@espoo.test")
    review = DistributorReview.objects.get(organisation=org)
    sign_in(client, getattr(cast.a, who[2:]))
    response = client.post(reverse("coordination:review_done", args=[review.pk]))
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.reviewed_at is None
    # the welfare coordinator sees the flag on the organisation and their dashboard
    if who == "a.welfare":
        body = client.get(reverse("coordination:organisation_detail", args=[org.pk])).content
        assert b"waiting for the national team" in body


def test_staff_cannot_change_the_checklist(cast, client):
    sign_in(client, cast.a.distributor)
    url = reverse("coordination:checklist_step", args=[cast.a.area.pk, "workshop"])
    assert client.post(url, {"status": "done"}).status_code == 403
