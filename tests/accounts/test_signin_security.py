"""Sign-in security: lockouts after failed sign-ins and password resets, the national
admin's unlock, and the second factor required of national admins and coordinators."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaikukanta.accounts import security
from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.audit.models import AuditEntry
from kaikukanta.lib.navigation import navigation_for
from tests.conftest import PASSWORD, sign_in, totp_code

LOGIN = reverse("accounts:login")
HOME = reverse("accounts:home")
SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")


def _attempt(client, email, password="wrong-password", **extra):  # noqa: S107
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


def _fail(client, email, times, **extra):
    return [_attempt(client, email, **extra).status_code for _ in range(times)]


# --- lockouts ----------------------------------------------------------------------------

@pytest.mark.parametrize(("language", "message"), [
    ("fi", "Liian monta epäonnistunutta kirjautumista"),
    ("sv", "För många misslyckade inloggningar"),
    ("en", "There were too many failed sign-ins"),
])
def test_ten_failed_sign_ins_lock_the_account_with_a_clear_message(cast, client, language,
                                                                     message):
    client.cookies["django_language"] = language
    assert _fail(client, "venue@espoo.test", 9) == [200] * 9
    response = _attempt(client, "Venue@Espoo.test ")  # the same account, spelt otherwise
    assert response.status_code == 429
    body = response.content.decode()
    assert message in body and "30" in body and 'role="alert"' in body
    # the right password is refused while locked, and nobody is signed in
    response = _attempt(client, "venue@espoo.test", PASSWORD)
    assert response.status_code == 429
    assert client.get(HOME).status_code == 302


def test_nine_failures_then_the_right_password_signs_in(cast, client):
    assert _fail(client, "venue@espoo.test", 9) == [200] * 9
    response = _attempt(client, "venue@espoo.test", PASSWORD)
    assert response.status_code == 302 and response["Location"] == HOME


def test_an_address_is_locked_across_accounts_at_its_own_higher_limit(cast, client,
                                                                       settings):
    settings.SIGNIN_ADDRESS_FAILURE_LIMIT = 20
    office = {"REMOTE_ADDR": "203.0.113.7"}
    # ten mistakes by different people of one office do not lock the office out
    assert [_attempt(client, f"person{i}@example.test", **office).status_code
            for i in range(10)] == [200] * 10
    assert _attempt(Client(), "venue@espoo.test", PASSWORD, **office).status_code == 302
    # but guessing many accounts from one address is stopped at the address limit
    codes = [_attempt(client, f"guess{i}@example.test", **office).status_code
             for i in range(10)]
    assert codes == [200] * 9 + [429]
    assert _attempt(client, "seller@espoo.test", PASSWORD, **office).status_code == 429
    # the same account from another address is not locked (its own count is 0)
    assert _attempt(client, "seller@espoo.test", PASSWORD,
                    REMOTE_ADDR="198.51.100.2").status_code == 302
    assert [(lock.kind, lock.value) for lock in security.current_lockouts()] == [
        ("address", "203.0.113.7")]


def test_address_behind_trusted_proxies_comes_from_x_forwarded_for(settings):
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.1",
                                    HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert security.client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert security.client_ip(request) == "203.0.113.9"  # the part the proxy wrote
    settings.TRUSTED_PROXY_COUNT = 3  # fewer hops than configured: the connection
    assert security.client_ip(request) == "10.0.0.1"


def test_a_lock_ends_after_the_cool_off(cast, client, settings):
    _fail(client, "venue@espoo.test", 10)
    assert _attempt(client, "venue@espoo.test", PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(minutes=1))
    assert _attempt(client, "venue@espoo.test", PASSWORD).status_code == 302


def test_national_admin_sees_and_opens_locks(cast, client, settings):
    _fail(Client(), "venue@espoo.test", 10)
    assert _attempt(Client(), "venue@espoo.test", PASSWORD).status_code == 429
    _fail(Client(), "seller@espoo.test", 3, REMOTE_ADDR="198.51.100.9")
    assert [(lock.kind, lock.value) for lock in security.current_lockouts()] == [
        ("account", "venue@espoo.test")]  # 11 failures from 127.0.0.1: under its limit
    settings.SIGNIN_ADDRESS_FAILURE_LIMIT = 11
    assert [(lock.kind, lock.value) for lock in security.current_lockouts()] == [
        ("account", "venue@espoo.test"), ("address", "127.0.0.1")]

    # a coordinator may not see or open locks
    sign_in(client, cast.a.culture)
    assert client.get(reverse("accounts:lockouts")).status_code == 403
    response = client.post(reverse("accounts:unlock"),
                           {"kind": "account", "value": "venue@espoo.test"})
    assert response.status_code == 403
    assert len(security.current_lockouts()) == 2

    sign_in(client, cast.national)
    body = client.get(reverse("accounts:lockouts")).content.decode()
    assert "venue@espoo.test" in body and "127.0.0.1" in body
    for kind, value in (("account", "venue@espoo.test"), ("address", "127.0.0.1")):
        response = client.post(reverse("accounts:unlock"), {"kind": kind, "value": value})
        assert response.status_code == 302
    assert security.current_lockouts() == []
    assert AuditEntry.objects.filter(action="signin.unlocked", actor=cast.national).count() == 2
    assert _attempt(Client(), "venue@espoo.test", PASSWORD).status_code == 302
    # a bad request changes nothing
    response = client.post(reverse("accounts:unlock"), {"kind": "everything", "value": "x"},
                           follow=True)
    assert "Choose a lock to open." in response.content.decode()


def test_a_password_reset_by_email_link_ends_the_account_lock(cast, client, mailoutbox):
    _fail(client, "venue@espoo.test", 10)
    assert _attempt(client, "venue@espoo.test", PASSWORD).status_code == 429
    client.post(reverse("accounts:password_reset"), {"email": "venue@espoo.test"})
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mailoutbox[-1].body)
    response = client.get(link.group(1), follow=True)
    new = "Uusi-salasana-2026"
    response = client.post(response.redirect_chain[-1][0],
                           {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert _attempt(Client(), "venue@espoo.test", new).status_code == 302


def test_password_resets_are_limited_per_account_and_per_address(cast, client, mailoutbox):
    url = reverse("accounts:password_reset")
    for _ in range(5):
        assert client.post(url, {"email": "venue@espoo.test"}).status_code == 302
    response = client.post(url, {"email": "VENUE@espoo.test"}, REMOTE_ADDR="198.51.100.3")
    assert response.status_code == 429
    assert "Too many password resets" in response.content.decode()
    assert len(mailoutbox) == 5
    # another account from a fresh address is still served; this address is now spent
    assert client.post(url, {"email": "seller@espoo.test"},
                       REMOTE_ADDR="198.51.100.4").status_code == 302
    assert client.post(url, {"email": "site@espoo.test"}).status_code == 429
    assert len(mailoutbox) == 6


# --- the second factor: who must give it, and where they may go before -------------------

REQUIRED = ["national", "a.culture", "a.welfare"]
OPTIONAL = ["a.distributor", "a.venue", "a.site_staff", "a.seller", "outsider"]


def _who(cast, path):
    obj = cast
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def _pages(user):
    urls = [item["url"] for item in navigation_for(scope_for_user(user))]
    return urls + [reverse("accounts:security"), reverse("accounts:password_change")]


@pytest.mark.parametrize("who", REQUIRED)
@pytest.mark.parametrize("has_app", [False, True], ids=["not-enrolled", "enrolled"])
def test_required_roles_reach_no_page_without_the_second_factor(cast, client, who, has_app):
    user = _who(cast, who)
    if has_app:
        TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    sign_in(client, user, second_factor=False)
    target = VERIFY if has_app else SETUP
    pages = _pages(user)
    assert len(pages) >= 4
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{target}?next="), url
        assert response.content == b"", url
    # writes are refused the same way, before any view runs
    response = client.post(reverse("coordination:dashboard"), {"x": "1"})
    assert response.status_code == 302 and response["Location"] == target
    # the page they are sent to shows no tasks of the role
    body = client.get(target).content.decode()
    assert reverse("coordination:dashboard") not in body
    assert "Sign out" in body
    # once verified, the same pages open
    sign_in(client, user)
    assert all(client.get(url).status_code == 200 for url in pages)


@pytest.mark.parametrize("who", OPTIONAL)
def test_other_roles_need_no_second_factor_until_they_set_one_up(cast, client, who):
    user = _who(cast, who)
    sign_in(client, user, second_factor=False)
    for url in _pages(user):
        assert client.get(url).status_code == 200, url
    body = client.get(reverse("accounts:security")).content.decode()
    assert SETUP in body  # offered on their account page


def test_admin_requires_the_second_factor(cast, client):
    sign_in(client, cast.national, second_factor=False)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(SETUP)
    sign_in(client, cast.national)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200
    # the admin site itself also refuses an unverified national admin
    request = RequestFactory().get("/admin/")
    request.user = cast.national
    request.user.is_verified = lambda: False
    assert not admin.site.has_permission(request)
    request.user.is_verified = lambda: True
    assert admin.site.has_permission(request)
    # its own login form is not used: signing in happens on our page
    response = Client().get("/admin/")
    assert response.status_code == 302
    response = Client().get(response["Location"])
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


# --- enrolment, verification, recovery codes ------------------------------------------------

def test_coordinator_enrols_through_the_forms_and_gets_recovery_codes(cast, client):
    user = cast.a.culture
    response = _attempt(client, user.email, PASSWORD)
    assert response.status_code == 302 and response["Location"].startswith(SETUP)
    response = client.get(response["Location"])
    body = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    qr_url = reverse("accounts:two_factor_qr")
    assert f'src="{qr_url}"' in body and "style=" not in body and "<script>" not in body
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert security.secret_for_display(device) in body

    qr = client.get(qr_url)
    assert qr["Content-Type"] == "image/svg+xml" and qr["Cache-Control"] == "no-store"
    assert qr.content.startswith(b"<svg") and b"<path" in qr.content

    response = client.post(SETUP, {"code": "000000", "next": HOME})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the app's next code, without waiting out the throttle
    device.save()

    response = client.post(SETUP, {"code": totp_code(user, confirmed=False), "next": HOME})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in response.content.decode() for code in codes)
    assert client.get(HOME).status_code == 200
    assert AuditEntry.objects.filter(action="second_factor.enrolled", actor=user).exists()
    assert client.get(qr_url).status_code == 404  # nothing left to set up

    # the next sign-in asks for the code; a recovery code works once
    other = Client()
    response = _attempt(other, user.email, PASSWORD)
    assert response["Location"].startswith(VERIFY)
    response = other.post(response["Location"], {"code": codes[0].upper()})
    assert response.status_code == 302 and response["Location"] == HOME
    assert other.get(HOME).status_code == 200
    assert security.recovery_codes_left(user) == 9
    third = Client()
    _attempt(third, user.email, PASSWORD)
    response = third.post(VERIFY, {"code": codes[0]})
    assert response.status_code == 200
    assert "already been used" in response.content.decode()
    assert third.get(HOME).status_code == 302


def test_a_wrong_code_is_refused_and_repeated_wrong_codes_are_throttled(cast, client):
    user = cast.a.welfare
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    sign_in(client, user, second_factor=False)
    response = client.post(VERIFY, {"code": "123456"})
    assert response.status_code == 200 and "not right" in response.content.decode()
    for _ in range(3):
        response = client.post(VERIFY, {"code": totp_code(user)})
    assert "Too many wrong codes" in response.content.decode()
    assert client.get(HOME).status_code == 302


def test_setting_up_a_new_app_needs_the_old_one_first(cast, client):
    user = cast.a.culture
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    sign_in(client, user, second_factor=False)
    response = client.get(SETUP)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()
    assert client.get(reverse("accounts:two_factor_qr")).status_code == 404


def test_new_recovery_codes_replace_the_old(cast, client):
    user = cast.a.venue
    sign_in(client, user)
    old = security.replace_recovery_codes(user)
    response = client.post(reverse("accounts:recovery_codes"))
    new = response.context["codes"]
    assert response.status_code == 200 and set(new).isdisjoint(old)
    assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) \
        == set(new)


def test_voluntary_second_factor_is_then_asked_for_and_can_be_removed(cast, client):
    user = cast.a.distributor
    sign_in(client, user, second_factor=False)
    client.get(SETUP)
    response = client.post(SETUP, {"code": totp_code(user, confirmed=False)})
    assert response.status_code == 200
    # a password-only sign-in is now not enough
    other = Client()
    response = _attempt(other, user.email, PASSWORD)
    assert response["Location"].startswith(VERIFY)
    assert other.get(reverse("cards:card_list")).status_code == 302
    # removing it (from a verified session) makes the password enough again
    response = client.post(reverse("accounts:two_factor_remove"))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    response = _attempt(Client(), user.email, PASSWORD)
    assert response["Location"] == HOME


def test_required_roles_cannot_remove_the_second_factor(cast, client):
    sign_in(client, cast.a.culture)
    assert client.post(reverse("accounts:two_factor_remove")).status_code == 403
    assert TOTPDevice.objects.filter(user=cast.a.culture, confirmed=True).exists()


def test_the_demo_secret_works_only_in_demo_mode(cast, client, settings):
    user = cast.a.culture
    settings.DEMO = True
    security.give_demo_device(user)
    settings.DEMO = False
    with pytest.raises(Exception, match="demo mode"):
        security.give_demo_device(cast.a.welfare)
    sign_in(client, user, second_factor=False)
    code, seconds = security.demo_code()
    assert re.fullmatch(r"\d{6}", code) and 0 < seconds <= 30
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 200 and client.get(HOME).status_code == 302
    settings.DEMO = True
    TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0)
    response = client.post(VERIFY, {"code": security.demo_code()[0]})
    assert response.status_code == 302 and client.get(HOME).status_code == 200


def test_national_admin_resets_a_lost_second_factor(cast, client):
    person = Client()
    sign_in(person, cast.a.culture)
    assert person.get(HOME).status_code == 200
    url = reverse("accounts:second_factor_reset")
    sign_in(client, cast.b.culture)  # a coordinator may not
    assert client.post(url, {"email": cast.a.culture.email}).status_code == 403
    assert TOTPDevice.objects.filter(user=cast.a.culture).exists()

    sign_in(client, cast.national)
    response = client.post(url, {"email": "nobody@example.test"}, follow=True)
    assert "No account uses that email" in response.content.decode()
    response = client.post(url, {"email": " Culture@Espoo.test "}, follow=True)
    assert "was reset" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=cast.a.culture).exists()
    assert AuditEntry.objects.filter(action="second_factor.reset", actor=cast.national).exists()
    # the person's open session no longer counts as verified: a new app is set up first
    response = person.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(SETUP)


@pytest.mark.parametrize(("extra", "expected"), [
    ({}, "1"),  # production sits behind the TLS proxy: count addresses per client
    ({"BEHIND_TLS_PROXY": "0"}, "0"),
    ({"TRUSTED_PROXY_COUNT": "2"}, "2"),
])
def test_production_counts_addresses_behind_the_tls_proxy(tmp_path, extra, expected):
    from tests.ops.production import manage, production_env

    result = manage(production_env(tmp_path, **extra), "shell", "-c",
                    "from django.conf import settings; print(settings.TRUSTED_PROXY_COUNT)")
    assert result.stdout.strip().splitlines()[-1] == expected
