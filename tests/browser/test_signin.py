"""Signing in with the second factor in a real browser, through the forms only."""

import io
from urllib.parse import parse_qs, urlparse

import pytest
import zxingcpp
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from tests.conftest import PASSWORD, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, url, email):
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_coordinator_enrols_by_scanning_the_qr_code_then_gives_codes(cast, live_server, page):
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else 0)
    _sign_in(page, live_server.url, "culture@espoo.test")
    assert "/accounts/security/setup/" in page.url
    # the QR code is drawn by our own page under the strict CSP and scans to the secret
    image = page.locator("img.qr")
    assert page.evaluate("document.querySelector('img.qr').naturalWidth") > 0
    png = Image.open(io.BytesIO(image.screenshot()))
    [found] = zxingcpp.read_barcodes(png)
    uri = urlparse(found.text)
    assert uri.scheme == "otpauth" and uri.netloc == "totp"
    secret = parse_qs(uri.query)["secret"][0]
    assert secret in page.inner_text("code.secret").replace(" ", "")
    assert blocked == []

    page.fill("#id_code", totp_code(cast.a.culture, confirmed=False))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert len(page.locator(".recovery-codes li").all()) == 10
    with page.expect_navigation():
        page.click("text=I have saved the codes, continue")
    assert page.url.endswith("/accounts/home/")
    assert TOTPDevice.objects.get(user=cast.a.culture).confirmed


def test_national_admin_gives_the_code_through_the_form(cast, live_server, page):
    TOTPDevice.objects.create(user=cast.national, name="app", confirmed=True)
    _sign_in(page, live_server.url, "national@kaikukeskus.test")
    assert "/accounts/security/verify/" in page.url
    assert page.evaluate("document.activeElement.id") == "id_code"
    assert page.locator("nav.main-nav ul li").count() == 0  # no tasks before the code
    page.keyboard.type(totp_code(cast.national))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/accounts/home/")
    assert page.locator("nav.main-nav ul li").count() > 3
