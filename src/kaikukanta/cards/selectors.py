"""Finding cards by a typed or scanned number."""

from __future__ import annotations

from kaikukanta.cards import numbers
from kaikukanta.cards.errors import CardCheckCharacter, CardNumberInvalid, CardUnknown
from kaikukanta.cards.models import Card
from kaikukanta.lib.scope import Scope


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


EXPIRED = "expired"  # a list filter: registered and active, but its validity has ended


def card_list(scope: Scope, *, query: str = "", status: str = "", expiring: bool = False,
              unit_id: int | None = None):
    """Registered cards the user may see, filtered for the card list."""
    import datetime

    from django.db.models import F
    from django.utils import timezone

    from kaikukanta.cards.models import CardStatus
    from kaikukanta.cards.validity import EXPIRING_DAYS

    # new cards first
    qs = (Card.objects.for_scope(scope).registered()
          .select_related("unit__organisation")
          .order_by(F("registered_at").desc(nulls_last=True), "-issued_on", "number"))
    text = numbers.normalise(query)
    if text:
        qs = qs.filter(number__contains=text)
    today = timezone.localdate()
    if status == CardStatus.ACTIVE:
        qs = qs.filter(status=status, valid_until__gte=today)
    elif status == EXPIRED:
        qs = qs.filter(status=CardStatus.ACTIVE, valid_until__lt=today)
    elif status == CardStatus.INACTIVE:
        qs = qs.filter(status=status)
    if expiring:  # the soonest to expire first
        qs = qs.filter(status=CardStatus.ACTIVE, valid_until__gte=today,
                       valid_until__lte=today + datetime.timedelta(days=EXPIRING_DAYS)
                       ).order_by("valid_until", "number")
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return qs


def card_chain_ids(card: Card, *, limit: int = 20) -> list[int]:
    """The card and the cards it replaced, newest first (a card's history continues
    through its replacements)."""
    chain = [card.pk]
    current = card
    while current.replaces_id is not None and len(chain) < limit:
        chain.append(current.replaces_id)
        current = Card.objects.only("pk", "replaces").get(pk=current.replaces_id)
    return chain
