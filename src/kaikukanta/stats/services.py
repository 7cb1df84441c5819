"""Writes of the statistics app: the use rollup and the yearly cost-sharing decision."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction

from kaikukanta.lib.permissions import Perm, require
from kaikukanta.lib.scope import Scope
from kaikukanta.stats.models import (
    AREA_DIMENSIONS,
    CROSS_DIMENSIONS,
    MEASURES,
    SITE_DIMENSIONS,
    UNIT_DIMENSIONS,
    CardsUsedYear,
    CardYearUse,
    CostShare,
    UseAreaDay,
    UseCrossDay,
    UseSiteDay,
    UseUnitDay,
)

# Table and column names below are this module's constants; values are always parameters.
# How each dimension is read from a use (SQL on usage_use u JOIN cards_card c).
_SQL_OF = {
    "day": "u.event_date", "area_id": "u.area_id", "category": "u.category",
    "card_area_id": "COALESCE(u.card_area_id, 0)", "venue_id": "u.venue_id",
    "site_id": "u.site_id", "offer_id": "COALESCE(u.offer_id, 0)",
    "seller_id": "COALESCE(u.seller_id, 0)", "unit_id": "COALESCE(c.unit_id, 0)",
}
ROLLUPS = [(UseAreaDay, AREA_DIMENSIONS), (UseCrossDay, CROSS_DIMENSIONS),
           (UseSiteDay, SITE_DIMENSIONS), (UseUnitDay, UNIT_DIMENSIONS)]
_MEASURE_SQL = ("COUNT(*), SUM(u.children), SUM(CASE WHEN u.companion THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN u.children > 0 THEN 1 ELSE 0 END)")


def _upsert(table: str, dims: tuple[str, ...], measures: tuple[str, ...],
            returning: str = "") -> str:
    return (
        f"INSERT INTO {table} ({', '.join(dims + measures)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * (len(dims) + len(measures)))}) "
        f"ON CONFLICT ({', '.join(dims)}) DO UPDATE SET "
        + ", ".join(f"{m} = {table}.{m} + excluded.{m}" for m in measures)
        + (f" RETURNING {returning}" if returning else "")
    )


_UPSERTS = [(model, dims, _upsert(model._meta.db_table, dims, MEASURES))
            for model, dims in ROLLUPS]
_CARDYEAR = CardYearUse._meta.db_table
_USED = CardsUsedYear._meta.db_table
_UPSERT_CARDYEAR = (
    f"INSERT INTO {_CARDYEAR} (card_id, year, card_area_id, unit_id, uses) "  # noqa: S608
    "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (card_id, year, card_area_id) "
    f"DO UPDATE SET uses = {_CARDYEAR}.uses + excluded.uses RETURNING uses"
)
_UPSERT_USED = _upsert(_USED, ("year", "card_area_id"), ("cards",))


def _year_sql() -> str:
    if connection.vendor == "postgresql":
        return "CAST(EXTRACT(YEAR FROM u.event_date) AS INTEGER)"
    return "CAST(strftime('%%Y', u.event_date) AS INTEGER)"


def rollup_add(*, use, sign: int) -> None:
    """Add (sign=1) or take away (sign=-1) one use. Runs in the caller's transaction; each
    upsert is atomic, so concurrent uses never lose a count."""
    from kaikukanta.cards.models import Card

    unit_id = Card.objects.filter(pk=use.card_id).values_list("unit_id", flat=True).first()
    key = _use_key(use, unit_id)
    values = [sign, sign * use.children, sign if use.companion else 0,
              sign if use.children else 0]
    year = use.event_date.year
    card_area = key["card_area_id"]
    with transaction.atomic(), connection.cursor() as cur:
        for _model, dims, sql in _UPSERTS:
            cur.execute(sql, [key[d] for d in dims] + values)
        cur.execute(_UPSERT_CARDYEAR, [use.card_id, year, card_area, key["unit_id"], sign])
        uses_now = cur.fetchone()[0]
        if (sign > 0 and uses_now == 1) or (sign < 0 and uses_now == 0):
            cur.execute(_UPSERT_USED, [year, card_area, sign])
        if sign < 0:
            for model, dims, _sql in _UPSERTS:
                model.objects.filter(**{d: key[d] for d in dims}, uses=0, children=0,
                                     companions=0, with_children=0).delete()
            CardYearUse.objects.filter(card_id=use.card_id, year=year, card_area_id=card_area,
                                       uses=0).delete()
            CardsUsedYear.objects.filter(year=year, card_area_id=card_area, cards=0).delete()


_UPSERT_CARDYEAR_MANY = _UPSERT_CARDYEAR.removesuffix(" RETURNING uses")


def _use_key(use, unit_id: int | None) -> dict:
    return {"day": use.event_date, "area_id": use.area_id, "category": use.category,
            "card_area_id": use.card_area_id or 0, "venue_id": use.venue_id,
            "site_id": use.site_id, "offer_id": use.offer_id or 0,
            "seller_id": use.seller_id or 0, "unit_id": unit_id or 0}


def rollup_add_many(*, uses) -> None:
    """Add many new recorded uses at once (a file import), in the caller's transaction:
    one upsert per rollup row they touch (day, offer …) and one per card and year. The
    caller holds the cards' row locks, so the card-year rows read here do not change
    before they are written."""
    groups: dict = {model: {} for model, _dims, _sql in _UPSERTS}
    card_years: dict = {}
    for use in uses:
        key = _use_key(use, use.card.unit_id)
        values = (1, use.children, 1 if use.companion else 0, 1 if use.children else 0)
        for model, dims, _sql in _UPSERTS:
            acc = groups[model].setdefault(tuple(key[d] for d in dims), [0, 0, 0, 0])
            for i, v in enumerate(values):
                acc[i] += v
        cy = card_years.setdefault((use.card_id, use.event_date.year, key["card_area_id"]),
                                   [key["unit_id"], 0])
        cy[1] += 1
    if not card_years:
        return
    years = sorted({y for _c, y, _a in card_years})
    card_ids = sorted({c for c, _y, _a in card_years})
    existing = set()
    for i in range(0, len(card_ids), 5000):
        existing.update(CardYearUse.objects.filter(
            card_id__in=card_ids[i:i + 5000], year__in=years,
        ).values_list("card_id", "year", "card_area_id"))
    newly_used: dict = {}
    for card, year, area in card_years:
        if (card, year, area) not in existing:
            newly_used[(year, area)] = newly_used.get((year, area), 0) + 1
    with transaction.atomic(), connection.cursor() as cur:
        for model, _dims, sql in _UPSERTS:
            cur.executemany(sql, [[*k, *v] for k, v in sorted(groups[model].items())])
        cur.executemany(_UPSERT_CARDYEAR_MANY, [
            [card, year, area, unit, n]
            for (card, year, area), (unit, n) in sorted(card_years.items())])
        cur.executemany(_UPSERT_USED, [[year, area, n]
                                       for (year, area), n in sorted(newly_used.items())])


def rollup_rebuild(*, start: datetime.date | None = None, end: datetime.date | None = None,
                   days: Iterable[datetime.date] | None = None,
                   card_years: bool = True) -> int:
    """Recompute the rollups from the uses: all of them, a date range, or some days (with
    `card_years`, the yearly card counts of the years touched are recomputed whole).
    Returns the number of daily area rows written. One transaction: readers never see it
    half done."""
    where, params = "", []
    lookup: dict = {}
    if days is not None:
        days = sorted(set(days))
        if not days:
            return 0
        where = f"AND u.event_date IN ({', '.join(['%s'] * len(days))})"
        params = list(days)
        lookup["day__in"] = days
    if start is not None:
        where += " AND u.event_date >= %s"
        params.append(start)
        lookup["day__gte"] = start
    if end is not None:
        where += " AND u.event_date <= %s"
        params.append(end)
        lookup["day__lte"] = end
    n = 0
    with transaction.atomic(), connection.cursor() as cur:
        for model, dims in ROLLUPS:
            model.objects.filter(**lookup).delete()
            exprs = ", ".join(_SQL_OF[d] for d in dims)
            join = "JOIN cards_card c ON c.id = u.card_id" if "unit_id" in dims else ""
            cur.execute(
                f"INSERT INTO {model._meta.db_table} ({', '.join(dims + MEASURES)}) "  # noqa: S608
                f"SELECT {exprs}, {_MEASURE_SQL} FROM usage_use u {join} "
                f"WHERE u.status = 'recorded' {where} GROUP BY {exprs}", params)
            if model is UseAreaDay:
                n = cur.rowcount
        if card_years:
            _rebuild_card_years(cur, where, params, whole=not lookup)
    from kaikukanta.stats.cache import on_rebuild

    transaction.on_commit(on_rebuild)  # cached dashboards are stale now
    return n


def _rebuild_card_years(cur, where: str, params: list, whole: bool) -> None:
    years = None
    if not whole:
        cur.execute(f"SELECT DISTINCT {_year_sql()} FROM usage_use u "  # noqa: S608
                    f"WHERE 1 = 1 {where}", params)
        years = sorted(r[0] for r in cur.fetchall())
        if not years:
            return
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
        f"INSERT INTO {_CARDYEAR} (card_id, year, card_area_id, unit_id, uses) "  # noqa: S608
        f"SELECT u.card_id, {_year_sql()}, COALESCE(u.card_area_id, 0), "
        "COALESCE(MAX(c.unit_id), 0), COUNT(*) "
        "FROM usage_use u JOIN cards_card c ON c.id = u.card_id "
        f"WHERE u.status = 'recorded' {ywhere} "
        f"GROUP BY u.card_id, {_year_sql()}, COALESCE(u.card_area_id, 0)", yparams)
    yw = f"WHERE year IN ({', '.join(['%s'] * len(years))})" if years else ""
    cur.execute(
        f"INSERT INTO {_USED} (year, card_area_id, cards) "  # noqa: S608
        f"SELECT year, card_area_id, COUNT(*) FROM {_CARDYEAR} {yw} "
        "GROUP BY year, card_area_id", years or [])


def rollup_rebuild_card(*, card) -> int:
    """After a card moved to another unit: rebuild the days with its uses (the card-year
    counts do not depend on the unit)."""
    from kaikukanta.usage.models import Use

    days = list(Use.objects.filter(card=card).values_list("event_date", flat=True).distinct())
    with transaction.atomic():
        CardYearUse.objects.filter(card_id=card.pk).update(unit_id=card.unit_id or 0)
        return rollup_rebuild(days=days, card_years=False)


# A rate or total more than this many times (or less than 1/this of) the previous year's
# needs a confirmation: 0,0105 typed where 0.0105 was meant must not bill 105 € a head.
COST_SHARE_FACTOR = 2


def _far(value: Decimal, previous: Decimal) -> bool:
    if previous <= 0:
        return value > 0
    return not (previous / COST_SHARE_FACTOR <= value <= previous * COST_SHARE_FACTOR)


def cost_share_check(*, year: int, population_year: int, rate_per_resident: Decimal | None,
                     total: Decimal | None) -> None:
    """Raise `CostShareFarFromPrevious` when the rate per resident or the total it gives is
    far from the previous saved year's (nothing to compare with: no question)."""
    from kaikukanta.lib.formatting import number
    from kaikukanta.stats.errors import CostShareFarFromPrevious
    from kaikukanta.stats.reports import cost_split

    previous = CostShare.objects.filter(year__lt=year).order_by("-year").first()
    if previous is None:
        return
    before = cost_split(previous)
    now = cost_split(CostShare(year=year, population_year=population_year,
                               rate_per_resident=rate_per_resident, total=total))
    if _far(now.rate, before.rate) or _far(now.total, before.total):
        raise CostShareFarFromPrevious(
            rate=number(now.rate.normalize()), total=number(now.total),
            previous_year=previous.year, previous_rate=number(before.rate.normalize()),
            previous_total=number(before.total))


def cost_share_save(*, scope: Scope, year: int, population_year: int,
                    rate_per_resident: Decimal | None = None,
                    total: Decimal | None = None, confirmed: bool = False) -> CostShare:
    """Record a year's rate per resident (or a total to be divided by residents); the
    national team only. A figure far from the previous year's is saved only `confirmed`."""
    from kaikukanta.audit.services import audit_log
    from kaikukanta.stats.errors import CostShareInvalid

    require(scope, Perm.ADMIN_SITE)
    if (rate_per_resident is None) == (total is None):
        raise CostShareInvalid()
    if (rate_per_resident is not None and rate_per_resident < 0) or (
        total is not None and total < 0
    ):
        raise CostShareInvalid()
    if not confirmed:
        cost_share_check(year=year, population_year=population_year,
                         rate_per_resident=rate_per_resident, total=total)
    with transaction.atomic():
        share, _created = CostShare.objects.update_or_create(
            year=year,
            defaults={"rate_per_resident": rate_per_resident, "total": total,
                      "population_year": population_year, "updated_by_id": scope.user_id},
        )
        audit_log(action="stats.cost_share_saved", scope=scope, target=share, changes={
            "year": year, "population_year": population_year,
            "rate_per_resident": str(rate_per_resident) if rate_per_resident is not None
            else None,
            "total": str(total) if total is not None else None,
        })
    return share
