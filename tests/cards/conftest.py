"""Fixtures for the card tests: printed stock in the cast's areas."""

from __future__ import annotations

import pytest

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.cards import services
from kaikukanta.cards.models import CardKind


@pytest.fixture
def stock(cast):
    """Ten unused printed personal numbers in area a's stock."""
    batch = services.batch_create(scope=scope_for_user(cast.a.welfare), area=cast.a.area, count=10)
    return list(batch.cards.order_by("number").values_list("number", flat=True))


@pytest.fixture
def community_stock(cast):
    batch = services.batch_create(scope=scope_for_user(cast.a.welfare), area=cast.a.area, count=3,
                                  kind=CardKind.COMMUNITY)
    return list(batch.cards.order_by("number").values_list("number", flat=True))


@pytest.fixture
def register(cast):
    """Register a card at area a's unit with sensible defaults."""

    def _register(number, **kwargs):
        params = {"scope": scope_for_user(cast.a.distributor), "unit": cast.a.unit,
                                          "number": number,
                  "birth_year": 1980, "postal_code": "02100", "children": 2}
        params.update(kwargs)
        return services.card_register(**params)

    return _register
