"""Writes of the statistics app: the use rollup and the yearly cost-sharing decision."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction

from kaikukanta.stats.models import (
    AREA_DIMENSIONS,
    CROSS_DIMENSIONS,
    MEASURES,
    CardsUsedYear,
    CardYearUse,
    CostShare,
    UseAreaDay,
    UseCrossDay,
)

# Table and column names below are this module's constants; values are always parameters.


def _upsert(table: str, dims: tuple[str, ...], measures: tuple[str, ...],
            returning: str = "") -> str:
    return (
        f"INSERT INTO {table} ({', '.join(dims + measures)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * (len(dims) + len(measures)))}) "
        f"ON CONFLICT ({', '.join(dims)}) DO UPDATE SET "
        + ", ".join(f"{m} = {table}.{m} + excluded.{m}" for m in measures)
        + (f" RETURNING {returning}" if returning else "")
    )


_AREA = UseAreaDay._meta.db_table
_CROSS = UseCrossDay._meta.db_table
_CARDYEAR = CardYearUse._meta.db_table
_USED = CardsUsedYear._meta.db_table
_UPSERT_AREA = _upsert(_AREA, AREA_DIMENSIONS, MEASURES)
_UPSERT_CROSS = _upsert(_CROSS, CROSS_DIMENSIONS, MEASURES)
_UPSERT_CARDYEAR = _upsert(_CARDYEAR, ("card_id", "year", "card_area_id"), ("uses",), "uses")
_UPSERT_USED = _upsert(_USED, ("year", "card_area_id"), ("cards",))
_MEASURE_SQL = "COUNT(*), SUM(children), SUM(CASE WHEN companion THEN 1 ELSE 0 END)"


def _year_sql() -> str:
    if connection.vendor == "postgresql":
        return "CAST(EXTRACT(YEAR FROM event_date) AS INTEGER)"
    return "CAST(strftime('%%Y', event_date) AS INTEGER)"


def rollup_add(*, use, sign: int) -> None:
    """Add (sign=1) or take away (sign=-1) one use. Runs in the caller's transaction; each
    upsert is atomic, so concurrent uses never lose a count."""
    values = [sign, sign * use.children, sign if use.companion else 0]
    card_area = use.card_area_id or 0
    year = use.event_date.year
    empty = {"uses": 0, "children": 0, "companions": 0}
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(_UPSERT_AREA, [use.event_date, use.area_id, use.category, *values])
        cur.execute(_UPSERT_CROSS, [use.event_date, use.area_id, card_area, *values])
        cur.execute(_UPSERT_CARDYEAR, [use.card_id, year, card_area, sign])
        uses_now = cur.fetchone()[0]
        if (sign > 0 and uses_now == 1) or (sign < 0 and uses_now == 0):
            cur.execute(_UPSERT_USED, [year, card_area, sign])
        if sign < 0:
            UseAreaDay.objects.filter(day=use.event_date, area_id=use.area_id,
                                      category=use.category, **empty).delete()
            UseCrossDay.objects.filter(day=use.event_date, area_id=use.area_id,
                                       card_area_id=card_area, **empty).delete()
            CardYearUse.objects.filter(card_id=use.card_id, year=year, card_area_id=card_area,
                                       uses=0).delete()
            CardsUsedYear.objects.filter(year=year, card_area_id=card_area, cards=0).delete()


def rollup_rebuild(*, start: datetime.date | None = None, end: datetime.date | None = None,
                   days: Iterable[datetime.date] | None = None) -> int:
    """Recompute the rollups from the uses: all of them, a date range, or some days (the
    yearly card counts of the years touched are recomputed whole). Returns the number of
    daily rows written. One transaction: readers never see it half done."""
    where, params = "", []
    lookup: dict = {}
    if days is not None:
        days = sorted(set(days))
        if not days:
            return 0
        where = f"AND event_date IN ({', '.join(['%s'] * len(days))})"
        params = list(days)
        lookup["day__in"] = days
    if start is not None:
        where += " AND event_date >= %s"
        params.append(start)
        lookup["day__gte"] = start
    if end is not None:
        where += " AND event_date <= %s"
        params.append(end)
        lookup["day__lte"] = end
    with transaction.atomic(), connection.cursor() as cur:
        UseAreaDay.objects.filter(**lookup).delete()
        UseCrossDay.objects.filter(**lookup).delete()
        cur.execute(
            f"INSERT INTO {_AREA} ({', '.join(AREA_DIMENSIONS + MEASURES)}) "  # noqa: S608
            f"SELECT event_date, area_id, category, {_MEASURE_SQL} FROM usage_use "
            f"WHERE status = 'recorded' {where} GROUP BY event_date, area_id, category",
            params)
        n = cur.rowcount
        cur.execute(
            f"INSERT INTO {_CROSS} ({', '.join(CROSS_DIMENSIONS + MEASURES)}) "  # noqa: S608
            f"SELECT event_date, area_id, COALESCE(card_area_id, 0), {_MEASURE_SQL} "
            f"FROM usage_use WHERE status = 'recorded' {where} "
            "GROUP BY event_date, area_id, COALESCE(card_area_id, 0)", params)
        # whole years for the card counts
        if lookup:
            cur.execute(f"SELECT DISTINCT {_year_sql()} FROM usage_use "  # noqa: S608
                        f"WHERE 1 = 1 {where}", params)
            years = sorted(r[0] for r in cur.fetchall())
        else:
            years = None
        if years == []:
            return n
        ywhere, yparams = "", []
        if years is not None:
            ywhere = f"AND {_year_sql()} IN ({', '.join(['%s'] * len(years))})"
            yparams = years
            CardYearUse.objects.filter(year__in=years).delete()
            CardsUsedYear.objects.filter(year__in=years).delete()
        else:
            CardYearUse.objects.all().delete()
            CardsUsedYear.objects.all().delete()
        cur.execute(
            f"INSERT INTO {_CARDYEAR} (card_id, year, card_area_id, uses) "  # noqa: S608
            f"SELECT card_id, {_year_sql()}, COALESCE(card_area_id, 0), COUNT(*) "
            f"FROM usage_use WHERE status = 'recorded' {ywhere} "
            f"GROUP BY card_id, {_year_sql()}, COALESCE(card_area_id, 0)", yparams)
        yw = f"WHERE year IN ({', '.join(['%s'] * len(years))})" if years else ""
        cur.execute(
            f"INSERT INTO {_USED} (year, card_area_id, cards) "  # noqa: S608
            f"SELECT year, card_area_id, COUNT(*) FROM {_CARDYEAR} {yw} "
            "GROUP BY year, card_area_id", years or [])
        return n


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
