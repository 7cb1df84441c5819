"""Builders for statistics tests: uses straight into the database, reported to the hooks
as the usage services do."""

from __future__ import annotations

import datetime
import itertools

import pytest

from kaikukanta.stats import hooks
from kaikukanta.usage.models import Use, UseStatus

_tokens = itertools.count(1)


def make_use(card, site, day: datetime.date, *, category: str = "culture", children: int = 0,
             companion: bool = False, offer=None, seller=None, backfilled: bool = False,
             hook: bool = True) -> Use:
    use = Use.objects.create(
        card=card, offer=offer, venue=site.organisation, site=site, seller=seller,
        area=site.organisation.home_area, card_area=card.area, category=category,
        event_date=day, children=children, companion=companion,
        backfilled=backfilled, source="backfill" if backfilled else "desk",
        request_token=f"t{next(_tokens)}",
    )
    if hook:
        hooks.on_use_recorded(use)
    return use


def cancel_use(use: Use, *, hook: bool = True) -> None:
    use.status = UseStatus.CANCELLED
    use.save(update_fields=["status"])
    if hook:
        hooks.on_use_cancelled(use)


@pytest.fixture
def uses():
    return type("Uses", (), {"make": staticmethod(make_use), "cancel": staticmethod(cancel_use)})
