"""The page frame: login in three languages, role home pages, preferences, admin."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD, sign_in


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "text"), [
    ("fi", "Kirjaudu Kaikukantaan"),
    ("sv", "Logga in i Kaikukanta"),
    ("en", "Sign in to Kaikukanta"),
])
def test_login_page_in_three_languages(client, settings, lang, text):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get(reverse("accounts:login"))
    body = response.content.decode()
    assert response.status_code == 200
    assert text in body
    assert f'<html lang="{lang}"' in body


@pytest.mark.django_db
def test_finnish_is_the_default(client, settings):
    settings.LANGUAGE_CODE = "fi"
    body = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="").content.decode()
    assert "Kirjaudu Kaikukantaan" in body


def test_page_frame_is_accessible_markup(cast, client):
    body = client.get(reverse("accounts:login")).content.decode()
    assert 'class="skip-link" href="#main"' in body
    assert '<main id="main"' in body
    assert 'for="id_username"' in body and 'for="id_password"' in body
    assert "<script>" not in body and "style=" not in body


def test_login_with_email_and_wrong_password(cast, client):
    response = client.post(reverse("accounts:login"),
                           {"username": "VENUE@espoo.test", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:home")
    client.logout()
    response = client.post(reverse("accounts:login"),
                           {"username": "culture@espoo.test", "password": "wrong"})
    assert response.status_code == 200
    assert "The email or password is wrong" in response.content.decode()
    assert 'role="alert"' in response.content.decode()


@pytest.mark.parametrize(("who", "expected"), [
    ("national", ["National admin", "Areas", "Maintenance (admin)"]),
    ("a.culture", ["Area coordinator, culture side", "Espoo"]),
    ("a.welfare", ["Area coordinator, welfare side", "Espoo"]),
    ("a.distributor", ["Distributor staff", "Social office Espoo"]),
    ("a.venue", ["Venue staff", "Museum Espoo"]),
    ("a.site_staff", ["Venue staff", "Pool Espoo"]),
    ("a.seller", ["Ticket seller staff", "Tickets Espoo"]),
    ("outsider", ["You have no role yet"]),
])
def test_every_role_lands_on_its_home_page(cast, client, who, expected):
    user = cast
    for part in who.split("."):
        user = getattr(user, part)
    sign_in(client, user)
    body = client.get(reverse("accounts:home")).content.decode()
    for text in expected:
        assert text in body
    if who != "national":
        assert "Maintenance (admin)" not in body


def test_admin_only_for_national_admins(cast, client):
    sign_in(client, cast.national)
    assert client.get("/admin/").status_code == 200
    sign_in(client, cast.a.culture)
    assert client.get("/admin/").status_code == 302  # to admin login: not allowed


def test_language_choice_is_remembered_on_the_account(cast, client, settings):
    sign_in(client, cast.a.venue)
    response = client.post(reverse("accounts:language"), {"language": "sv", "next": "/x/"})
    assert response.status_code == 302 and response["Location"] == "/x/"
    cast.a.venue.refresh_from_db()
    assert cast.a.venue.language == "sv"
    # a new browser without the cookie still gets Swedish after signing in
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    body = client.get(reverse("accounts:home")).content.decode()
    assert '<html lang="sv"' in body


def test_language_switch_rejects_unknown_and_offsite_next(cast, client):
    response = client.post(reverse("accounts:language"),
                           {"language": "de", "next": "https://evil.example/"})
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_text_size_control(client):
    client.post(reverse("accounts:text_size"), {"size": "largest", "next": "/accounts/login/"})
    body = client.get(reverse("accounts:login")).content.decode()
    assert 'class="text-largest"' in body
    client.post(reverse("accounts:text_size"), {"size": "huge"})
    assert 'class="text-largest"' in client.get(reverse("accounts:login")).content.decode()


def test_deactivated_user_loses_session_and_cannot_sign_in(cast, client):
    sign_in(client, cast.a.venue)
    assert client.get(reverse("accounts:home")).status_code == 200
    cast.a.venue.is_active = False
    cast.a.venue.save()
    assert client.get(reverse("accounts:home")).status_code == 302
    response = client.post(reverse("accounts:login"),
                           {"username": "venue@espoo.test", "password": PASSWORD})
    assert response.status_code == 200


def test_password_reset_sends_email(cast, client, mailoutbox):
    client.post(reverse("accounts:password_reset"), {"email": "venue@espoo.test"})
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/" in mailoutbox[0].body
    client.post(reverse("accounts:password_reset"), {"email": "nobody@espoo.test"})
    assert len(mailoutbox) == 1


def test_security_headers(client, db):
    response = client.get(reverse("accounts:login"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
