"""The page frame with a keyboard only and on a phone, in a real browser."""

import pytest

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_keyboard_only_sign_in_and_language_switch(cast, live_server, page):
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("h1").inner_text() == "Kirjaudu Kaikukantaan"
    # The email field has focus on load (autofocus); type and submit with Enter.
    assert page.evaluate("document.activeElement.id") == "id_username"
    page.keyboard.type("venue@espoo.test")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/home/")
    assert "Museum Espoo" in page.inner_text("main")
    # On other pages the first Tab reaches the skip link, visible when focused.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").bounding_box()["x"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # Switch to Swedish with the keyboard only.
    button = page.locator("button[name=language][value=sv]")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert "Dina roller" in page.inner_text("main")


def test_error_summary_takes_focus(cast, live_server, page):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "venue@espoo.test")
    page.fill("#id_password", "wrong")
    page.keyboard.press("Enter")
    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")


def test_focus_is_visible(cast, live_server, page):
    page.goto(f"{live_server.url}/accounts/login/")
    page.focus("#id_username")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


def test_phone_has_no_horizontal_scroll_and_big_targets(cast, live_server, phone):
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("#id_username", "venue@espoo.test")
    phone.fill("#id_password", PASSWORD)
    phone.click("button[type=submit].primary")
    phone.wait_for_url("**/accounts/home/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    # WCAG 2.2 target size (minimum): 24 by 24 CSS pixels.
    small = phone.evaluate(
        """[...document.querySelectorAll('a, button, input, select')]
           .filter(e => e.offsetParent !== null)
           .filter(e => { const r = e.getBoundingClientRect(); return r.height < 24; })
           .map(e => e.outerHTML.slice(0, 80))"""
    )
    assert small == []


def test_text_size_control_enlarges_text(cast, live_server, page):
    page.goto(f"{live_server.url}/accounts/login/")
    before = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    with page.expect_navigation():
        page.click("button[name=size][value=largest]")
    after = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert after > before * 1.3


def test_phone_menu_folds_the_navigation_and_opens_with_the_keyboard(cast, live_server, phone):
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("#id_username", "venue@espoo.test")
    phone.fill("#id_password", PASSWORD)
    phone.click("button[type=submit].primary")
    phone.wait_for_url("**/accounts/home/")
    menu = phone.locator("button.menu-button")
    assert menu.is_visible() and menu.get_attribute("aria-expanded") == "false"
    assert not phone.locator(".main-nav").is_visible()
    menu.focus()
    phone.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "true"
    assert phone.locator(".main-nav").is_visible()


def test_wide_screen_shows_the_navigation_without_a_menu_button(cast, live_server, page):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "venue@espoo.test")
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/home/")
    assert page.locator(".main-nav").is_visible()
    assert not page.locator("button.menu-button").is_visible()
