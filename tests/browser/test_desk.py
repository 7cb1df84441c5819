"""The ticket desk in a real Chromium, keyboard only and with a scanner's typed input:
open the desk, scan, the verdict in view, Enter records, the focus back in the number
field. At a desktop's 1280 x 800 and on a phone at every text size."""

from __future__ import annotations

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


def display(number: str) -> str:
    return f"{number[:4]}-{number[4:]}"
