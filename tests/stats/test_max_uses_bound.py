"""The privacy rule's bound: the most uses one card had in any of the periods' years."""

from __future__ import annotations

import datetime

import pytest

from kaikukanta.stats.models import CardsUsedYear
from kaikukanta.stats.scopes import Period
from kaikukanta.stats.selectors import max_uses_per_card

pytestmark = pytest.mark.django_db

day = datetime.date


def test_the_bound_is_the_top_of_the_periods_years_only():
    """From the most uses of one card per year and card's area (`CardsUsedYear`)."""
    CardsUsedYear.objects.bulk_create([
        CardsUsedYear(year=2023, card_area_id=1, cards=1, most_uses=50),  # outside
        CardsUsedYear(year=2024, card_area_id=1, cards=3, most_uses=7),
        CardsUsedYear(year=2024, card_area_id=2, cards=2, most_uses=4),
        CardsUsedYear(year=2025, card_area_id=2, cards=1, most_uses=3),
        CardsUsedYear(year=2026, card_area_id=1, cards=4, most_uses=9),  # outside
    ])
    # years 2024 and 2025: top 7, times two years, times two (a card moved mid-year)
    assert max_uses_per_card(Period(day(2024, 3, 1), day(2025, 2, 1))) == 7 * 2 * 2
    assert max_uses_per_card(Period(day(2025, 1, 1), day(2025, 12, 31))) == 3 * 1 * 2
    # two periods' years together: 2023 and 2025
    assert max_uses_per_card(Period(day(2023, 5, 1), day(2023, 5, 2)),
                             Period(day(2025, 5, 1), day(2025, 5, 2))) == 50 * 2 * 2


def test_a_year_without_rows_gives_the_least_bound():
    assert max_uses_per_card(Period(day(2019, 1, 1), day(2019, 12, 31))) == 1


def test_a_unit_dashboards_cells_read_the_units_uses_once_with_the_same_holders(cast):
    """`capped_holders(read_once=True)` (a unit's uses read once, every cell counted from
    those rows) gives the same holders as a sub-query per cell, and both equal the
    different cards counted here, capped at five: by category, weekday, children's and
    companion tickets and the whole period, with uses outside the period and of another
    unit's cards left out."""
    from django.db.models import Q

    from kaikukanta.lib.targets import TargetKind
    from kaikukanta.stats.holders import capped_holders
    from kaikukanta.stats.scopes import Target
    from kaikukanta.stats.selectors import _uses
    from tests.factories import make_card
    from tests.stats.conftest import make_use

    a, b = cast.a, cast.b
    mine = [make_card(a.unit) for _ in range(7)]
    other = make_card(b.unit)
    made = []
    for i, card in enumerate(mine + [other]):
        for k in range(i % 4 + 1):
            d = day(2025, 3, 3 + 3 * k + i)
            made.append((card, d, ("culture", "science")[(i + k) % 2], k % 2, (i + k) % 3 == 0))
            use = make_use(card, a.site if k % 2 else b.site, d, category=made[-1][2],
                           children=made[-1][3])
            use.companion = made[-1][4]
            use.save(update_fields=["companion"])
    p = Period(day(2025, 3, 5), day(2025, 3, 20))
    target = Target(TargetKind.UNIT, a.unit)
    uses = _uses().filter(target.use_q(), event_date__gte=p.start, event_date__lte=p.end)
    cells = [(("cat", c), Q(category=c), 1, 1) for c in ("culture", "science", "music")]
    cells += [(("wd", w), Q(event_date__iso_week_day=w), 1, 1) for w in range(1, 8)]
    cells += [("companion", Q(companion=True), 1, 0), ("all", Q(), 1, 1)]
    want = {}
    for key, _q, _u, _c in cells:
        def of(card, d, category, children, companion, key=key) -> bool:
            if card.unit_id != a.unit.pk or not p.start <= d <= p.end:
                return False
            if key == "companion":
                return companion
            if key == "all":
                return True
            return category == key[1] if key[0] == "cat" else d.isoweekday() == key[1]
        h = {row[0].pk for row in made if of(*row)}
        hc = {row[0].pk for row in made if of(*row) and row[3]}
        want[key] = {"h": min(len(h), 5), "hc": 0 if key == "companion" else min(len(hc), 5)}
    once = capped_holders(uses, cells, bound=100, read_once=True)
    assert once == capped_holders(uses, cells, bound=100) == want
    assert {v["h"] for v in want.values()} >= {0, 5} and any(0 < v["h"] < 5 for v in want.values())
