"""The desk answer, the look-up log and the slow-down of number guessing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.cards import numbers
from kaikukanta.cards.errors import CardCheckCharacter, CardNumberInvalid
from kaikukanta.cards.models import CardKind, CardStatus
from kaikukanta.lib.scope import Scope
from kaikukanta.usage import errors, selectors, services
from kaikukanta.usage.models import Category, LookupLog
from tests.conftest import sign_in
from tests.usage.conftest import days, mk


def test_desk_status_answers(cast, card, today):
    answer = selectors.card_desk_status(card.number.lower(), on=today)
    assert answer.status == "valid" and answer.children_max == 2
    assert answer.kind == "personal" and answer.number == card.display_number
    assert not hasattr(answer, "birth_year") and not hasattr(answer, "postal_code")
    assert selectors.card_desk_status(card.number, on=card.valid_until + days(1)).status == \
        "expired"
    assert selectors.card_desk_status(numbers.generate(), on=today).status == "unknown"
    unused = mk(status=CardStatus.UNUSED)
    assert selectors.card_desk_status(unused.number, on=today).status == "unknown"
    community = mk(cast.a.unit, kind=CardKind.COMMUNITY)
    answer = selectors.card_desk_status(community.number, on=today)
    assert answer.kind == "community" and answer.children_max == selectors.COMMUNITY_CLIENTS_MAX


def test_replaced_and_inactive(cast, today):
    old = mk(cast.a.unit, status=CardStatus.INACTIVE)
    old.inactivated_on = today
    old.save()
    answer = selectors.card_desk_status(old.number, on=today)
    assert answer.status == "inactive" and answer.inactive_since == today
    new = mk(cast.a.unit)
    new.replaces = old
    new.save()
    answer = selectors.card_desk_status(old.number, on=today)
    assert answer.status == "replaced" and answer.replaced_by == new.display_number


def test_malformed_numbers_raise(cast, today):
    with pytest.raises(CardNumberInvalid):
        selectors.card_desk_status("ABC", on=today)
    good = numbers.generate()
    wrong = good[:-1] + ("2" if good[-1] != "2" else "3")
    with pytest.raises(CardCheckCharacter):
        selectors.card_desk_status(wrong, on=today)


def test_every_lookup_is_logged(cast, card):
    services.card_lookup(scope=scope_for_user(cast.a.venue), number_text=card.number)
    services.card_lookup(scope=scope_for_user(cast.a.venue), number_text=numbers.generate())
    logs = list(LookupLog.objects.order_by("id"))
    assert [(log.user, log.found, log.area) for log in logs] == [
        (cast.a.venue, True, cast.a.area), (cast.a.venue, False, cast.a.area)]


def test_a_lookup_logs_with_one_insert_and_no_transaction_of_its_own(cast, card):
    """One INSERT in the request's autocommit: no BEGIN … COMMIT round trips around it
    (bulk_create opens a transaction even for one row)."""
    from django.db import connection

    scope = scope_for_user(cast.a.venue)
    depth = len(connection.atomic_blocks)  # the test's own transaction
    inserts = []

    def note(execute, sql, params, many, context):
        if "usage_lookuplog" in sql and sql.lstrip().upper().startswith("INSERT"):
            inserts.append(len(connection.atomic_blocks))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note):
        services.card_lookup(scope=scope, number_text=card.number)
    assert inserts == [depth]
    assert LookupLog.objects.filter(number=card.number, found=True).count() == 1


def test_guessing_is_slowed_down(cast, card, settings):
    settings.KAIKUKANTA_LOOKUP_UNKNOWN_LIMIT = 3
    for _ in range(3):
        assert services.card_lookup(scope=scope_for_user(cast.a.venue),
                                    number_text=numbers.generate()).status == "unknown"
    with pytest.raises(errors.LookupThrottled) as exc:
        services.card_lookup(scope=scope_for_user(cast.a.venue), number_text=card.number)
    assert exc.value.http_status == 429 and exc.value.code == "lookup_throttled"
    assert LookupLog.objects.filter(throttled=True).count() == 1
    # another organisation's staff and an API client label are counted apart (the same
    # organisation's are not: tests/security/test_issue11_number_oracles.py)
    assert services.card_lookup(scope=scope_for_user(cast.b.venue),
                                number_text=card.number).is_valid
    for _ in range(3):
        services.card_lookup(scope=Scope(label="api:partner"), number_text=numbers.generate())
    with pytest.raises(errors.LookupThrottled):
        services.card_lookup(scope=Scope(label="api:partner"), number_text=numbers.generate())


def test_desk_page_answers_429_and_coordinator_sees_it(cast, card, settings, client):
    settings.KAIKUKANTA_LOOKUP_UNKNOWN_LIMIT = 2
    sign_in(client, cast.a.venue)
    url = reverse("usage:desk")
    for _ in range(2):
        r = client.get(url, {"site": cast.a.site.pk, "number": numbers.generate()})
        assert r.status_code == 200 and "No card has this number" in r.content.decode()
    r = client.get(url, {"site": cast.a.site.pk, "number": card.number})
    assert r.status_code == 429
    assert "Too many unknown card numbers" in r.content.decode()
    assert "VALID" not in r.content.decode()
    sign_in(client, cast.a.culture)
    body = client.get(reverse("usage:lookups")).content.decode()
    assert card.number in body and "venue" in body
    sign_in(client, cast.b.culture)
    body = client.get(reverse("usage:lookups")).content.decode()
    assert card.number not in body
    sign_in(client, cast.national)
    assert card.number in client.get(reverse("usage:lookups")).content.decode()
    for user in (cast.a.venue, cast.a.welfare, cast.outsider):
        sign_in(client, user)
        assert client.get(reverse("usage:lookups")).status_code == 403


def _desk_post(client, cast, number, today, **extra):
    from tests.usage.test_desk_views import RECORD

    data = {"site": cast.a.site.pk, "number": number, "token": extra.pop("token", "t-1"),
            "category": Category.CULTURE, "event_date": today.isoformat(), "children": 0}
    data.update(extra)
    return client.post(RECORD, data)


def test_the_desk_record_form_logs_its_number_once_whatever_the_outcome(cast, card, client,
                                                                        today):
    """The record form resolves the number once: a use recorded logs one found row (in
    the use's own INSERT), a refusal after the card was read logs one row and shows the
    card's answer, a refusal before it (the offer does not run that day) one look-up."""
    from kaikukanta.usage.models import Offer, OfferKind, Use

    sign_in(client, cast.a.venue)
    logged = LookupLog.objects.filter(number=card.number)
    assert _desk_post(client, cast, card.number, today).status_code == 302
    assert list(logged.values_list("found", "throttled")) == [(True, False)]
    assert Use.objects.filter(card=card).count() == 1
    # refused after the card was read: already recorded today (one more row, the answer)
    body = _desk_post(client, cast, card.number, today, token="t-2").content.decode()
    assert "VALID" in body and "Up to 2 children" in body and logged.count() == 2
    # refused before the card was looked at: the offer has ended (still listed as active)
    ended = Offer.objects.create(venue=cast.a.venue_org, site=cast.a.site, title_fi="Ohi",
                                 category=Category.CULTURE, kind=OfferKind.EVENT,
                                 ends_on=today - days(1))
    body = _desk_post(client, cast, card.number, today, token="t-3", offer=ended.pk,
                      category="").content.decode()
    assert "VALID" in body and logged.count() == 3
    assert Use.objects.filter(card=card).count() == 1
    # an unknown number: one row, found False, counted once
    unknown = numbers.generate()
    body = _desk_post(client, cast, unknown, today, token="t-4").content.decode()
    assert "No card has this number" in body
    assert list(LookupLog.objects.filter(number=unknown).values_list("found", flat=True)) \
        == [False]
