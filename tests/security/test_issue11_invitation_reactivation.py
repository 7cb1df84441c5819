"""Issue 11 §3: a pending invitation brought a deactivated account back.

Deactivation revokes pending invitations; accepting an invitation never reactivates a
deactivated account nor resets an existing account's password; an existing active
account gets the new role after signing in with its own password.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kaikukanta.accounts.models import Membership, Role, User
from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.coordination import services
from kaikukanta.coordination.errors import InvitationAccountDeactivated, InvitationNeedsSignIn
from kaikukanta.coordination.models import Invitation, InvitationStatus
from tests.conftest import PASSWORD, sign_in

NEW_PASSWORD = "Attacker-chosen-2026"


def invite(cast, email="distributor@espoo.test"):
    return services.invitation_create(
        scope=scope_for_user(cast.a.welfare), email=email, name="Someone",
                             role=Role.DISTRIBUTOR_STAFF,
        organisation=cast.a.distributor_org, unit=cast.a.unit, language="en")


def url(inv):
    return reverse("coordination:invitation_accept", args=[inv.link_token])


def post_password(client, inv, password=NEW_PASSWORD):
    return client.post(url(inv), {"name": "Someone", "password1": password,
                                  "password2": password})


def test_issue11_deactivation_revokes_pending_invitations(cast, client):
    staff = cast.a.distributor
    before = invite(cast)
    other_address = invite(cast, email="someone.else@espoo.test")
    services.user_set_active(scope=scope_for_user(cast.a.welfare), user=staff, is_active=False)
    before.refresh_from_db()
    other_address.refresh_from_db()
    assert before.status == InvitationStatus.REVOKED
    assert other_address.status == InvitationStatus.PENDING
    r = post_password(client, before)
    assert r.status_code == 410
    staff.refresh_from_db()
    assert not staff.is_active and staff.check_password(PASSWORD)


@pytest.mark.parametrize("how", ["form", "service"])
def test_issue11_an_invitation_sent_after_deactivation_does_not_reactivate(cast, client, how):
    staff = cast.a.distributor
    roles_before = set(staff.memberships.values_list("pk", flat=True))
    services.user_set_active(scope=scope_for_user(cast.a.welfare), user=staff, is_active=False)
    inv = invite(cast)
    if how == "form":
        r = post_password(client, inv)
        assert r.status_code == 403
        assert "deactivated" in r.content.decode()
        assert client.get(url(inv)).status_code == 403
        assert not r.wsgi_request.user.is_authenticated
    else:
        with pytest.raises(InvitationAccountDeactivated):
            services.invitation_accept(token=inv.link_token, name="x", password=NEW_PASSWORD)
        # even signed in somehow (an old session): still refused
        with pytest.raises(InvitationAccountDeactivated):
            services.invitation_accept_signed_in(token=inv.link_token, user=staff)
    staff.refresh_from_db()
    assert not staff.is_active
    assert staff.check_password(PASSWORD) and not staff.check_password(NEW_PASSWORD)
    assert set(staff.memberships.values_list("pk", flat=True)) == roles_before
    inv.refresh_from_db()
    assert inv.status == InvitationStatus.PENDING  # not used


def test_issue11_accepting_never_resets_an_existing_accounts_password(cast, client):
    venue = cast.a.venue
    inv = invite(cast, email="venue@espoo.test")
    r = post_password(client, inv)
    assert r.status_code == 200 and "Sign in" in r.content.decode()
    assert not r.wsgi_request.user.is_authenticated
    venue.refresh_from_db()
    assert venue.check_password(PASSWORD) and not venue.check_password(NEW_PASSWORD)
    assert not Membership.objects.filter(user=venue, role=Role.DISTRIBUTOR_STAFF).exists()
    with pytest.raises(InvitationNeedsSignIn):
        services.invitation_accept(token=inv.link_token, name="x", password=NEW_PASSWORD)
    assert Invitation.objects.get(pk=inv.pk).status == InvitationStatus.PENDING


def test_issue11_existing_account_gets_the_role_after_signing_in_with_its_password(cast):
    inv = invite(cast, email="venue@espoo.test")
    client = Client()
    r = client.get(url(inv))
    assert r.status_code == 200
    login_url = r.context["sign_in"]
    assert login_url.startswith(reverse("accounts:login"))
    r = client.post(login_url, {"username": "venue@espoo.test", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == url(inv)
    r = client.post(url(inv))
    assert r.status_code == 302
    venue = User.objects.get(email="venue@espoo.test")
    assert set(venue.memberships.values_list("role", flat=True)) == {
        Role.VENUE_STAFF, Role.DISTRIBUTOR_STAFF}
    assert venue.check_password(PASSWORD)
    assert Invitation.objects.get(pk=inv.pk).status == InvitationStatus.ACCEPTED


def test_issue11_another_signed_in_account_cannot_take_the_invitation(cast, client):
    inv = invite(cast, email="venue@espoo.test")
    sign_in(client, cast.a.seller)
    r = client.post(url(inv))
    assert r.status_code == 200 and "another account" in r.content.decode()
    assert not Membership.objects.filter(user=cast.a.seller,
                                         role=Role.DISTRIBUTOR_STAFF).exists()
    with pytest.raises(InvitationNeedsSignIn):
        services.invitation_accept_signed_in(token=inv.link_token, user=cast.a.seller)
    assert Invitation.objects.get(pk=inv.pk).status == InvitationStatus.PENDING
