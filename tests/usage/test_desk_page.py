"""The desk page's body written from pieces (usage/desk_page.py) is the template's own
HTML, byte for byte, in each language and for each answer: opened with today's uses,
valid (with and without children, community card), expired, inactive, replaced, unknown,
at a seller's desk, at a site whose names need escaping. Pages it does not write (a
malformed number, a refused record) are the template's."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.cards import numbers
from kaikukanta.cards.models import CardKind, CardStatus
from kaikukanta.usage import desk_page, services
from kaikukanta.usage.models import Category, Offer, OfferKind
from tests.conftest import sign_in
from tests.usage.conftest import days, mk

DESK = reverse("usage:desk")
RECORD = reverse("usage:desk_record")
LANGUAGES = ("fi", "sv", "en")


def _same_values(body: str) -> str:
    """The page with its per-request values (the CSRF token, the record form's one-time
    token) made equal."""
    body = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+"', r'\1T"', body)
    body = re.sub(r'(data-csrf=")[^"]+"', r'\1T"', body)
    return re.sub(r'(name="token" value=")[0-9a-f]+"', r'\1U"', body)


def _both(client, monkeypatch, method, url, data) -> tuple[str, str, bool]:
    """The page from the pieces and from the template, and whether the pieces wrote it."""
    written = []
    real_body = desk_page.body

    def spy(**values):
        written.append(True)
        return real_body(**values)

    monkeypatch.setattr(desk_page, "body", spy)
    fast = getattr(client, method)(url, data)
    monkeypatch.setattr(desk_page, "writes", lambda **_values: False)
    slow = getattr(client, method)(url, data)
    monkeypatch.undo()
    assert fast.status_code == slow.status_code
    return _same_values(fast.content.decode()), _same_values(slow.content.decode()), bool(written)


@pytest.fixture
def desk_client(cast, client, settings):
    def make(language: str, user=None):
        sign_in(client, user or cast.a.venue)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return make


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pieces_write_the_templates_page_for_every_answer(
    cast, desk_client, monkeypatch, today, language
):
    offer = Offer.objects.create(
        venue=cast.a.venue_org,
        site=cast.a.site,
        title_fi="Näyttely <\"&'>",
        title_sv="Utställning <\"&'>",
        title_en="Exhibition <\"&'>",
        category=Category.CULTURE,
        kind=OfferKind.ADMISSION,
    )
    scope = scope_for_user(cast.a.venue)
    personal = mk(cast.a.unit, children=2)
    childless = mk(cast.a.unit)
    community = mk(cast.a.unit, kind=CardKind.COMMUNITY)
    expired = mk(cast.a.unit, issued_on=today - days(400))
    inactive = mk(cast.a.unit, status=CardStatus.INACTIVE)
    inactive.inactivated_on = today - days(2)
    inactive.save()
    old = mk(cast.a.unit, status=CardStatus.INACTIVE)
    old.inactivated_on = today
    old.save()
    new = mk(cast.a.unit)
    new.replaces = old
    new.save()
    for card, kw in (
        (childless, {"offer": offer}),
        (community, {"category": Category.SPORTS, "children": 3}),
    ):
        services.use_record(
            scope=scope, site=cast.a.site, card_number=card.number, event_date=today, **kw
        )
    gone = services.use_record(
        scope=scope,
        site=cast.a.site,
        card_number=personal.number,
        event_date=today,
        category=Category.CULTURE,
    )
    services.use_cancel(scope=scope, use=gone)
    client = desk_client(language)
    statuses = set()
    for number in (
        None,
        personal.display_number,
        childless.number,
        community.number,
        expired.number,
        inactive.number,
        old.number,
        numbers.generate(),
    ):
        data = {"site": cast.a.site.pk, **({"number": number} if number else {})}
        fast, slow, written = _both(client, monkeypatch, "get", DESK, data)
        assert written and fast == slow
        found = re.search(r'data-status="(\w+)"', fast)
        statuses.add(found.group(1) if found else None)
        assert "desk-recent" in fast and "&lt;&quot;&amp;&#x27;&gt;" in fast
    assert statuses == {None, "valid", "expired", "inactive", "replaced", "unknown"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pieces_at_a_sellers_desk_and_a_site_named_with_markup(
    cast, card, desk_client, monkeypatch, language
):
    for site in (cast.a.site, cast.a.site2):
        site.name = f"Sali <b>\"{site.pk}\"</b> & 'pieni'"
        site.save()
    cast.a.venue_org.name = "Museo & <Galleria>"
    cast.a.venue_org.save()
    client = desk_client(language, cast.a.seller)
    for data in ({"site": cast.a.site.pk}, {"site": cast.a.site.pk, "number": card.number}):
        fast, slow, written = _both(client, monkeypatch, "get", DESK, data)
        assert written and fast == slow
        assert "Sali &lt;b&gt;&quot;" in fast and "Museo &amp; &lt;Galleria&gt;" in fast


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_with_errors_are_the_templates(cast, card, desk_client, monkeypatch, today, language):
    client = desk_client(language)
    bad = card.number[:-1] + ("A" if card.number[-1] != "A" else "B")
    fast, slow, written = _both(
        client, monkeypatch, "get", DESK, {"site": cast.a.site.pk, "number": bad}
    )
    assert not written and fast == slow and 'aria-invalid="true"' in fast
    refused = {
        "site": cast.a.site.pk,
        "number": card.number,
        "token": "t-1",
        "category": Category.CULTURE,
        "event_date": today.isoformat(),
        "children": 9,
    }
    fast, slow, written = _both(client, monkeypatch, "post", RECORD, refused)
    assert not written and fast == slow and "error-summary" in fast


def test_the_pieces_record_form_records(cast, card, desk_client, today):
    client = desk_client("en")
    client.handler.enforce_csrf_checks = True
    body = client.get(DESK, {"site": cast.a.site.pk, "number": card.number}).content.decode()
    form = body.split('id="desk-record"')[1].split("</form>")[0]
    fields = dict(
        re.findall(r'name="(csrfmiddlewaretoken|token|number|site)" value="([^"]*)"', form)
    )
    made = client.post(
        RECORD,
        {**fields, "category": Category.CULTURE, "event_date": today.isoformat(), "children": 0},
    )
    assert made.status_code == 302
    assert card.uses.count() == 1
