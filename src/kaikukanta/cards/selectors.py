"""Finding cards by a typed or scanned number."""

from __future__ import annotations

from kaikukanta.cards import numbers
from kaikukanta.cards.errors import CardCheckCharacter, CardNumberInvalid, CardUnknown
from kaikukanta.cards.models import Card


def parse_number(text: str) -> str:
    """The stored form of a number, or CardNumberInvalid / CardCheckCharacter."""
    try:
        return numbers.parse(text)
    except numbers.CheckCharacterError as exc:
        raise CardCheckCharacter() from exc
    except numbers.NumberFormatError as exc:
        raise CardNumberInvalid() from exc


def card_by_number(text: str, *, for_update: bool = False) -> Card:
    """The card with this number in any area's stock (cards work across areas)."""
    number = parse_number(text)
    qs = Card.objects.select_related("unit__organisation", "area")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    card = qs.filter(number=number).first()
    if card is None:
        raise CardUnknown()
    return card
