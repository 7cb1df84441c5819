"""A real Chromium for the tests where pages matter (keyboard, phone, focus).

Debian's chromium is used (`apt-get install chromium`; `.ci/run` installs it when it is
missing). Set KAIKUKANTA_CHROMIUM to use another binary.
"""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; the test database calls
# made next to it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("KAIKUKANTA_CHROMIUM") or shutil.which("chromium") or shutil.which(
    "chromium-browser")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        message = ("Chromium is needed for the browser tests: apt-get install chromium "
                   "(or set KAIKUKANTA_CHROMIUM)")
        if os.environ.get("CI"):
            pytest.fail(message)  # CI always runs them (.ci/run installs Chromium)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fi-FI")
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                  has_touch=True, locale="fi-FI")
    pg = context.new_page()
    yield pg
    context.close()
