"""JSON shapes of the API's objects. Nothing about a cardholder is ever in them: a card
is its number and validity only (see `tests/api/test_privacy.py`)."""

from __future__ import annotations

from typing import Any

from kaikukanta.cards.numbers import display
from kaikukanta.usage.models import Offer, Use


def _date(value) -> str | None:
    return value.isoformat() if value else None


def offer_json(offer: Offer) -> dict[str, Any]:
    return {
        "id": offer.pk,
        "title": {"fi": offer.title_fi, "sv": offer.title_sv, "en": offer.title_en},
        "venue": {"id": offer.venue_id, "name": offer.venue.name},
        "site": {"id": offer.site_id, "name": offer.site.name},
        "category": offer.category,
        "kind": offer.kind,
        "starts_on": _date(offer.starts_on),
        "ends_on": _date(offer.ends_on),
        "children_allowed": offer.children_allowed,
        "cap_per_date": offer.cap_per_date,
        "restrictions": offer.restrictions,
        "status": offer.status,
    }


def use_json(use: Use) -> dict[str, Any]:
    return {
        "id": use.pk,
        "card": display(use.card.number),
        "offer": use.offer_id,
        "venue": use.venue_id,
        "site": use.site_id,
        "seller": use.seller_id,
        "category": use.category,
        "event_date": _date(use.event_date),
        "children": use.children,
        "companion": use.companion,
        "status": use.status,
        "source": use.source,
        "recorded_at": use.recorded_at.isoformat(),
        "cancelled_at": use.cancelled_at.isoformat() if use.cancelled_at else None,
    }


def card_answer_json(answer) -> dict[str, Any]:
    """The desk answer (`usage.selectors.DeskAnswer`): validity only, never the holder."""
    return {
        "number": answer.number,
        "status": answer.status,
        "valid_until": _date(answer.valid_until),
        "children_max": answer.children_max,
        "kind": answer.kind or None,
        "replaced_by": answer.replaced_by,
        "message": str(answer.reason),
    }
