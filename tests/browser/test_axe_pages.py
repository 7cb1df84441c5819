"""axe-core (WCAG 2.1 A and AA) on every page of every role, in Finnish, Swedish and
English; any violation fails.

Kept quick (it runs in `make test`), and what is checked where:
- One test: the data is made once; one browser context per role, signed in once, with
  axe-core injected by an init script; the language is switched by its cookie and the
  width by resizing the same page (the layout follows the window).
- Roles: the national admin, both coordinators, distributor, venue, site staff, ticket
  seller, a person without a role, a cardholder signed in to OmaKaiku and an anonymous
  visitor (the public pages have their own axe test, tests/browser/test_public.py).
- Every page of every role (its navigation and the states reached from it, listed in
  `pages_for`: the wellbeing dashboards and meter and the surveys' pages too) in Finnish,
  once, at a phone's width with every WCAG 2.1 A/AA rule but colour contrast (the
  costliest rule, three quarters of axe's time on a dashboard).
  Colour contrast runs on the first check of each distinct page (the same address seen
  by another role is not checked for contrast again) and on each role's home page.
- Each role's home page also at a desktop's width, every rule with contrast: the page
  frame's navigation bar, folded behind a menu on a phone, is shown there. The annual
  table is also checked at a desktop's width (and that its columns fit without scrolling).
- In Swedish and English: each role's home page and its pages in `every_language` (the
  statistics, the annual table, cost sharing, the audit log, the card page, registration,
  the desk's answer, sign-in and the 404 page), at a phone's width, every rule but colour
  contrast (colours do not depend on the language).
- `KAIKUKANTA_AXE_FULL=1` (before a release, or after changing the page frame, the CSS or
  a layout): every page in every language at both widths with every rule, e.g.
  `KAIKUKANTA_AXE_FULL=1 pytest tests/browser/test_axe_pages.py`.
"""

from __future__ import annotations

import datetime
import os
import time

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
from tests.surveys.conftest import make_survey
from tests.usage.conftest import offer  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
LANGS = ["fi", "sv", "en"]
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
NO_CONTRAST = {**OPTIONS, "rules": {"color-contrast": {"enabled": False}}}
ROLES = ["national", "a.culture", "a.welfare", "a.distributor", "a.venue", "a.site_staff",
         "a.seller", "outsider", "holder", "anonymous"]
HOLDER_PASSWORD = "kulttuuria kaikille 7"
FULL = os.environ.get("KAIKUKANTA_AXE_FULL") == "1"
MISSING = "/no/such/page/"


def _user(cast, path):
    obj = cast
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def pages_for(cast, who: str, card, year: int, survey) -> tuple[list[str], set[str]]:
    """The role's pages (its navigation and the states reached from it) and those of them
    checked in every language."""
    if who == "anonymous":
        urls = [reverse("accounts:login"), reverse("accounts:password_reset"), MISSING,
                reverse("oma:sign_in"), reverse("oma:activate")]
        return urls, set(urls)
    if who == "holder":  # OmaKaiku, the cardholder's own pages
        urls = [reverse(f"oma:{name}") for name in (
            "home", "uses", "offers", "my_data", "close", "show")]
        return urls, {reverse("oma:home"), reverse("oma:offers")}
    user = _user(cast, who)
    urls = [item["url"] for item in navigation_for(scope_for_user(user))
            if item["key"] != "admin"]
    a = cast.a
    area_dash = f"/stats/area/{a.area.pk}/?year={year}"
    muni = a.area.municipalities.first()
    card_page = reverse("cards:card_detail", args=[card.number])
    desk = reverse("usage:desk")
    wellbeing_area = reverse("wellbeing:dashboard", args=["area", a.area.pk]) + f"?year={year}"
    surveys = [reverse("surveys:create"), reverse("surveys:detail", args=[survey.pk]),
               reverse("surveys:results", args=[survey.pk]), reverse("surveys:pack")]
    answer = reverse("surveys:answer", args=[survey.pk])
    extra, every_language = {
        "national": ([reverse("stats:annual"), reverse("stats:costs"),
                      reverse("stats:national") + f"?year={year}", area_dash,
                      f"/stats/municipality/{muni.pk}/?year={year}",
                      reverse("coordination:audit_list"), card_page, reverse("api:docs"),
                      reverse("wellbeing:national_dashboard") + f"?year={year}"],
                     [reverse("stats:annual"), reverse("stats:costs"), area_dash,
                      reverse("coordination:audit_list"), card_page]),
        "a.culture": ([area_dash, reverse("coordination:audit_list"),
                       reverse("coordination:seller_link_list"), wellbeing_area, *surveys],
                      [area_dash]),
        "a.welfare": ([area_dash, card_page, reverse("coordination:user_list"),
                       wellbeing_area],
                      [card_page]),
        "a.distributor": ([card_page, reverse("cards:card_renew", args=[card.number]),
                           reverse("cards:card_correct", args=[card.number]),
                           reverse("cards:register"),
                           reverse("wellbeing:card_meter", args=[card.number]), answer],
                          [card_page, reverse("cards:register")]),
        "a.venue": ([desk + f"?site={a.site.pk}",
                     desk + f"?site={a.site.pk}&number={card.number}",
                     desk + f"?site={a.site.pk}&number=ABCD-2346",
                     reverse("usage:uses"), answer,
                     reverse("wellbeing:dashboard", args=["site", a.site.pk]) + f"?year={year}"],
                    [desk + f"?site={a.site.pk}&number={card.number}"]),
        "a.site_staff": ([desk + f"?number={card.number}"], []),
    }.get(who, ([], []))
    urls = list(dict.fromkeys(urls + extra))
    return urls, set(urls[:1]) | set(every_language)


def _holder_session(cast, card) -> str:
    """The card's holder with an OmaKaiku account, signed in: their session cookie."""
    from kaikukanta.oma import services as oma

    row, _code = oma.oma_start(scope=scope_for_user(cast.a.distributor), card=card,
                               language="fi")
    oma.account_activate(code=row, password=HOLDER_PASSWORD)
    client = Client()
    r = client.post(reverse("oma:sign_in"), {"number": card.number,
                                             "password": HOLDER_PASSWORD})
    assert r.status_code == 302, r.content[:500]
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_every_page_of_every_role_passes_axe(cast, geo, offer, live_server,  # noqa: F811
                                              browser):
    started = time.monotonic()
    year = datetime.date.today().year
    card = make_card(cast.a.unit, issued_on=datetime.date.today(), children=2)
    card.municipality = geo.municipalities["049"]
    card.save(update_fields=["municipality"])
    make_use(card, cast.a.site, datetime.date.today(), offer=offer)
    survey = make_survey(cast)  # open, for the area's distributors and venues
    found, checks, loads = [], 0, 0
    contrast_seen: set[str] = set()  # the pages already checked for colour contrast
    annual = reverse("stats:annual")
    t_load = t_axe = 0.0
    with_contrast = 0
    per_lang: dict = {}
    for who in ROLES:
        cookies = []
        if who == "holder":
            cookies.append({"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                            "value": _holder_session(cast, card)})
        elif who != "anonymous":
            client = Client()
            sign_in(client, _user(cast, who))
            cookies.append({"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                            "value": client.cookies[settings.SESSION_COOKIE_NAME].value})
        urls, every_language = pages_for(cast, who, card, year, survey)
        assert urls, who
        context = browser.new_context(viewport=WIDTHS["phone"])
        context.add_init_script(axe_script())  # with every page, not sent per check
        page = context.new_page()
        for lang in LANGS:
            context.add_cookies(cookies + [{"name": settings.LANGUAGE_COOKIE_NAME,
                                            "value": lang, "url": live_server.url}])
            for url in urls:
                if lang != "fi" and not FULL and url not in every_language:
                    continue
                page.set_viewport_size(WIDTHS["phone"])
                t0 = time.monotonic()
                response = page.goto(live_server.url + url)
                assert response.status == (404 if url == MISSING else 200), (who, url)
                t_load += time.monotonic() - t0
                loads += 1
                per_lang[lang] = per_lang.get(lang, 0) + 1
                assert page.locator("html").get_attribute("lang") == lang, (who, url)
                home = url == urls[0]
                widths = ("phone", "desktop") if FULL or home or url == annual else ("phone",)
                for width in widths:  # the same load, resized
                    page.set_viewport_size(WIDTHS[width])
                    contrast = FULL or lang == "fi" and (home or url not in contrast_seen)
                    t0 = time.monotonic()
                    bad = page.evaluate("o => axe.run(document, o)",
                                        OPTIONS if contrast else NO_CONTRAST)["violations"]
                    t_axe += time.monotonic() - t0
                    checks += 1
                    with_contrast += contrast
                    if contrast and width == widths[-1]:
                        contrast_seen.add(url)
                    if bad:
                        found.append(f"{who} {width} {lang} {url}:\n{report(bad)}")
                    if url == annual and width == "desktop":
                        # the annual table's fifteen columns fit at 1280 px: no scrolling
                        assert page.evaluate("[...document.querySelectorAll('.table-wrap')]"
                                             ".every(b => b.scrollWidth <= b.clientWidth)"), lang
        context.close()
    print(f"\naxe: {checks} checks of {loads} page loads in {time.monotonic() - started:.0f} s"
          f" ({with_contrast} with colour contrast; loading {t_load:.0f} s, axe {t_axe:.0f} s;"
          f" loads per language {per_lang})")
    assert not found, "\n".join(found)
