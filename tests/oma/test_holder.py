"""The holder's side: activation, sign-in, the card, uses, offers, data, closing, and
every bad input of issue 13's "Bad input and misuse"."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.cards import numbers, token_signing
from kaikukanta.cards.models import CardStatus
from kaikukanta.oma import errors, services
from kaikukanta.oma.models import ActivationCode, HolderAccount, HolderEmail, Passkey
from kaikukanta.usage.models import Category, Offer, OfferKind, Use
from tests.conftest import sign_in
from tests.oma.conftest import HOLDER_EMAIL, HOLDER_PASSWORD
from tests.usage.conftest import mk

ACTIVATE = "/oma/activate/"


def activate(client, number, code):
    return client.post(ACTIVATE, {"number": number, "code": code})


def message(exc_class, **params) -> str:
    text = str(exc_class.message)
    return text % params if params else text


# --- activation -------------------------------------------------------------------------

def test_activation_with_code_and_password(client, holder_card, code):
    _row, text = code
    r = client.get(ACTIVATE, {"card": holder_card.number, "code": text})
    assert f'value="{text}"' in r.content.decode()  # the QR link fills the form in
    r = activate(client, holder_card.display_number.lower(), services.display_code(text))
    assert r.status_code == 302 and r["Location"] == reverse("oma:choose")
    r = client.post(reverse("oma:choose"), {"password": "short"})
    assert r.status_code == 200 and HolderAccount.objects.count() == 0
    r = client.post(reverse("oma:choose"), {"password": HOLDER_PASSWORD, "email": ""})
    assert r.status_code == 302 and r["Location"] == reverse("oma:home")
    account = HolderAccount.objects.get()
    assert account.card == holder_card and account.password != HOLDER_PASSWORD
    assert not HolderEmail.objects.exists()
    assert ActivationCode.objects.get().used_at is not None
    page = client.get(reverse("oma:home")).content.decode()
    assert holder_card.display_number in page and 'data-status="valid"' in page


def test_wrong_number_and_wrong_code_get_the_same_answer(client, holder_card, code):
    _row, text = code
    other = mk(holder_card.unit)
    wrong_code = "2" * 10 if text != "2" * 10 else "3" * 10
    answers = []
    for number, c in [(holder_card.number, wrong_code), (other.number, text),
                      (numbers.generate(), text), ("nonsense", text)]:
        r = activate(client, number, c)
        assert r.status_code == 200
        answers.append(message(errors.ActivationCodeWrong) in r.content.decode())
    assert answers == [True, True, True, True]


@pytest.mark.parametrize("case", ["expired", "used", "cancelled", "inactivated", "replaced"])
def test_bad_codes_each_have_their_own_answer(client, cast, holder_card, code, case):
    row, text = code
    expected = {
        "expired": message(errors.ActivationCodeExpired),
        "used": message(errors.ActivationCodeUsed),
        "cancelled": message(errors.ActivationCodeCancelled),
        "inactivated": message(errors.CardNotUsable),
    }.get(case)
    if case == "expired":
        ActivationCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    elif case == "used":
        services.account_activate(code=row, password=HOLDER_PASSWORD)
    elif case == "cancelled":
        services.oma_code_cancel(scope=scope_for_user(cast.a.distributor), card=holder_card)
    else:
        holder_card.status = CardStatus.INACTIVE
        holder_card.inactivated_on = timezone.localdate()
        holder_card.save()
        if case == "replaced":
            new = mk(holder_card.unit)
            new.replaces = holder_card
            new.save()
            expected = message(errors.CardReplacedUseNew, number=new.display_number)
    r = activate(client, holder_card.number, text)
    html = r.content.decode()
    assert r.status_code == 200 and expected in html.replace("&#x27;", "'")
    assert HolderAccount.objects.count() == (1 if case == "used" else 0)


def test_too_many_code_attempts_are_slowed_down(client, holder_card, code, settings):
    settings.KAIKUKANTA_OMA_FAILURES_PER_CARD = 3
    _row, text = code
    for _ in range(3):
        activate(client, holder_card.number, "2345678923")
    r = activate(client, holder_card.number, text)  # even the right code now waits
    assert r.status_code == 429 and "Too many tries" in r.content.decode()
    assert HolderAccount.objects.count() == 0


def test_code_page_without_a_checked_code_sends_back(client):
    r = client.get(reverse("oma:choose"))
    assert r.status_code == 302 and r["Location"] == ACTIVATE


def test_two_activations_at_once_make_one_account(holder_card, code):
    row, _text = code
    services.account_activate(code=row, password=HOLDER_PASSWORD)
    with pytest.raises(errors.ActivationCodeUsed):
        services.account_activate(code=row, password=HOLDER_PASSWORD)
    assert HolderAccount.objects.count() == 1


# --- sign-in ----------------------------------------------------------------------------

def test_password_sign_in_and_its_failures(client, holder_card, account, settings):
    settings.KAIKUKANTA_OMA_FAILURES_PER_CARD = 3
    wrong = client.post(reverse("oma:sign_in"), {"number": holder_card.number,
                                                 "password": "not it"}).content.decode()
    unknown = client.post(reverse("oma:sign_in"), {"number": numbers.generate(),
                                                   "password": "not it"}).content.decode()
    assert message(errors.SignInFailed) in wrong and message(errors.SignInFailed) in unknown
    client.post(reverse("oma:sign_in"), {"number": holder_card.number, "password": "x"})
    client.post(reverse("oma:sign_in"), {"number": holder_card.number, "password": "y"})
    r = client.post(reverse("oma:sign_in"), {"number": holder_card.number,
                                             "password": HOLDER_PASSWORD})
    assert r.status_code == 429
    from django.core.cache import cache

    cache.clear()
    r = client.post(reverse("oma:sign_in"), {"number": holder_card.number,
                                             "password": HOLDER_PASSWORD})
    assert r.status_code == 302
    assert client.get(reverse("oma:home")).status_code == 200


def test_holder_pages_need_a_holder_session(client, cast, holder_card, account):
    for name in ("home", "uses", "offers", "my_data", "data_json", "data_pdf", "show",
                 "show_token", "close", "password_change"):
        r = client.get(reverse(f"oma:{name}"))
        assert r.status_code == 302 and r["Location"] == reverse("oma:sign_in"), name
    sign_in(client, cast.a.distributor)  # a staff session is not a holder session
    assert client.get(reverse("oma:home")).status_code == 302


def test_holder_session_is_not_a_staff_session(holder_client):
    r = holder_client.get(reverse("cards:card_list"))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_password_change_ends_other_sessions(client, holder_client, holder_card, account):
    from django.test import Client

    other = Client()
    other.post(reverse("oma:sign_in"), {"number": holder_card.number,
                                        "password": HOLDER_PASSWORD})
    assert other.get(reverse("oma:home")).status_code == 200
    r = holder_client.post(reverse("oma:password_change"), {"password": "uusi salasana 42"})
    assert r.status_code == 302
    assert holder_client.get(reverse("oma:home")).status_code == 200
    assert other.get(reverse("oma:home")).status_code == 302


def test_email_sign_in_link(client, holder_card, account):
    r = client.post(reverse("oma:email_link"), {"email": "nobody@example.test"})
    same = r.content.decode()
    assert not mail.outbox
    r = client.post(reverse("oma:email_link"), {"email": HOLDER_EMAIL.upper()})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [HOLDER_EMAIL]
    assert "If this address is in OmaKaiku" in same and "If this address" in r.content.decode()
    link = next(w for w in mail.outbox[0].body.split() if "/oma/link/" in w)
    path = link.replace("http://testserver", "")
    assert client.get(path).status_code == 200
    assert client.get(reverse("oma:home")).status_code == 302  # a GET does not sign in
    assert client.post(path).status_code == 302
    assert client.get(reverse("oma:home")).status_code == 200
    client.post(reverse("oma:sign_out"))
    assert client.post(path).status_code == 400  # works once


def test_replacement_card_carries_omakaiku_over(client, cast, holder_card, account):
    holder_card.status = CardStatus.INACTIVE
    holder_card.inactivated_on = timezone.localdate()
    holder_card.save()
    new = mk(cast.a.unit, children=3)
    new.replaces = holder_card
    new.save()
    for number in (new.number, holder_card.number):
        client.post(reverse("oma:sign_out"))
        r = client.post(reverse("oma:sign_in"), {"number": number, "password": HOLDER_PASSWORD})
        assert r.status_code == 302
    page = client.get(reverse("oma:home")).content.decode()
    assert new.display_number in page and 'data-status="valid"' in page
    assert f"Your old card {holder_card.display_number} was replaced" in page
    r = client.get(reverse("oma:show_token"))
    claims = token_signing.verify(r.json()["token"])
    assert claims.number == new.number and claims.children == 3


def test_card_inactivated_after_activation(holder_client, holder_card):
    holder_card.status = CardStatus.INACTIVE
    holder_card.inactivated_on = timezone.localdate()
    holder_card.save()
    page = holder_client.get(reverse("oma:home")).content.decode()
    assert 'data-status="not-valid"' in page and "Show my card" not in page
    assert holder_client.get(reverse("oma:show_token")).status_code == 409
    assert "cannot be shown" in holder_client.get(reverse("oma:show")).content.decode()


# --- what the holder sees ---------------------------------------------------------------

def test_card_page_says_where_to_renew_when_expiring(holder_client, holder_card):
    holder_card.valid_until = timezone.localdate() + datetime.timedelta(days=10)
    holder_card.save()
    page = holder_client.get(reverse("oma:home")).content.decode()
    assert "Your card expires soon" in page and holder_card.unit.name in page
    assert "2 children" in page


def test_uses_are_only_the_holders_own(cast, holder_client, holder_card):
    offer = Offer.objects.create(venue=cast.a.venue_org, site=cast.a.site, title_fi="Konsertti",
                                 title_en="Concert", category=Category.CULTURE,
                                 kind=OfferKind.EVENT)
    other = mk(cast.a.unit)
    today = timezone.localdate()
    area = {"area": cast.a.area, "card_area": cast.a.area}
    Use.objects.create(card=holder_card, venue=cast.a.venue_org, site=cast.a.site,
                       offer=offer, category=Category.CULTURE, event_date=today, children=2,
                       **area)
    Use.objects.create(card=other, venue=cast.a.venue_org, site=cast.a.site2,
                       category=Category.SPORTS, event_date=today, **area)
    page = holder_client.get(reverse("oma:uses")).content.decode()
    assert "Concert" in page and "2 children's tickets" in page
    assert cast.a.site2.name not in page


def test_offers_own_municipality_first_and_filters(cast, geo, holder_client):
    cast.a.site.municipality = geo.municipalities["049"]
    cast.a.site.save()
    cast.b.site.municipality = geo.municipalities["205"]
    cast.b.site.save()
    far = Offer.objects.create(venue=cast.b.venue_org, site=cast.b.site, title_fi="Aa kaukana",
                               category=Category.SPORTS, kind=OfferKind.ADMISSION,
                               children_allowed=False)
    near = Offer.objects.create(venue=cast.a.venue_org, site=cast.a.site, title_fi="Zz lähellä",
                                category=Category.CULTURE, kind=OfferKind.ADMISSION,
                                restrictions="Not on Mondays")
    Offer.objects.create(venue=cast.a.venue_org, site=cast.a.site, title_fi="Ended",
                         category=Category.CULTURE, kind=OfferKind.EVENT,
                         ends_on=timezone.localdate() - datetime.timedelta(days=1))
    page = holder_client.get(reverse("oma:offers")).content.decode()
    assert page.index(near.title_fi) < page.index(far.title_fi)
    assert "Not on Mondays" in page and "Ended" not in page
    page = holder_client.get(reverse("oma:offers"), {"children": "on"}).content.decode()
    assert near.title_fi in page and far.title_fi not in page
    page = holder_client.get(reverse("oma:offers"), {"category": "sports"}).content.decode()
    assert far.title_fi in page and near.title_fi not in page
    page = holder_client.get(reverse("oma:offers"), {"where": "own"}).content.decode()
    assert near.title_fi in page and far.title_fi not in page
    page = holder_client.get(reverse("oma:offers"), {"q": "kauka"}).content.decode()
    assert far.title_fi in page and near.title_fi not in page


def test_data_download(holder_client, holder_card):
    r = holder_client.get(reverse("oma:data_json"))
    data = json.loads(r.content)
    assert r["Content-Disposition"].startswith("attachment")
    card = data["cards"][0]
    assert card["number"] == holder_card.display_number and card["birth_year"] == 1980
    assert data["omakaiku"]["email"] == HOLDER_EMAIL and data["omakaiku"]["password_set"]
    assert "password" not in json.dumps(data["omakaiku"]).replace("password_set", "")
    pdf = holder_client.get(reverse("oma:data_pdf"))
    assert pdf.content.startswith(b"%PDF") and pdf["Content-Type"] == "application/pdf"


def test_closing_deletes_credentials_and_email_and_keeps_the_card(holder_client, holder_card,
                                                                   account):
    Passkey.objects.create(account=account, credential_id="abc", public_key=b"k")
    assert "Close OmaKaiku?" in holder_client.get(reverse("oma:close")).content.decode()
    r = holder_client.post(reverse("oma:close"))
    assert r.status_code == 200 and r["Clear-Site-Data"]
    assert not HolderAccount.objects.exists() and not HolderEmail.objects.exists()
    assert not Passkey.objects.exists()
    holder_card.refresh_from_db()
    assert holder_card.status == CardStatus.ACTIVE
    assert holder_client.get(reverse("oma:home")).status_code == 302
    r = holder_client.post(reverse("oma:sign_in"), {"number": holder_card.number,
                                                    "password": HOLDER_PASSWORD})
    assert r.status_code == 200


def test_show_my_card_carries_a_fresh_signed_token(holder_client, holder_card):
    page = holder_client.get(reverse("oma:show")).content.decode()
    assert holder_card.display_number in page and "<svg" in page and "signed at" in page
    data = holder_client.get(reverse("oma:show_token")).json()
    claims = token_signing.verify(data["token"])
    assert claims.number == holder_card.number and claims.children == 2


def test_pwa_files(client):
    manifest = client.get(reverse("oma:manifest")).json()
    assert manifest["start_url"] == reverse("oma:show") and manifest["scope"] == "/oma/"
    pngs = {icon["sizes"]: icon["src"] for icon in manifest["icons"]
            if icon["type"] == "image/png"}
    assert set(pngs) == {"192x192", "512x512"}  # for Android versions without SVG icons
    for sizes, src in pngs.items():
        assert src.startswith(settings.STATIC_URL)
        path = finders.find(src.removeprefix(settings.STATIC_URL))
        with Image.open(path) as image:
            assert image.format == "PNG" and "{}x{}".format(*image.size) == sizes
    sw = client.get(reverse("oma:service_worker"))
    assert sw["Content-Type"].startswith("text/javascript") and b"/oma/show/" in sw.content


@pytest.mark.parametrize("name", ["sign_in", "activate", "email_link", "home", "uses",
                                  "offers", "my_data", "show", "close", "password_change"])
def test_holder_pages_are_small_and_script_free(holder_client, name):
    """Under 30 KB on the first visit (page + its own styles and scripts), no inline
    script or style, one h1."""
    from django.contrib.staticfiles import finders

    from tests.test_every_page import PageAudit

    if name in ("sign_in", "activate", "email_link"):
        holder_client.post(reverse("oma:sign_out"))
    r = holder_client.get(reverse(f"oma:{name}"))
    assert r.status_code == 200
    html = r.content.decode()
    audit = PageAudit()
    audit.feed(html)
    assert audit.h1 == 1 and audit.inline_scripts == 0 and audit.style_attrs == 0
    assets = re.findall(r'(?:href|src)="/static/([^"]+)"', html)
    from pathlib import Path

    total = len(r.content) + sum(Path(finders.find(a)).stat().st_size for a in assets)
    assert total < 30 * 1024, (name, total)
