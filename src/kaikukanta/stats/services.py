"""Writes of the statistics app: the use rollup and the yearly cost-sharing decision."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction

from kaikukanta.stats.models import (
    AREA_DIMENSIONS,
    DIMENSIONS,
    MEASURES,
    CostShare,
    UseAreaDay,
    UseDay,
)

_TABLE = UseDay._meta.db_table
_COLS = ", ".join(DIMENSIONS + MEASURES)
_ATABLE = UseAreaDay._meta.db_table
_ACOLS = ", ".join(AREA_DIMENSIONS + MEASURES)


def _upsert_sql(table: str, dims: tuple[str, ...]) -> str:
    return (
        # table and column names are this module's constants; values are parameters
        f"INSERT INTO {table} ({', '.join(dims + MEASURES)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * (len(dims) + len(MEASURES)))}) "
        f"ON CONFLICT ({', '.join(dims)}) DO UPDATE SET "
        + ", ".join(f"{m} = {table}.{m} + excluded.{m}" for m in MEASURES)
    )


_UPSERT = _upsert_sql(_TABLE, DIMENSIONS)
_AUPSERT = _upsert_sql(_ATABLE, AREA_DIMENSIONS)
_AREA_SELECT = (
    f"SELECT day, area_id, card_area_id, category, SUM(uses), SUM(children), SUM(companions) "  # noqa: S608, E501
    f"FROM {_TABLE} WHERE 1=1 {{where}} GROUP BY day, area_id, card_area_id, category"
)
# The same cells, computed from the uses (the card's issuing unit is its current unit).
_SELECT = """
    SELECT u.event_date, u.area_id, COALESCE(u.card_area_id, 0), u.venue_id, u.site_id,
           COALESCE(u.offer_id, 0), COALESCE(u.seller_id, 0), COALESCE(c.unit_id, 0),
           u.category, COUNT(*), SUM(u.children),
           SUM(CASE WHEN u.companion THEN 1 ELSE 0 END)
    FROM usage_use u JOIN cards_card c ON c.id = u.card_id
    WHERE u.status = 'recorded' {where}
    GROUP BY u.event_date, u.area_id, COALESCE(u.card_area_id, 0), u.venue_id, u.site_id,
             COALESCE(u.offer_id, 0), COALESCE(u.seller_id, 0), COALESCE(c.unit_id, 0),
             u.category
"""


def _cell(use, unit_id: int | None) -> list:
    return [use.event_date, use.area_id, use.card_area_id or 0, use.venue_id, use.site_id,
            use.offer_id or 0, use.seller_id or 0, unit_id or 0, use.category]


def rollup_add(*, use, sign: int) -> None:
    """Add (sign=1) or take away (sign=-1) one use in its daily cell."""
    from kaikukanta.cards.models import Card

    unit_id = Card.objects.filter(pk=use.card_id).values_list("unit_id", flat=True).first()
    key = _cell(use, unit_id)
    values = [sign, sign * use.children, sign if use.companion else 0]
    akey = [key[0], key[1], key[2], key[8]]
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(_UPSERT, key + values)
        cur.execute(_AUPSERT, akey + values)
        if sign < 0:
            empty = {"uses": 0, "children": 0, "companions": 0}
            UseDay.objects.filter(**dict(zip(DIMENSIONS, key, strict=True)), **empty).delete()
            UseAreaDay.objects.filter(**dict(zip(AREA_DIMENSIONS, akey, strict=True)),
                                      **empty).delete()


def rollup_rebuild(*, start: datetime.date | None = None, end: datetime.date | None = None,
                   days: Iterable[datetime.date] | None = None) -> int:
    """Recompute the daily rows from the uses: all of them, a date range, or some days.

    Returns the number of rows written. Safe to run at any time (one transaction)."""
    where, params = "", []
    lookup: dict = {}
    if days is not None:
        days = sorted(set(days))
        if not days:
            return 0
        where = f"AND {{col}} IN ({', '.join(['%s'] * len(days))})"
        params = list(days)
        lookup["day__in"] = days
    else:
        if start is not None:
            where += " AND {col} >= %s"
            params.append(start)
            lookup["day__gte"] = start
        if end is not None:
            where += " AND {col} <= %s"
            params.append(end)
            lookup["day__lte"] = end
    with transaction.atomic(), connection.cursor() as cur:
        UseDay.objects.filter(**lookup).delete()
        UseAreaDay.objects.filter(**lookup).delete()
        cur.execute(f"INSERT INTO {_TABLE} ({_COLS}) "
                    + _SELECT.format(where=where.format(col="u.event_date")), params)
        n = cur.rowcount
        cur.execute(f"INSERT INTO {_ATABLE} ({_ACOLS}) "
                    + _AREA_SELECT.format(where=where.format(col="day")), params)
        return n


def rollup_rebuild_card(*, card) -> int:
    """Rebuild the days on which a card has uses (after the card moved to another unit)."""
    from kaikukanta.usage.models import Use

    days = Use.objects.filter(card=card).values_list("event_date", flat=True).distinct()
    return rollup_rebuild(days=list(days))


def cost_share_save(*, actor, year: int, population_year: int,
                    rate_per_resident: Decimal | None = None,
                    total: Decimal | None = None) -> CostShare:
    """Record a year's rate per resident (or a total to be divided by residents)."""
    from kaikukanta.audit.services import audit_log
    from kaikukanta.stats.errors import CostShareInvalid

    if (rate_per_resident is None) == (total is None):
        raise CostShareInvalid()
    if (rate_per_resident is not None and rate_per_resident < 0) or (
        total is not None and total < 0
    ):
        raise CostShareInvalid()
    with transaction.atomic():
        share, _created = CostShare.objects.update_or_create(
            year=year,
            defaults={"rate_per_resident": rate_per_resident, "total": total,
                      "population_year": population_year, "updated_by": actor},
        )
        audit_log(action="stats.cost_share_saved", actor=actor, target=share, changes={
            "year": year, "population_year": population_year,
            "rate_per_resident": str(rate_per_resident) if rate_per_resident is not None
            else None,
            "total": str(total) if total is not None else None,
        })
    return share
