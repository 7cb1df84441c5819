"""The public pages in a real Chromium at phone width, with a keyboard only, and with
axe-core reporting no WCAG 2.1 A/AA violations."""

import pytest

from kaikukanta.public.models import AreaPage, UnitListing
from tests.browser.axe import assert_no_violations
from tests.public.conftest import make_offer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def public_data(cast):
    make_offer(cast.a.site, "Museon näyttely", restrictions="Ei ensi-iltoja")
    make_offer(cast.a.site2, "Uinti", category="sports")
    AreaPage.objects.create(area=cast.a.area, text_fi="Tervetuloa!",
                            feedback_email="palaute@espoo.test")
    UnitListing.objects.create(unit=cast.a.site, street_address="Museotie 1",
                               step_free=True, accessibility_fi="Hissi")
    return cast


def _no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_public_pages_pass_axe_on_a_phone(public_data, live_server, phone, lang):
    area = public_data.a.area.pk
    for path in ("", "offers/?text=n", f"areas/{area}/", f"areas/{area}/feedback/",
                 "open-data/"):
        phone.goto(f"{live_server.url}/{lang}/{path}")
        assert phone.locator("html").get_attribute("lang") == lang
        _no_horizontal_scroll(phone)
        assert_no_violations(phone)


def test_feedback_errors_pass_axe_and_take_focus(public_data, live_server, phone):
    phone.goto(f"{live_server.url}/fi/areas/{public_data.a.area.pk}/feedback/")
    phone.fill("#id_reply_email", "not an address")
    with phone.expect_navigation():
        phone.click("button[type=submit].primary")
    phone.wait_for_selector(".error-summary")
    assert phone.evaluate("document.activeElement.classList.contains('error-summary')")
    assert_no_violations(phone)


def test_keyboard_only_search_from_the_front_page(public_data, live_server, phone):
    phone.goto(f"{live_server.url}/en/")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.className") == "skip-link"
    # Tab to the search words field and search with Enter
    for _ in range(60):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.id") == "id_text":
            break
    else:
        pytest.fail("the search field is not reachable with Tab")
    phone.keyboard.type("Uinti")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    assert "/en/offers/" in phone.url
    assert "1 offer found" in phone.inner_text("main")
    # the focused element is always visible (outline)
    phone.keyboard.press("Tab")
    assert phone.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"


def test_the_axe_helper_reports_violations(phone):
    """The check can fail: an unlabelled field and an image without text are reported."""
    phone.set_content('<html lang="en"><title>x</title><main><input id="q">'
                      '<img src="data:,"></main></html>')
    from tests.browser.axe import violations

    assert {"label", "image-alt"} <= {v["id"] for v in violations(phone)}
