"""OmaKaiku in a real Chromium at phone width: activation, password and passkey sign-in
(Chromium's virtual authenticator), the card, offers, the data download, closing, the
mobile card offline, and the desk reading the mobile card's token."""

from __future__ import annotations

import json

import pytest

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.oma import services
from kaikukanta.oma.models import HolderAccount, Passkey
from kaikukanta.usage.models import Category, Offer, OfferKind
from tests.conftest import PASSWORD
from tests.usage.conftest import mk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOLDER_PASSWORD = "kulttuuria kaikille 7"


@pytest.fixture
def started(cast, geo):
    card = mk(cast.a.unit, children=2)
    card.municipality = geo.municipalities["049"]
    card.save(update_fields=["municipality"])
    cast.a.site.municipality = geo.municipalities["049"]
    cast.a.site.save()
    Offer.objects.create(venue=cast.a.venue_org, site=cast.a.site, title_fi="Taidenäyttely",
                         title_en="Art exhibition", category=Category.CULTURE,
                         kind=OfferKind.ADMISSION, restrictions="Not on Mondays")
    _row, code = services.oma_start(
        scope=scope_for_user(cast.a.distributor), card=card, language="en")
    return card, code


def _activate(phone, live_server, card, code):
    phone.goto(f"{live_server.url}/oma/activate/?card={card.number}&code={code}")
    assert phone.input_value("#id_code") == code  # the QR link fills the form in
    phone.get_by_role("button", name="Jatka").click()
    phone.wait_for_url("**/oma/activate/choose/")


def test_activation_password_card_offers_data_and_closing(live_server, phone, started):
    card, code = started
    _activate(phone, live_server, card, code)
    phone.fill("#id_password", HOLDER_PASSWORD)
    phone.get_by_role("button", name="Tallenna ja aloita").click()
    phone.wait_for_url("**/oma/card/")
    assert "Korttisi on voimassa" in phone.inner_text("main")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll
    # Large tap targets: every button and link in the main content is at least 44 px high.
    heights = phone.eval_on_selector_all(
        "main .oma-button, main .oma-tiles a",
        "els => els.map(e => e.getBoundingClientRect().height)")
    assert heights and min(heights) >= 44
    # Sign out and in again with the password.
    phone.get_by_role("button", name="Kirjaudu ulos").click()
    phone.wait_for_url("**/oma/")
    phone.fill("#id_number", card.display_number)
    phone.fill("#id_password", HOLDER_PASSWORD)
    phone.get_by_role("button", name="Kirjaudu", exact=True).click()
    phone.wait_for_url("**/oma/card/")
    # Offers.
    phone.get_by_role("link", name="Tarjoukset minulle").click()
    assert "Taidenäyttely" in phone.inner_text("main")
    assert "Not on Mondays" in phone.inner_text("main")
    # The data download (PDF and JSON).
    phone.get_by_role("link", name="Tietoni", exact=True).click()
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Lataa PDF-tiedostona").click()
    with open(download.value.path(), "rb") as fh:
        assert fh.read(4) == b"%PDF"
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Lataa datatiedostona (JSON)").click()
    with open(download.value.path(), encoding="utf-8") as fh:
        assert json.load(fh)["cards"][0]["number"] == card.display_number
    # Closing the account.
    phone.get_by_role("link", name="Lopeta OmaKaiku").click()
    phone.get_by_role("button", name="Kyllä, lopeta OmaKaiku").click()
    assert "OmaKaiku on lopetettu" in phone.inner_text("h1")
    assert not HolderAccount.objects.exists()
    card.refresh_from_db()
    assert card.status == "active"


def _virtual_authenticator(phone):
    cdp = phone.context.new_cdp_session(phone)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True,
        "automaticPresenceSimulation": True}})
    return cdp


def test_passkey_activation_and_sign_in(live_server, phone, started):
    card, code = started
    _virtual_authenticator(phone)
    _activate(phone, live_server, card, code)
    phone.get_by_role("button", name="Käytä pääsyavainta").click()
    phone.wait_for_url("**/oma/card/")
    assert Passkey.objects.count() == 1 and not HolderAccount.objects.get().password
    phone.get_by_role("button", name="Kirjaudu ulos").click()
    phone.wait_for_url("**/oma/")
    phone.get_by_role("button", name="Kirjaudu pääsyavaimella").click()
    phone.wait_for_url("**/oma/card/")
    assert card.display_number in phone.inner_text("main")
    assert Passkey.objects.get().last_used_at is not None


def test_mobile_card_offline_and_at_the_desk(live_server, browser, phone, started, cast):
    card, code = started
    _activate(phone, live_server, card, code)
    phone.fill("#id_password", HOLDER_PASSWORD)
    phone.get_by_role("button", name="Tallenna ja aloita").click()
    phone.wait_for_url("**/oma/card/")
    phone.get_by_role("link", name="Näytä korttini").click()
    phone.wait_for_url("**/oma/show/")
    assert phone.locator(".mcard-number").inner_text() == card.display_number
    assert phone.locator(".mcard-qr svg").is_visible()
    assert phone.locator(".mcard-dot").is_visible()
    # The service worker keeps the card page: once it controls the page, go offline.
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.reload()
    phone.wait_for_function("navigator.serviceWorker.controller !== null")
    phone.context.set_offline(True)
    phone.reload()
    assert phone.locator(".mcard-number").inner_text() == card.display_number
    phone.wait_for_selector("[data-offline]:not([hidden])")
    assert "Ei yhteyttä klo" in phone.inner_text("[data-offline]")
    phone.context.set_offline(False)
    token = phone.evaluate(
        "fetch('/oma/show/token/', {credentials: 'same-origin'}).then(r => r.json())"
        ".then(j => j.token)")
    # The venue's desk: pasting the token is a look-up like typing the number.
    desk_ctx = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    desk = desk_ctx.new_page()
    desk.goto(f"{live_server.url}/accounts/login/")
    desk.fill("#id_username", cast.a.venue.email)
    desk.fill("#id_password", PASSWORD)
    desk.keyboard.press("Enter")
    desk.wait_for_url("**/accounts/home/")
    desk.goto(f"{live_server.url}/venue/desk/?site={cast.a.site.pk}")
    desk.fill("#id_number", token)
    desk.keyboard.press("Enter")
    desk.wait_for_selector(".desk-answer")
    answer = desk.inner_text(".desk-answer")
    assert desk.get_attribute(".desk-answer", "data-status") == "valid"
    assert card.display_number in answer and "signed at" in answer
    desk_ctx.close()
