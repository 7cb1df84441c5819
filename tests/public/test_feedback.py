"""The public feedback form: mailed to the area, listed for its coordinators, spam held
off; the reply address is personal data and kept out of everything public."""

import re

import pytest
from django.core import mail

from kaikukanta.lib.privacy import PERSONAL_DATA
from kaikukanta.public.models import AreaPage, Feedback
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def _form(client, area, lang="fi"):
    html = client.get(f"/{lang}/areas/{area.pk}/feedback/").content.decode()
    return re.search(r'name="started" value="([^"]+)"', html).group(1)


@pytest.fixture
def slow_form(monkeypatch):
    """Pretend the visitor spent a while on the form."""
    monkeypatch.setattr("kaikukanta.public.services.FEEDBACK_MIN_SECONDS", -1)


def test_anonymous_feedback_reaches_the_area_and_its_coordinators(cast, client, slow_form):
    AreaPage.objects.create(area=cast.a.area, feedback_email="palaute@espoo.test")
    started = _form(client, cast.a.area)
    response = client.post(f"/fi/areas/{cast.a.area.pk}/feedback/",
                           {"message": "Hyvä kortti!", "started": started})
    assert response.status_code == 302 and response["Location"].endswith("?sent=1")
    item = Feedback.objects.get()
    assert item.area == cast.a.area and item.reply_email == "" and item.language == "fi"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["palaute@espoo.test"] and "Hyvä kortti!" in mail.outbox[0].body
    assert mail.outbox[0].reply_to == []
    # the coordinators see it and mark it handled; area b's do not see it
    sign_in(client, cast.b.culture)
    assert client.get(f"/public/areas/{cast.a.area.pk}/feedback/").status_code == 404
    assert client.post(f"/public/feedback/{item.pk}/handled/").status_code == 404
    sign_in(client, cast.a.welfare)
    assert "Hyvä kortti!" in client.get(
        f"/public/areas/{cast.a.area.pk}/feedback/").content.decode()
    client.post(f"/public/feedback/{item.pk}/handled/")
    item.refresh_from_db()
    assert item.handled_at is not None and item.handled_by == cast.a.welfare


def test_reply_address_goes_to_reply_to_and_is_erased_when_handled(cast, client, slow_form):
    started = _form(client, cast.a.area, "sv")
    client.post(f"/sv/areas/{cast.a.area.pk}/feedback/",
                {"message": "Hej", "reply_email": "me@example.test", "started": started})
    item = Feedback.objects.get()
    assert item.reply_email == "me@example.test" and item.language == "sv"
    # no feedback address: the area's coordinators get it
    assert set(mail.outbox[0].to) == {cast.a.culture.email, cast.a.welfare.email}
    assert mail.outbox[0].reply_to == ["me@example.test"]
    sign_in(client, cast.a.culture)
    client.post(f"/public/feedback/{item.pk}/handled/")
    item.refresh_from_db()
    assert item.reply_email == ""


def test_reply_address_is_classified_and_never_public(cast, client, slow_form):
    assert "public.feedback" in PERSONAL_DATA
    client.post(f"/fi/areas/{cast.a.area.pk}/feedback/",
                {"message": "x", "reply_email": "secret@example.test",
                 "started": _form(client, cast.a.area)})
    for url in ("/fi/", f"/fi/areas/{cast.a.area.pk}/", "/api/public/v1/areas",
                "/api/public/v1/annual", "/api/public/v1/offers"):
        assert b"secret@example.test" not in client.get(url).content


def test_honeypot_and_a_too_fast_form_are_refused(cast, client):
    started = _form(client, cast.a.area)
    response = client.post(f"/fi/areas/{cast.a.area.pk}/feedback/",
                           {"message": "Buy now", "website": "http://spam.test",
                            "started": started})
    assert response.status_code == 400
    assert "Täytä vain näkyvät kentät" in response.content.decode()
    # a robot that posts at once (or without the signed start time) is refused too
    assert client.post(f"/fi/areas/{cast.a.area.pk}/feedback/",
                       {"message": "Fast", "started": started}).status_code == 400
    assert client.post(f"/fi/areas/{cast.a.area.pk}/feedback/",
                       {"message": "Forged", "started": "1"}).status_code == 400
    assert not Feedback.objects.exists() and not mail.outbox


def test_rate_limit_per_client_address(cast, client, slow_form, settings):
    settings.KAIKUKANTA_FEEDBACK_PER_HOUR = 2
    url = f"/fi/areas/{cast.a.area.pk}/feedback/"
    started = _form(client, cast.a.area)
    codes = [client.post(url, {"message": f"m{i}", "started": started}).status_code
             for i in range(3)]
    assert codes == [302, 302, 429]
    assert Feedback.objects.count() == 2
    other = client.post(url, {"message": "m", "started": started}, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 302


def test_empty_message_and_bad_address_are_explained(cast, client, slow_form):
    url = f"/en/areas/{cast.a.area.pk}/feedback/"
    response = client.post(url, {"message": "", "reply_email": "nope",
                                 "started": _form(client, cast.a.area, "en")})
    html = response.content.decode()
    assert response.status_code == 400 and "error-summary" in html
    assert "Enter a valid email address" in html
    assert not Feedback.objects.exists()


def test_a_mail_failure_keeps_nothing(cast, client, slow_form, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    response = client.post(f"/en/areas/{cast.a.area.pk}/feedback/",
                           {"message": "Hello", "started": _form(client, cast.a.area, "en")})
    assert response.status_code == 503 and "try again later" in response.content.decode()
    assert not Feedback.objects.exists()
