"""axe-core (WCAG 2.1 A and AA) on every page of every role, at a desktop's and a phone's
width, in Finnish, Swedish and English; any violation fails.

One test per role: its data is made once, every page is loaded once per language (a
cookie) and checked at both widths by resizing the window, so the sweep stays quick.
"""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.lib.navigation import navigation_for
from tests.browser.axe import WCAG_21_AA, axe_script, report
from tests.conftest import sign_in
from tests.factories import make_card
from tests.stats.conftest import make_use
from tests.usage.conftest import offer  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
LANGS = ["fi", "sv", "en"]
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
ROLES = ["national", "a.culture", "a.welfare", "a.distributor", "a.venue", "a.site_staff",
         "a.seller", "outsider", "anonymous"]


def _user(cast, path):
    obj = cast
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def pages_for(cast, who: str, card, year: int) -> list[str]:
    """The role's navigation and the pages reached from it that show other states."""
    if who == "anonymous":
        return [reverse("accounts:login"), reverse("accounts:password_reset"), "/no/such/page/"]
    user = _user(cast, who)
    urls = [item["url"] for item in navigation_for(scope_for_user(user))
            if item["key"] != "admin"]
    a = cast.a
    extra = {
        "national": [reverse("stats:annual"), reverse("stats:costs"),
                     reverse("stats:national") + f"?year={year}",
                     f"/stats/area/{a.area.pk}/?year={year}",
                     reverse("coordination:audit_list"),
                     reverse("cards:card_detail", args=[card.number])],
        "a.culture": [f"/stats/area/{a.area.pk}/?year={year}", reverse("coordination:audit_list"),
                      reverse("coordination:seller_link_list")],
        "a.welfare": [f"/stats/area/{a.area.pk}/?year={year}",
                      reverse("cards:card_detail", args=[card.number]),
                      reverse("coordination:user_list")],
        "a.distributor": [reverse("cards:card_detail", args=[card.number]),
                          reverse("cards:card_renew", args=[card.number]),
                          reverse("cards:card_correct", args=[card.number]),
                          reverse("cards:register")],
        "a.venue": [reverse("usage:desk") + f"?site={a.site.pk}",
                    reverse("usage:desk") + f"?site={a.site.pk}&number={card.number}",
                    reverse("usage:desk") + f"?site={a.site.pk}&number=ABCD-2346",
                    reverse("usage:uses")],
        "a.site_staff": [reverse("usage:desk") + f"?number={card.number}"],
    }.get(who, [])
    return list(dict.fromkeys(urls + extra))


@pytest.mark.parametrize("who", ROLES)
def test_every_page_of_every_role_passes_axe(cast, offer, live_server, browser, who):  # noqa: F811
    year = datetime.date.today().year
    card = make_card(cast.a.unit, issued_on=datetime.date(year, 1, 2), children=2)
    make_use(card, cast.a.site, datetime.date(year, 1, 3), offer=offer)
    cookies = []
    if who != "anonymous":
        client = Client()
        sign_in(client, _user(cast, who))
        cookies.append({"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                        "value": client.cookies[settings.SESSION_COOKIE_NAME].value})
    found = []
    urls = pages_for(cast, who, card, year)
    context = browser.new_context(viewport=WIDTHS["desktop"])
    context.add_init_script(axe_script())  # loaded with every page, not sent per check
    page = context.new_page()
    for lang in LANGS:
        context.add_cookies(cookies + [{"name": settings.LANGUAGE_COOKIE_NAME,
                                        "value": lang, "url": live_server.url}])
        for url in urls:
            page.goto(live_server.url + url)
            assert page.locator("html").get_attribute("lang") == lang, url
            # each width on the same page load: the layout follows the window's size
            for width, viewport in WIDTHS.items():
                page.set_viewport_size(viewport)
                bad = page.evaluate("o => axe.run(document, o)", OPTIONS)["violations"]
                if bad:
                    found.append(f"{width} {lang} {url}:\n{report(bad)}")
            page.set_viewport_size(WIDTHS["desktop"])
    context.close()
    assert urls
    assert not found, "\n".join(found)
