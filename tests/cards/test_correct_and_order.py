"""Correcting a mistyped birth year or postal code (issuing unit, 14 days, audited without
the values) and the card list's order (new cards first)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.audit.models import AuditEntry
from kaikukanta.cards import errors, services
from kaikukanta.cards.models import Card
from kaikukanta.lib.errors import NotAllowed


def test_issuing_unit_corrects_within_14_days_and_the_log_keeps_no_values(cast, stock,
                                                                          register, login):
    card = register(stock[0], birth_year=1980, postal_code="02100")
    client = login(cast.a.distributor)
    page = client.get(reverse("cards:card_detail", args=[card.number])).content.decode()
    assert reverse("cards:card_correct", args=[card.number]) in page
    r = client.post(reverse("cards:card_correct", args=[card.number]),
                    {"birth_year": "1981", "postal_code": "02200"})
    assert r.status_code == 302
    card.refresh_from_db()
    assert (card.birth_year, card.postal_code) == (1981, "02200")
    entry = AuditEntry.objects.get(action="card.corrected")
    assert entry.changes == {"number": card.number, "changed": ["birth_year", "postal_code"]}
    # bad input changes nothing and says why
    r = client.post(reverse("cards:card_correct", args=[card.number]),
                    {"birth_year": "2030", "postal_code": "02200"})
    assert r.status_code == 200 and "field-errors" in r.content.decode()
    card.refresh_from_db()
    assert card.birth_year == 1981


def test_no_correction_after_14_days_or_from_another_unit(cast, stock, register):
    card = register(stock[0])
    with pytest.raises(NotAllowed):
        services.card_correct(scope=scope_for_user(cast.a.welfare), card=card,
                              birth_year=1970, postal_code="02100")
    Card.objects.filter(pk=card.pk).update(
        registered_at=timezone.now() - dt.timedelta(days=14, minutes=1))
    with pytest.raises(errors.CardCorrectionTooLate):
        services.card_correct(scope=scope_for_user(cast.a.distributor), card=card,
                              birth_year=1970, postal_code="02100")
    card.refresh_from_db()
    assert card.birth_year == 1980 and not AuditEntry.objects.filter(
        action="card.corrected").exists()


def test_card_list_shows_new_cards_first(cast, stock, register, login):
    older = register(stock[0])
    Card.objects.filter(pk=older.pk).update(registered_at=timezone.now() - dt.timedelta(days=3))
    newer = register(stock[1])
    body = login(cast.a.distributor).get(reverse("cards:card_list")).content.decode()
    assert body.index(newer.display_number) < body.index(older.display_number)
