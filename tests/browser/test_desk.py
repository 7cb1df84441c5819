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
    box = page.evaluate("""() => { const r = document.querySelector("section[aria-labelledby=verdict]")
        .getBoundingClientRect(); return [r.left, r.right]; }""")
    assert box[0] >= 0 and box[1] <= 390
    verdict = page.locator("#verdict")
    assert verdict.evaluate("e => e.scrollWidth <= e.clientWidth")  # "VALID" is not clipped
    assert in_view(page, "#verdict")
    context.close()


def test_offline_desk_queues_uses_and_sends_each_once_when_back(cast, card, offer,  # noqa: F811
                                                                 live_server, browser):
    from tests.usage.conftest import mk

    second = mk(cast.a.unit)
    expired = mk(cast.a.unit, issued_on=card.issued_on.replace(year=card.issued_on.year - 2))
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    page = context.new_page()
    sign_in_as_venue(page, live_server)
    page.goto(f"{live_server.url}/venue/desk/?site={cast.a.site.pk}")
    # installable: a manifest and the desk's service worker
    assert page.locator("link[rel=manifest]").count() == 1
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope.endswith("/venue/desk/")
    context.set_offline(True)
    # a typed number is checked for its check character only
    page.keyboard.type(display(card.number))
    page.keyboard.press("Enter")
    page.wait_for_selector(".desk-unverified")
    assert "not verified" in page.inner_text(".desk-unverified")
    assert focused(page, "form") == "desk-offline-record"
    page.keyboard.press("Enter")  # records into the queue
    assert focused(page, "name") == "number"
    for number in (second.number, expired.number):
        page.keyboard.type(number)
        page.keyboard.press("Enter")
        page.wait_for_selector(".desk-unverified")
        page.keyboard.press("Enter")
    # a mistyped number is caught offline too
    page.keyboard.type(card.number[:-1] + ("A" if card.number[-1] != "A" else "B"))
    page.keyboard.press("Enter")
    assert "not a card number" in page.inner_text("#number_errors")
    assert page.locator("#desk-queue li[data-state=waiting]").count() == 3
    assert not page.locator("#desk-offline-note").is_hidden()
    assert Use.objects.count() == 0
    # back online: each is sent once, confirmed or shown with its error
    context.set_offline(False)
    page.wait_for_selector("#desk-queue li[data-state=error]")
    page.wait_for_function(
        "document.querySelectorAll('#desk-queue li[data-state=sent]').length === 2")
    assert set(Use.objects.values_list("card__number", flat=True)) == {card.number, second.number}
    assert Use.objects.count() == 2
    assert "Expired" in page.inner_text("#desk-queue li[data-state=error]")
    # a reload sends nothing again; the error stays for the clerk to resolve
    page.reload()
    page.wait_for_selector("#desk-queue li[data-state=error]")
    page.wait_for_timeout(300)
    assert Use.objects.count() == 2
    page.click("#desk-queue li[data-state=error] button")
    assert page.locator("#desk-queue").is_hidden()
    # without a connection the desk page still opens (the service worker kept it)
    context.set_offline(True)
    page.goto(f"{live_server.url}/venue/desk/?site={cast.a.site.pk}")
    assert page.locator("#desk-lookup").count() == 1
    context.close()


def display(number: str) -> str:
    return f"{number[:4]}-{number[4:]}"
