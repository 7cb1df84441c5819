"""The ticket desk in a real Chromium, keyboard only and with a scanner's typed input:
open the desk, scan, the verdict in view, Enter records, the focus back in the number
field. At a desktop's 1280 x 800 and on a phone at every text size. Without a connection
(the test cuts the network in the browser): uses wait in the browser and each is sent
exactly once when the connection returns."""

from __future__ import annotations

import time

import pytest

from kaikukanta.usage.models import Use
from tests.conftest import PASSWORD
from tests.usage.conftest import card, offer  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_as_venue(page, live_server) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "venue@espoo.test")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def focused(page, prop: str) -> str:
    return page.evaluate(f"document.activeElement.getAttribute('{prop}') || ''")


def in_view(page, selector: str) -> bool:
    """The element is wholly inside the window (not scrolled out of it)."""
    return page.evaluate("""sel => {
        const r = document.querySelector(sel).getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0
            && r.right <= window.innerWidth; }""", selector)


def wait_until(page, expression: str, timeout: float = 15.0) -> None:
    """Poll a condition from outside the page (Playwright's wait_for_function evaluates
    strings inside the page, which the strict CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(50)


def scan(page, text: str) -> None:
    """A USB scanner types the characters quickly and ends with Enter."""
    with page.expect_navigation():
        page.keyboard.type(text, delay=5)
        page.keyboard.press("Enter")


def test_desk_keyboard_only_scan_verdict_enter_records_focus_back(cast, card, offer,  # noqa: F811
                                                                   live_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    page = context.new_page()
    sign_in_as_venue(page, live_server)
    page.goto(f"{live_server.url}/venue/desk/?site={cast.a.site.pk}")
    # opening the desk: no error, the number field has the focus
    assert page.locator(".error-summary, .field-errors").count() == 0
    assert focused(page, "name") == "number"
    scan(page, f"KAIKU:{card.number}")  # the QR code's payload, as a scanner types it
    assert page.locator("#verdict").inner_text().strip().endswith("VALID")
    assert in_view(page, "#verdict") and in_view(page, ".desk-record-now button")
    assert focused(page, "form") == "desk-record"  # Record use
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Use.objects.filter(card=card, offer=offer).count() == 1
    assert "Recorded: card" in page.inner_text(".messages")
    assert focused(page, "name") == "number"  # ready for the next scan
    # a mistyped number: the message is read out, the focus stays for the next try
    scan(page, card.number[:-1] + ("A" if card.number[-1] != "A" else "B"))
    assert page.locator("#number_errors").count() == 1
    assert focused(page, "name") == "number"
    # the menu link opens the same site again
    page.goto(f"{live_server.url}/venue/desk/")
    assert cast.a.site.name in page.inner_text("h1")
    context.close()


@pytest.mark.parametrize("size", ["normal", "largest"])
def test_desk_on_a_phone_starts_at_the_number_and_the_answer_fits(cast, card, offer,  # noqa: F811
                                                                 live_server, browser, size):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, locale="en-GB")
    page = context.new_page()
    sign_in_as_venue(page, live_server)
    page.goto(f"{live_server.url}/venue/desk/?site={cast.a.site.pk}")
    if size != "normal":
        with page.expect_navigation():
            page.click(f"button[name=size][value={size}]")
    page.goto(f"{live_server.url}/venue/desk/?site={cast.a.site.pk}")
    top = page.evaluate("document.querySelector('#desk-lookup').getBoundingClientRect().top")
    assert -2 <= top < 60  # the number field's form starts the screen
    scan(page, card.number)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.evaluate("""() => {
        const r = document.querySelector("section[aria-labelledby=verdict]")
            .getBoundingClientRect();
        return [r.left, r.right]; }""")
    assert box[0] >= 0 and box[1] <= 390
    verdict = page.locator("#verdict")
    assert verdict.evaluate("e => e.scrollWidth <= e.clientWidth")  # "VALID" is not clipped
    assert in_view(page, "#verdict")
    context.close()


# A stand-in for the phone's camera and the browser's code reader: the page gets a video
# stream from a canvas, and a BarcodeDetector that reads the card's QR code from it.
FAKE_CAMERA = """
(() => {
  window.BarcodeDetector = class {
    static getSupportedFormats() { return Promise.resolve(["qr_code", "code_39", "ean_13"]); }
    constructor(options) { window.__formats = options.formats; this.calls = 0; }
    detect() {
      this.calls += 1;
      return Promise.resolve(this.calls < 3 ? [] : [{ rawValue: window.__code }]);
    }
  };
  navigator.mediaDevices.getUserMedia = () => {
    const canvas = document.createElement("canvas");
    canvas.width = 64; canvas.height = 64;
    canvas.getContext("2d").fillRect(0, 0, 64, 64);
    return Promise.resolve(canvas.captureStream(5));
  };
})();
"""


def test_desk_camera_reads_the_card_code(cast, card, offer, live_server, browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, locale="en-GB")
    context.add_init_script(FAKE_CAMERA)
    page = context.new_page()
    sign_in_as_venue(page, live_server)
    page.goto(f"{live_server.url}/venue/desk/?site={cast.a.site.pk}")
    page.evaluate(f"window.__code = 'KAIKU:{card.number}'")
    button = page.get_by_role("button", name="Scan with the camera")
    button.wait_for()
    assert page.evaluate("window.__formats") == ["qr_code", "code_39"]
    with page.expect_navigation():
        button.click()  # the third frame holds the code: it goes in and is looked up
    assert page.locator("#verdict").inner_text().strip().endswith("VALID")
    assert card.display_number in page.inner_text("section[aria-labelledby=verdict]")
    assert focused(page, "form") == "desk-record"  # Enter records
    context.close()


def test_desk_without_a_code_reader_offers_no_camera(cast, card, live_server, browser):  # noqa: F811
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    sign_in_as_venue(page, live_server)
    page.goto(f"{live_server.url}/venue/desk/?site={cast.a.site.pk}")
    assert not page.evaluate("'BarcodeDetector' in window")  # desktop Chromium on Linux
    assert page.get_by_role("button", name="Scan with the camera").count() == 0
    assert focused(page, "name") == "number"  # typing and USB scanners still work
    context.close()


def test_offline_desk_queues_uses_and_sends_each_once_when_back(cast, card, offer,  # noqa: F811
                                                                 live_server, browser):
    from kaikukanta.cards.token_signing import sign_card_token
    from tests.usage.conftest import mk

    second = mk(cast.a.unit)
    expired = mk(cast.a.unit, issued_on=card.issued_on.replace(year=card.issued_on.year - 2))
    mobile = mk(cast.a.unit, children=1)
    token = sign_card_token(number=mobile.number, kind=mobile.kind, children=mobile.children,
                            valid_until=mobile.valid_until)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    page = context.new_page()
    sign_in_as_venue(page, live_server)
    page.goto(f"{live_server.url}/venue/desk/?site={cast.a.site.pk}")
    # installable: a manifest and the desk's service worker, which keeps the desk page
    assert page.locator("link[rel=manifest]").count() == 1
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope.endswith("/venue/desk/")
    wait_until(page, "localStorage.getItem('kaikukanta-card-keys') !== null")
    context.set_offline(True)
    # a typed number is checked for its check character only
    page.keyboard.type(display(card.number))
    page.keyboard.press("Enter")
    page.wait_for_selector(".desk-unverified")
    assert "not verified" in page.inner_text(".desk-unverified")
    assert focused(page, "form") == "desk-offline-record"  # Record use, in the answer
    assert in_view(page, ".desk-unverified .desk-verdict")
    page.keyboard.press("Enter")  # records into the queue
    assert focused(page, "name") == "number"
    assert page.locator("#desk-queue li[data-state=waiting]").count() == 1
    for number in (second.number, expired.number):
        page.keyboard.type(number)
        page.keyboard.press("Enter")
        page.wait_for_selector(".desk-unverified")
        page.keyboard.press("Enter")
    # a scanned mobile card is verified with the public key, then waits like the others
    page.keyboard.type(token, delay=0)
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-offline-answer][data-status=valid-offline]:not([hidden])")
    assert focused(page, "form") == "desk-offline-record"
    options = page.eval_on_selector_all("#desk-offline-record select[name=children] option",
                                        "os => os.map(o => o.value)")
    assert options == ["0", "1"]  # the signed card's own number of children
    page.keyboard.press("Enter")
    assert focused(page, "name") == "number"
    # a mistyped number is caught without a connection too
    page.keyboard.type(card.number[:-1] + ("A" if card.number[-1] != "A" else "B"))
    page.keyboard.press("Enter")
    assert "not a card number" in page.inner_text("#number_errors")
    assert page.locator("#desk-queue li[data-state=waiting]").count() == 4
    assert not page.locator("#desk-offline-note").is_hidden()
    assert Use.objects.count() == 0
    # back online: each is sent once, confirmed or shown with its error
    context.set_offline(False)
    page.wait_for_selector("#desk-queue li[data-state=error]")
    wait_until(page, "document.querySelectorAll('#desk-queue li[data-state=sent]').length === 3")
    assert page.locator("#desk-offline-note").is_hidden()
    assert sorted(Use.objects.values_list("card__number", flat=True)) == sorted(
        [card.number, second.number, mobile.number])
    assert set(Use.objects.values_list("offer", flat=True)) == {offer.pk}
    assert "The card expired on" in page.inner_text("#desk-queue li[data-state=error]")
    # a reload sends nothing again; the error stays for the clerk to resolve
    page.reload()
    page.wait_for_selector("#desk-queue li[data-state=error]")
    page.wait_for_timeout(300)
    assert Use.objects.count() == 3
    assert page.locator("#desk-queue li[data-state=waiting]").count() == 0
    page.click("#desk-queue li[data-state=error] button")
    assert page.locator("#desk-queue").is_hidden()
    # without a connection the desk page still opens (the service worker kept it)
    context.set_offline(True)
    page.goto(f"{live_server.url}/venue/desk/?site={cast.a.site.pk}")
    assert page.locator("#desk-lookup").count() == 1
    assert focused(page, "name") == "number"
    # signed out: the next desk page sends to sign-in, and the kept desk is dropped
    context.set_offline(False)
    page.goto(f"{live_server.url}/accounts/home/")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    page.goto(f"{live_server.url}/venue/desk/?site={cast.a.site.pk}")
    assert "/accounts/login/" in page.url
    wait_until(page, "caches.keys().then(keys => keys.length === 0)")
    context.close()


def display(number: str) -> str:
    return f"{number[:4]}-{number[4:]}"
