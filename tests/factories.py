"""Small builders for tests: cards and offers straight into the database (no rules)."""

from __future__ import annotations

import datetime

from kaikukanta.cards import numbers
from kaikukanta.cards.models import Card, CardKind, CardStatus
from kaikukanta.cards.validity import validity_end


def make_card(
    unit=None,
    *,
    number: str | None = None,
    status: str = CardStatus.ACTIVE,
    kind: str = CardKind.PERSONAL,
    issued_on: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    children: int = 0,
    birth_year: int | None = 1980,
    postal_code: str = "02100",
    area=None,
) -> Card:
    """A card; by default registered today at `unit` and valid for a year."""
    today = datetime.date.today()
    issued_on = issued_on or today
    registered = status in (CardStatus.ACTIVE, CardStatus.INACTIVE)
    return Card.objects.create(
        number=number or numbers.generate(),
        kind=kind,
        status=status,
        unit=unit if registered else None,
        area=area or (unit.organisation.home_area if unit is not None else None),
        issued_on=issued_on if registered else None,
        valid_until=(valid_until or validity_end(issued_on)) if registered else None,
        children=children,
        birth_year=birth_year if kind == CardKind.PERSONAL and registered else None,
        postal_code=postal_code if kind == CardKind.PERSONAL and registered else "",
    )
