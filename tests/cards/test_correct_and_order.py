"""Correcting a mistyped birth year or postal code (the issuing unit, within 14 days,
audited without the values), renewing a card still valid for long (asked first), and the
card list's order (new cards first)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.audit.models import AuditEntry
from kaikukanta.cards import errors, services
from kaikukanta.cards.models import Card, CardEventKind
from kaikukanta.lib.errors import NotAllowed


def test_issuing_unit_corrects_within_14_days_and_the_log_keeps_no_values(cast, stock,
                                                                          register, login):
    card = register(stock[0], birth_year=1980, postal_code="02100")
    client = login(cast.a.distributor)
    url = reverse("cards:card_correct", args=[card.number])
    assert url in client.get(reverse("cards:card_detail", args=[card.number])).content.decode()
    # bad input changes nothing and says why
    r = client.post(url, {"birth_year": "2030", "postal_code": "02200"})
    assert r.status_code == 200 and "field-errors" in r.content.decode()
    r = client.post(url, {"birth_year": "1981", "postal_code": "12A"})
    assert r.status_code == 200
    card.refresh_from_db()
    assert (card.birth_year, card.postal_code) == (1980, "02100")
    assert not AuditEntry.objects.filter(action="card.corrected").exists()
    r = client.post(url, {"birth_year": "1981", "postal_code": "02200"})
    assert r.status_code == 302
    card.refresh_from_db()
    assert (card.birth_year, card.postal_code) == (1981, "02200")
    entry = AuditEntry.objects.get(action="card.corrected")
    assert entry.changes == {"number": card.number, "changed": ["birth_year", "postal_code"]}
    assert "1981" not in str(entry.changes) and "02200" not in str(entry.changes)
    assert card.events.filter(kind=CardEventKind.UPDATED).count() == 1


def test_no_correction_after_14_days_or_from_another_unit(cast, stock, register, login):
    card = register(stock[0])
    for who in (cast.a.welfare, cast.b.distributor, cast.a.venue):
        with pytest.raises(NotAllowed):
            services.card_correct(scope=scope_for_user(who), card=card, birth_year=1970,
                                  postal_code="02100")
    # the wrong role gets 403 on the page, another area 404
    url = reverse("cards:card_correct", args=[card.number])
    assert login(cast.a.welfare).post(url, {"birth_year": "1970",
                                            "postal_code": "02100"}).status_code == 403
    assert login(cast.b.distributor).get(url).status_code == 404
    Card.objects.filter(pk=card.pk).update(
        registered_at=timezone.now() - dt.timedelta(days=14, minutes=1))
    with pytest.raises(errors.CardCorrectionTooLate):
        services.card_correct(scope=scope_for_user(cast.a.distributor), card=card,
                              birth_year=1970, postal_code="02100")
    card.refresh_from_db()
    assert card.birth_year == 1980 and not AuditEntry.objects.filter(
        action="card.corrected").exists()
    page = login(cast.a.distributor).get(reverse("cards:card_detail", args=[card.number]))
    assert url not in page.content.decode()  # the button is gone after 14 days
    # an old link says why instead of offering a form the service would refuse
    client = login(cast.a.distributor)
    body = client.get(url).content.decode()
    assert "only within 14 days" in body and 'name="birth_year"' not in body
    r = client.post(url, {"birth_year": "1970", "postal_code": "02100"})
    assert r.status_code == 409 and "only within 14 days" in r.content.decode()
    card.refresh_from_db()
    assert card.birth_year == 1980


def test_renewing_a_card_still_valid_for_long_asks_first(cast, stock, register, login):
    card = register(stock[0])
    client = login(cast.a.distributor)
    url = reverse("cards:card_renew", args=[card.number])
    body = client.post(url, {"confirmed": "on"}).content.decode()
    assert "still valid until" in body and 'type="checkbox" name="early"' in body
    assert not card.events.filter(kind=CardEventKind.RENEWED).exists()
    assert client.post(url, {"confirmed": "on", "early": "on"}).status_code == 302
    assert card.events.filter(kind=CardEventKind.RENEWED).count() == 1
    # a card valid for less than two months more is renewed without a question
    Card.objects.filter(pk=card.pk).update(valid_until=timezone.localdate() + dt.timedelta(days=30))
    assert client.post(url, {"confirmed": "on"}).status_code == 302
    assert card.events.filter(kind=CardEventKind.RENEWED).count() == 2


def test_card_list_shows_new_cards_first(cast, stock, register, login):
    older = register(stock[0])
    Card.objects.filter(pk=older.pk).update(registered_at=timezone.now() - dt.timedelta(days=3))
    newer = register(stock[1])
    body = login(cast.a.distributor).get(reverse("cards:card_list")).content.decode()
    assert body.index(newer.display_number) < body.index(older.display_number)


@pytest.mark.postgres
def test_the_card_list_order_has_its_index_on_postgresql(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s",
                       ["card_registered_desc"])
        (definition,) = cursor.fetchone()
    assert "registered_at DESC NULLS LAST" in definition
