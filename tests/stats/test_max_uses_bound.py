"""The privacy rule's bound: the most uses one card had in any of the periods' years."""

from __future__ import annotations

import datetime

import pytest

from kaikukanta.stats.models import CardYearUse
from kaikukanta.stats.scopes import Period
from kaikukanta.stats.selectors import max_uses_per_card

pytestmark = pytest.mark.django_db

day = datetime.date


def test_the_bound_is_the_top_of_the_periods_years_only():
    CardYearUse.objects.bulk_create([
        CardYearUse(card_id=1, year=2023, card_area_id=1, uses=50),  # outside the periods
        CardYearUse(card_id=1, year=2024, card_area_id=1, uses=7),
        CardYearUse(card_id=2, year=2024, card_area_id=2, uses=4),
        CardYearUse(card_id=2, year=2025, card_area_id=2, uses=3),
        CardYearUse(card_id=3, year=2026, card_area_id=1, uses=9),  # outside the periods
    ])
    # years 2024 and 2025: top 7, times two years, times two (a card moved mid-year)
    assert max_uses_per_card(Period(day(2024, 3, 1), day(2025, 2, 1))) == 7 * 2 * 2
    assert max_uses_per_card(Period(day(2025, 1, 1), day(2025, 12, 31))) == 3 * 1 * 2
    # two periods' years together: 2023 and 2025
    assert max_uses_per_card(Period(day(2023, 5, 1), day(2023, 5, 2)),
                             Period(day(2025, 5, 1), day(2025, 5, 2))) == 50 * 2 * 2


def test_a_year_without_rows_gives_the_least_bound():
    assert max_uses_per_card(Period(day(2019, 1, 1), day(2019, 12, 31))) == 1
