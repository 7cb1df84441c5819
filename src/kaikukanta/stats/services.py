"""Writes of the statistics app: the use rollup and the yearly cost-sharing decision."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from operator import itemgetter

from django.db import connection, transaction

from kaikukanta.lib.beside import beside
from kaikukanta.lib.bulk import copy_text, rows_where_any
from kaikukanta.lib.permissions import Perm, require
from kaikukanta.lib.scope import Scope
from kaikukanta.stats import unitcards
from kaikukanta.stats.models import (
    AREA_DIMENSIONS,
    CROSS_DIMENSIONS,
    HOLDER_PLACE_DIMENSIONS,
    MEASURES,
    MUNI_DIMENSIONS,
    MUNI_PLACE_DAY_DIMENSIONS,
    MUNI_PLACE_DIMENSIONS,
    SITE_DIMENSIONS,
    SITE_MONTH_DIMENSIONS,
    UNIT_CARDS,
    UNIT_DIMENSIONS,
    CardMonthUse,
    CardsUsedYear,
    CardYearUse,
    CostShare,
    MunicipalityPlaceHolders,
    UnitDayCards,
    UseAreaDay,
    UseCrossDay,
    UsedMonthArea,
    UsedMonthMunicipality,
    UsedMonthUnit,
    UseMunicipalityDay,
    UseMunicipalityPlaceDay,
    UseMunicipalityPlaceMonth,
    UseSiteDay,
    UseSiteMonth,
    UseUnitDay,
    month_number,
)

# Table and column names below are this module's constants; values are always parameters.
# How each dimension is read from a use (SQL on usage_use u JOIN cards_card c).
_SQL_OF = {
    "day": "u.event_date", "area_id": "u.area_id", "category": "u.category",
    "card_area_id": "COALESCE(u.card_area_id, 0)", "venue_id": "u.venue_id",
    "site_id": "u.site_id", "offer_id": "COALESCE(u.offer_id, 0)",
    "seller_id": "COALESCE(u.seller_id, 0)", "unit_id": "COALESCE(c.unit_id, 0)",
    "municipality_id": "COALESCE(c.municipality_id, '')",
}
CARD_DIMS = ("unit_id", "municipality_id")  # read from the card (joined as c)
ROLLUPS = [(UseAreaDay, AREA_DIMENSIONS), (UseCrossDay, CROSS_DIMENSIONS),
           (UseSiteDay, SITE_DIMENSIONS), (UseUnitDay, UNIT_DIMENSIONS),
           (UseSiteMonth, SITE_MONTH_DIMENSIONS), (UseMunicipalityDay, MUNI_DIMENSIONS),
           (UseMunicipalityPlaceMonth, MUNI_PLACE_DIMENSIONS),
           (UseMunicipalityPlaceDay, MUNI_PLACE_DAY_DIMENSIONS)]
# keyed by month_number(): rebuilt by whole months
MONTH_ROLLUPS = (UseSiteMonth, UseMunicipalityPlaceMonth)
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


BULK_FROM = 50  # rows from which a many-row upsert goes through COPY (PostgreSQL)


def _upsert_many(cur, table: str, dims: tuple[str, ...], measures: tuple[str, ...],
                 rows: list, sql: str, extra: tuple[str, ...] = (),
                 merge: dict[str, str] | None = None) -> str | None:
    """Add many rows (unique by `dims`; values in the order dims, extra, measures) at once:
    a new row takes them all, an existing one adds the measures (and keeps its `extra`,
    except those of `merge`, {column: "LEAST" or "GREATEST"}, which take the lesser or
    greater of its value and the new one, or SQL of "{old}" and "{new}").
    On PostgreSQL with many rows: COPY into a temporary table and one INSERT … SELECT …
    ON CONFLICT; returns the temporary table's name (dropped at commit). Otherwise `sql`
    (the one-row upsert) for each row."""
    if connection.vendor != "postgresql" or len(rows) < BULK_FROM:
        cur.executemany(sql, rows)
        return None
    tmp = f"tmp_{table}"
    columns = ", ".join(dims + extra + measures)
    cur.execute(f"DROP TABLE IF EXISTS {tmp}")
    cur.execute(f"CREATE TEMP TABLE {tmp} ON COMMIT DROP AS "  # noqa: S608
                f"SELECT {columns} FROM {table} WITH NO DATA")
    # the card rollups' rows are all integers: str is their COPY text
    text = str if all(type(v) is int for row in rows for v in row) else copy_text
    with cur.cursor.copy(f"COPY {tmp} ({columns}) FROM STDIN") as copy:
        for i in range(0, len(rows), 5000):
            copy.write("".join("\t".join(map(text, row)) + "\n"
                               for row in rows[i:i + 5000]))
    cur.execute(
        f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {tmp} "  # noqa: S608
        f"ON CONFLICT ({', '.join(dims)}) DO UPDATE SET "
        + ", ".join([f"{m} = {table}.{m} + excluded.{m}" for m in measures]
                    + [f"{c} = {_merged(f, f'{table}.{c}', f'excluded.{c}')}"
                       for c, f in (merge or {}).items()]))
    return tmp


def _merged(how: str, old: str, new: str) -> str:
    return how.format(old=old, new=new) if "{old}" in how else f"{how}({old}, {new})"


_UPSERTS = [(model, dims, _upsert(model._meta.db_table, dims, MEASURES))
            for model, dims in ROLLUPS]
_CARDYEAR = CardYearUse._meta.db_table
_USED = CardsUsedYear._meta.db_table
_UPSERT_CARDYEAR = (
    f"INSERT INTO {_CARDYEAR} (card_id, year, card_area_id, unit_id, uses) "  # noqa: S608
    "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (card_id, year, card_area_id) "
    f"DO UPDATE SET uses = {_CARDYEAR}.uses + excluded.uses RETURNING uses"
)


def _upsert_used_sql() -> str:
    """A year and card's area: (year, area, cards to add, most uses of one card now): the
    card count adds, the most uses takes the greater."""
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    return (f"INSERT INTO {_USED} (year, card_area_id, cards, most_uses) "  # noqa: S608
            "VALUES (%s, %s, %s, %s) ON CONFLICT (year, card_area_id) DO UPDATE SET "
            f"cards = {_USED}.cards + excluded.cards, "
            f"most_uses = {greatest}({_USED}.most_uses, excluded.most_uses)")


# A recorded use's card now has %s uses in the year (year, area): the most uses grows to it.
_MOST_USES_GROWS = (f"UPDATE {_USED} SET most_uses = %s "  # noqa: S608
                    "WHERE year = %s AND card_area_id = %s AND most_uses < %s")
# The same in the recording's one statement, from its card-year upsert's answer ({year}).
_MOST_USES_GROWS_WITH = (f"UPDATE {_USED} t SET most_uses = y.uses FROM {{year}} y "  # noqa: S608
                         "WHERE t.year = %s AND t.card_area_id = %s AND t.most_uses < y.uses")
# A cancelled use: (cards to add, the card's uses before, year, area, year, area, cards to
# add, uses before): the card count changes, and when the card had the most uses, the
# most is read again from the year's card rows (the row is not touched otherwise).
_USED_CANCELLED = (
    f"UPDATE {_USED} SET cards = cards + %s, most_uses = CASE WHEN most_uses = %s "  # noqa: S608
    f"THEN COALESCE((SELECT MAX(c.uses) FROM {_CARDYEAR} c WHERE c.year = %s "
    "AND c.card_area_id = %s), 0) ELSE most_uses END "
    "WHERE year = %s AND card_area_id = %s AND (%s <> 0 OR most_uses = %s)")


_CARDMONTH = CardMonthUse._meta.db_table
_UPSERT_CARDMONTH = (
    f"INSERT INTO {_CARDMONTH} (card_id, card_area_id, month, unit_id, municipality_id, "  # noqa: S608
    "stats_key, uses) VALUES (%s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (card_id, card_area_id, month) "
    f"DO UPDATE SET uses = {_CARDMONTH}.uses + excluded.uses"
)


# Uses only added (a file): a row's first day and next month can only move earlier, its
# last and previous day only later; a NULL given changes nothing.
_CARDMONTH_MERGE = {"first_day": "LEAST", "last_day": "GREATEST", "prev_day": "GREATEST",
                    "next_month": "LEAST"}


def _upsert_card_months_sql() -> str:
    """Many uses recorded (a file): a card-month row adds their count, takes their first
    and last day when earlier or later, and the previous day and next month given
    (`_timeline_days`) when later or earlier; a new row takes them all
    (`_upsert_many`'s one-row form)."""
    sql = {"LEAST": "LEAST", "GREATEST": "GREATEST"} if connection.vendor == "postgresql" else {
        "LEAST": "MIN", "GREATEST": "MAX"}
    t = _CARDMONTH
    return (
        f"INSERT INTO {t} (card_id, card_area_id, month, unit_id, municipality_id, "  # noqa: S608
        "stats_key, first_day, last_day, prev_day, next_month, uses) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (card_id, card_area_id, month) DO UPDATE SET "
        f"uses = {t}.uses + excluded.uses, "
        + ", ".join(f"{c} = {sql[f]}(COALESCE({t}.{c}, excluded.{c}), "
                    f"COALESCE(excluded.{c}, {t}.{c}))" for c, f in _CARDMONTH_MERGE.items()))


_SAME_TIMELINE = "c.card_id = %s AND c.card_area_id = %s"


def _recorded_day_sql() -> tuple[str, str]:
    """One use recorded on day d: its card-month row (cells: card, card's area, month, unit,
    municipality, key, 1, d, d, then card, area, month twice for a new row's previous day
    and next month) takes d as its first or last day when earlier or later; then (month, d,
    d, month, month, month, card, area, month, card, area, month) the card's next used
    month gets d as its previous day when later, and its previous used month the month as
    its next when nearer. The rows before and after a month are unchanged by a use in it, so both
    statements may run as one (PostgreSQL)."""
    least, greatest = ("LEAST", "GREATEST") if connection.vendor == "postgresql" else ("MIN", "MAX")
    t = _CARDMONTH
    return (
        f"INSERT INTO {t} (card_id, card_area_id, month, unit_id, municipality_id, "  # noqa: S608
        "stats_key, uses, first_day, last_day, prev_day, next_month) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, "
        f"(SELECT c.last_day FROM {t} c WHERE {_SAME_TIMELINE} AND c.month < %s "
        f"ORDER BY c.month DESC LIMIT 1), (SELECT MIN(c.month) FROM {t} c WHERE "
        f"{_SAME_TIMELINE} AND c.month > %s)) ON CONFLICT (card_id, card_area_id, month) "
        f"DO UPDATE SET uses = {t}.uses + excluded.uses, "
        f"first_day = {least}({t}.first_day, excluded.first_day), "
        f"last_day = {greatest}({t}.last_day, excluded.last_day) RETURNING uses",
        f"UPDATE {t} SET prev_day = CASE WHEN month > %s AND (prev_day IS NULL "  # noqa: S608
        "OR prev_day < %s) THEN %s ELSE prev_day END, next_month = CASE WHEN month < %s "
        "AND (next_month IS NULL OR next_month > %s) THEN %s ELSE next_month END "
        f"WHERE id IN ((SELECT c.id FROM {t} c WHERE {_SAME_TIMELINE} AND c.month > %s "
        f"ORDER BY c.month LIMIT 1), (SELECT c.id FROM {t} c WHERE {_SAME_TIMELINE} "
        "AND c.month < %s ORDER BY c.month DESC LIMIT 1))",
    )


# the histograms of cards used per month by previous used month (models.UsedMonthFigures)
_HISTOGRAMS = [(UsedMonthArea, "card_area_id"), (UsedMonthUnit, "unit_id"),
               (UsedMonthMunicipality, "municipality_id")]
# a histogram cell's key in the changes below: (card's area, unit, municipality, month, prev)
_CELL_AT = {"card_area_id": 0, "unit_id": 1, "municipality_id": 2}
_UPSERT_HIST = [(model, dim, _upsert(model._meta.db_table, (dim, "month", "prev"),
                                     ("cards", "key_sum")))
                for model, dim in _HISTOGRAMS]


def _together(statements: list[tuple[str, list]], select: str) -> str:
    """Several writes as one PostgreSQL statement (data-modifying WITH clauses s0, s1 …)."""
    return "WITH " + ", ".join(f"s{i} AS ({sql})" for i, (sql, _p) in
                               enumerate(statements)) + " " + select


def _timeline(months: Iterable[int]) -> list[tuple[int, int]]:
    """A card's (month, previous used month) pairs: what it adds to the histograms."""
    out, prev = [], 0
    for m in sorted(set(months)):
        out.append((m, prev))
        prev = m
    return out


def _timeline_change(old: Iterable[int], new: Iterable[int]) -> Counter:
    """How the card's histogram cells change when its used months go from old to new."""
    delta: Counter = Counter()
    for cell in _timeline(old):
        delta[cell] -= 1
    for cell in _timeline(new):
        delta[cell] += 1
    return Counter({k: v for k, v in delta.items() if v})


def _histograms_apply(cur, changes: dict) -> None:
    """changes: {(card_area_id, unit_id, municipality_id, month, prev): [cards, key_sum]}
    to add (either sign); cells left at zero cards are removed, as a rebuild would not
    make them."""
    for model, dim, sql in _UPSERT_HIST:
        cells: dict = {}
        at = _CELL_AT[dim]
        for (*dims, month, prev), (n, k) in changes.items():
            acc = cells.setdefault((dims[at], month, prev), [0, 0])
            acc[0] += n
            acc[1] += k
        cells = {c: v for c, v in cells.items() if v[0] or v[1]}
        if not cells:
            continue
        table = model._meta.db_table
        tmp = _upsert_many(cur, table, (dim, "month", "prev"), ("cards", "key_sum"),
                           [[*c, *v] for c, v in sorted(cells.items())], sql)
        gone = [list(c) for c, v in sorted(cells.items()) if v[0] < 0]
        if gone and tmp:
            cur.execute(f"DELETE FROM {table} t USING {tmp} g WHERE t.{dim} = g.{dim} "  # noqa: S608
                        "AND t.month = g.month AND t.prev = g.prev AND g.cards < 0 "
                        "AND t.cards = 0")
        elif gone:
            cur.executemany(
                f"DELETE FROM {table} WHERE {dim} = %s AND month = %s "  # noqa: S608
                "AND prev = %s AND cards = 0", gone)


# The different cards of a municipality's residents per (year, site, offer): one card
# counts once in a cell while it has a recorded use there that year (and once in
# `holders_children` while one of them has children's tickets). Each write asks the card's
# own uses of the year (the use table's card index), under the card's row lock.
_HOLDERS = MunicipalityPlaceHolders._meta.db_table
_HOLDER_MEASURES = ("holders", "holders_children")
_UPSERT_HOLDERS = _upsert(_HOLDERS, HOLDER_PLACE_DIMENSIONS, _HOLDER_MEASURES)


def _holders_sql() -> str:
    """A card's recorded uses and those with children's tickets per (year, site, offer)
    over some cards (`{where}`) and a range of days."""
    return (f"SELECT u.card_id, {_year_sql()}, u.site_id, COALESCE(u.offer_id, 0), "  # noqa: S608
            "COUNT(*), SUM(CASE WHEN u.children > 0 THEN 1 ELSE 0 END) FROM usage_use u "
            "WHERE u.status = 'recorded' AND u.event_date >= %s AND u.event_date <= %s "
            "AND {where} GROUP BY u.card_id, " + _year_sql()
            + ", u.site_id, COALESCE(u.offer_id, 0)")


def _holders_apply(cur, changes: dict) -> None:
    """changes: {(year, municipality, site, offer): [holders, with children]} to add
    (either sign); cells left at zero are removed, as a rebuild would not make them."""
    changes = {c: v for c, v in changes.items() if v[0] or v[1]}
    if not changes:
        return
    cur.executemany(_UPSERT_HOLDERS, [[*c, *v] for c, v in sorted(changes.items())])
    gone = [list(c) for c, v in sorted(changes.items()) if v[0] < 0 or v[1] < 0]
    if gone:
        cur.executemany(f"DELETE FROM {_HOLDERS} WHERE year = %s AND municipality_id = %s "  # noqa: S608
                        "AND site_id = %s AND offer_id = %s AND holders = 0 "
                        "AND holders_children = 0", gone)


def _holders_add(cur, use, municipality: str, sign: int) -> None:
    """One use recorded (sign=1, already saved) or cancelled (-1, already saved as such):
    its card counts in its cell when this is its first use there that year, and stops
    counting when it was its last (the same for uses with children's tickets)."""
    year = use.event_date.year
    cur.execute(_holders_sql().format(where="u.card_id = %s AND u.site_id = %s "
                                            "AND COALESCE(u.offer_id, 0) = %s"),
                [datetime.date(year, 1, 1), datetime.date(year, 12, 31), use.card_id,
                 use.site_id, use.offer_id or 0])
    row = cur.fetchone()
    n, nc = (row[4], row[5] or 0) if row else (0, 0)
    left = 1 if sign > 0 else 0  # the count that makes this use the first or the last
    changes = {(year, municipality, use.site_id, use.offer_id or 0): [
        sign if n == left else 0, sign if use.children and nc == left else 0]}
    _holders_apply(cur, changes)


def _holders_recorded(use, municipality: str) -> tuple[str, list]:
    """`_holders_add` of a recording as one upsert (a part of `rollup_add`'s statement on
    PostgreSQL): the cell gains the card when this is its only use there that year."""
    year = use.event_date.year
    mine = ("SELECT COUNT(*) AS n, SUM(CASE WHEN u.children > 0 THEN 1 ELSE 0 END) AS nc "
            "FROM usage_use u WHERE u.status = 'recorded' AND u.card_id = %s "
            "AND u.site_id = %s AND COALESCE(u.offer_id, 0) = %s AND u.event_date >= %s "
            "AND u.event_date <= %s")
    with_children = bool(use.children)
    sql = (f"INSERT INTO {_HOLDERS} (year, municipality_id, site_id, offer_id, holders, "  # noqa: S608
           "holders_children) SELECT %s, %s, %s, %s, CASE WHEN t.n = 1 THEN 1 ELSE 0 END, "
           "CASE WHEN %s AND t.nc = 1 THEN 1 ELSE 0 END "
           f"FROM ({mine}) t WHERE t.n = 1 OR (%s AND t.nc = 1) "
           "ON CONFLICT (year, municipality_id, site_id, offer_id) DO UPDATE SET "
           f"holders = {_HOLDERS}.holders + excluded.holders, "
           f"holders_children = {_HOLDERS}.holders_children + excluded.holders_children")
    return sql, [year, municipality, use.site_id, use.offer_id or 0, with_children,
                 use.card_id, use.site_id, use.offer_id or 0, datetime.date(year, 1, 1),
                 datetime.date(year, 12, 31), with_children]


def _holders_mine(uses: list) -> tuple[Counter, Counter]:
    """Each (card, year, site, offer) cell's uses in a file, and those with children's
    tickets (made beside the writes: `rollup_add_many`)."""
    mine = Counter([(u.card_id, u.event_date.year, u.site_id, u.offer_id or 0) for u in uses])
    mine_children = Counter([(u.card_id, u.event_date.year, u.site_id, u.offer_id or 0)
                             for u in uses if u.children])
    return mine, mine_children


def _holders_read(cur, card_ids: list[int], years: list[int], sites: list[int]) -> list:
    """The cards' recorded uses per (card, year, site, offer) at the sites in the years
    (`_holders_sql`): as they were before a file when read beside it (committed rows only),
    with the file's own when read in its transaction after they were saved."""
    # the file's sites too: the planner may read a site's uses of the year instead of each
    # card's (a file of many cards at a site with few other uses)
    by_site = _holders_sql().replace(
        "AND {where}", f"AND u.site_id IN ({', '.join(['%s'] * len(sites))}) AND {{where}}")
    return list(rows_where_any(
        cur, by_site, "u.card_id", card_ids,
        [datetime.date(years[0], 1, 1), datetime.date(years[-1], 12, 31), *sites]))


def _holders_add_many(cur, mine: tuple[Counter, Counter], counted: list, about: dict,
                      *, with_file: bool) -> None:
    """Many uses recorded (a file): a card counts in each cell where the file brings its
    first use of that year (it had none there before; the same for uses with children's
    tickets). `mine`: `_holders_mine` of the file; `counted`: `_holders_read` of its cards,
    `with_file` when the file's uses are among those counted."""
    mine, mine_children = mine
    earlier: dict = {}
    for card, year, site, offer, n, nc in counted:
        cell = (card, year, site, offer)
        if cell in mine:
            earlier[cell] = ((n - mine[cell], (nc or 0) - mine_children[cell]) if with_file
                             else (n, nc or 0))
    changes: dict = {}
    for cell in mine:
        had, had_children = earlier.get(cell, (0, 0))
        card, year, site, offer = cell
        acc = changes.setdefault((year, about[card][2], site, offer), [0, 0])
        acc[0] += 1 if had == 0 else 0
        acc[1] += 1 if mine_children[cell] and had_children == 0 else 0
    _holders_apply(cur, changes)


def _rebuild_place_holders(cur, years: list[int] | None) -> None:
    """The cards per (year, municipality, site, offer), of some years or all."""
    ywhere = ""
    if years is not None:
        ywhere = f"AND {_year_sql()} IN ({', '.join(['%s'] * len(years))})"
        MunicipalityPlaceHolders.objects.filter(year__in=years).delete()
    else:
        MunicipalityPlaceHolders.objects.all().delete()
    cur.execute(PLACE_HOLDERS_SQL.format(table=_HOLDERS, year=_year_sql(), where=ywhere),
                years or [])


# Every (year, municipality, site, offer) cell's cards from the uses; kept in words by the
# migration that added them (stats 0019).
PLACE_HOLDERS_SQL = (
    "INSERT INTO {table} (year, municipality_id, site_id, offer_id, holders, "
    "holders_children) SELECT {year}, COALESCE(c.municipality_id, ''), u.site_id, "
    "COALESCE(u.offer_id, 0), COUNT(DISTINCT u.card_id), "
    "COUNT(DISTINCT CASE WHEN u.children > 0 THEN u.card_id END) "
    "FROM usage_use u JOIN cards_card c ON c.id = u.card_id "
    "WHERE u.status = 'recorded' {where} GROUP BY {year}, COALESCE(c.municipality_id, ''), "
    "u.site_id, COALESCE(u.offer_id, 0)")


def _year_sql() -> str:
    if connection.vendor == "postgresql":
        return "CAST(EXTRACT(YEAR FROM u.event_date) AS INTEGER)"
    return "CAST(strftime('%%Y', u.event_date) AS INTEGER)"


def _month_sql() -> str:
    """models.month_number() of a use's date, in SQL."""
    if connection.vendor == "postgresql":
        return ("CAST(EXTRACT(YEAR FROM u.event_date) * 12 "
                "+ EXTRACT(MONTH FROM u.event_date) - 1 AS INTEGER)")
    return ("(CAST(strftime('%%Y', u.event_date) AS INTEGER) * 12 "
            "+ CAST(strftime('%%m', u.event_date) AS INTEGER) - 1)")


def rollup_add(*, use, sign: int) -> None:
    """Add (sign=1) or take away (sign=-1) one use. Runs in the caller's transaction; each
    upsert is atomic, so concurrent uses never lose a count."""
    from kaikukanta.cards.models import Card

    # the card's row lock keeps its months in order: a recording holds it already (and
    # has the card loaded); a cancellation takes it here
    card = use.card if type(use)._meta.get_field("card").is_cached(use) else None
    if card is not None and sign > 0:
        unit_id, stats_key, muni = card.unit_id, card.stats_key, card.municipality_id
    else:
        unit_id, stats_key, muni = Card.objects.select_for_update().filter(
            pk=use.card_id).values_list("unit_id", "stats_key", "municipality_id").first() or (
            None, 0, None)
    key = _use_key(use, unit_id, muni)
    values = [sign, sign * use.children, sign if use.companion else 0,
              sign if use.children else 0]
    year = use.event_date.year
    card_area = key["card_area_id"]
    month = month_number(use.event_date)
    # part of the caller's transaction (no savepoint of its own: an error fails the write)
    with transaction.atomic(savepoint=False), connection.cursor() as cur:
        upserts = [(sql, [key[d] for d in dims] + values) for _model, dims, sql in _UPSERTS]
        upserts += [(_UPSERT_CARDYEAR, [use.card_id, year, card_area, key["unit_id"], sign]),
                    (_UPSERT_CARDMONTH + " RETURNING uses", [
                        use.card_id, card_area, month, key["unit_id"], key["municipality_id"],
                        stats_key or 0, sign])]
        around = []  # a recording's day in the rows before and after its month
        if sign > 0:
            day, timeline = use.event_date, [use.card_id, card_area, month]
            row, near = _recorded_day_sql()
            upserts[-1] = (row, [*upserts[-1][1], day, day, *timeline, *timeline])
            around = [(near, [month, day, day, month, month, month, *timeline, *timeline])]
        months_sql = (f"SELECT month FROM {_CARDMONTH} WHERE card_id = %s "  # noqa: S608
                      "AND card_area_id = %s AND uses > 0")
        if connection.vendor == "postgresql":
            # one statement: every upsert, and the card's months as they were before it
            # (a statement's sub-queries see the rows as they were when it began)
            n = len(_UPSERTS)  # the card-year and card-month upserts come after the rollups
            last = (f"SELECT (SELECT uses FROM s{n}), (SELECT uses FROM s{n + 1}), "  # noqa: S608
                    f"ARRAY({months_sql})")
            # a recording's holder count rides along (its use is saved: a statement before)
            both = upserts + around + ([_holders_recorded(use, key["municipality_id"]),
                                        unitcards.recorded(use, key["unit_id"])]
                                       if sign > 0 else [])
            if sign > 0:  # the most uses of one card grows to this card's, when more
                both.append((_MOST_USES_GROWS_WITH.format(year=f"s{n}"), [year, card_area]))
            cur.execute(_together(both, last),
                        [p for _sql, ps in both for p in ps] + [use.card_id, card_area])
            year_uses, month_uses, earlier = cur.fetchone()
            earlier = set(earlier)
        else:
            for sql, params in upserts[:-1]:
                cur.execute(sql, params)
            year_uses = cur.fetchone()[0]
            if sign > 0 and year_uses > 1:  # (a first use: the card count's upsert below)
                cur.execute(_MOST_USES_GROWS, [year_uses, year, card_area, year_uses])
            cur.execute(months_sql, [use.card_id, card_area])
            earlier = {r[0] for r in cur.fetchall()}
            cur.execute(*upserts[-1])
            month_uses = cur.fetchone()[0]
            for sql, params in around:
                cur.execute(sql, params)
            if sign > 0:
                cur.execute(*unitcards.recorded(use, key["unit_id"]))
        follow = []
        if sign > 0 and year_uses == 1:  # the card's first use in the year
            follow.append((_upsert_used_sql(), [year, card_area, 1, 1]))
        elif sign < 0:  # its last (one card fewer), or it had the most uses (read again)
            fewer = -1 if year_uses == 0 else 0
            follow.append((_USED_CANCELLED, [fewer, year_uses + 1, year, card_area, year,
                                             card_area, fewer, year_uses + 1]))
        changes = {}
        if month_uses == (1 if sign > 0 else 0):  # the card's first / last use in the month
            before, now = earlier, (earlier | {month} if sign > 0 else earlier - {month})
            changes = {(card_area, key["unit_id"], key["municipality_id"], m, p):
                       [n, n * (stats_key or 0)]
                       for (m, p), n in _timeline_change(before, now).items()}
        if changes and all(n > 0 for n, _k in changes.values()):  # nothing to remove
            for _model, dim, sql in _UPSERT_HIST:
                follow += [(sql, [cell[_CELL_AT[dim]], m, p, n, k])
                           for (*cell, m, p), (n, k) in sorted(changes.items())]
            changes = {}
        if follow and connection.vendor == "postgresql":
            cur.execute(_together(follow, "SELECT 1"), [p for _s, ps in follow for p in ps])
        else:
            for sql, params in follow:
                cur.execute(sql, params)
        if changes:
            _histograms_apply(cur, changes)
        if sign < 0 or connection.vendor != "postgresql":
            _holders_add(cur, use, key["municipality_id"], sign)
        if sign < 0:
            CardMonthUse.objects.filter(card_id=use.card_id, card_area_id=card_area,
                                        month=month, uses=0).delete()
        if sign < 0:
            _days_refresh(cur, [(use.card_id, card_area, month)])
            # (after the card-month rows: they find the cell's cards)
            unitcards.cancelled(cur, use, key["unit_id"])
        if sign < 0:
            for model, dims, _sql in _UPSERTS:
                model.objects.filter(**{d: key[d] for d in dims}, uses=0, children=0,
                                     companions=0, with_children=0).delete()
            CardYearUse.objects.filter(card_id=use.card_id, year=year, card_area_id=card_area,
                                       uses=0).delete()
            CardsUsedYear.objects.filter(year=year, card_area_id=card_area, cards=0).delete()


_UPSERT_CARDYEAR_MANY = _UPSERT_CARDYEAR.removesuffix(" RETURNING uses")


def _use_key(use, unit_id: int | None, municipality_id: str | None) -> dict:
    return {"day": use.event_date, "month": month_number(use.event_date),
            "area_id": use.area_id, "category": use.category,
            "card_area_id": use.card_area_id or 0, "venue_id": use.venue_id,
            "site_id": use.site_id, "offer_id": use.offer_id or 0,
            "seller_id": use.seller_id or 0, "unit_id": unit_id or 0,
            "municipality_id": municipality_id or ""}


# From this many uses (more than the usage app's `imports.WORKER_FROM`: a file the
# background worker saves, never a web request), in an outermost transaction on
# PostgreSQL, the card rows as they were before the file are read on a connection of
# their own while this one writes (`rollup_add_many`).
READ_BESIDE_FROM = 5_001


def rollup_add_many(*, uses) -> None:
    """Add many new recorded uses at once (a file import), in the caller's transaction:
    one upsert per rollup row they touch (day, offer …) and one per card and year. The
    caller holds the cards' row locks, so the card-year rows read here do not change
    before they are written. The uses are counted twice, by their place (a file has few
    such groups) and by their card's unit; each rollup is summed from one of the two. A
    card's month timeline changes only where the file brings it a month it did not have
    (`_months_added`, `_cells_added`); the card-month rows' previous day and next month
    are set in the rows the file makes and changed only in the rows around them and after
    a later last day (`_timeline_days`).

    The place and unit sums (and the file's cells of the municipality place holders) are
    made in a thread while the card rows are written. For a large file, when the caller's
    transaction is the outermost one (a file import's: its cards are locked and it wrote
    none of their rollup rows before this), the card rows and the cards' uses at the
    file's site as they were before are read on a connection of its own, beside the
    writes here: it sees only committed rows, which for the locked cards are those this
    transaction saw before it wrote."""
    uses = list(uses)
    if not uses:
        return
    month_of = {day: month_number(day) for day in {u.event_date for u in uses}}
    # (the waiting thread holds no interpreter lock: `lib.beside`)
    place_groups = beside(lambda: (_groups(uses, month_of), _holders_mine(uses)),
                          name="rollup-groups")
    try:
        _rollups_add(uses, month_of, place_groups)
    finally:
        place_groups()


def _rollups_add(uses: list, month_of: dict, place_groups) -> None:
    card_years = Counter([(u.card_id, u.event_date.year, u.card_area_id or 0) for u in uses])
    card_months = Counter([(u.card_id, u.card_area_id or 0, month_of[u.event_date])
                           for u in uses])
    about = {u.card_id: (u.card.unit_id or 0, u.card.stats_key or 0,
                         u.card.municipality_id or "") for u in uses}
    month_days: dict = {}  # each card-month cell's first and last day in the file
    for u in uses:
        cell = (u.card_id, u.card_area_id or 0, month_of[u.event_date])
        got = month_days.get(cell)
        month_days[cell] = ((u.event_date, u.event_date) if got is None else
                            (min(got[0], u.event_date), max(got[1], u.event_date)))
    years = sorted({y for _c, y, _a in card_years})
    card_ids = sorted(about)
    cells = list(card_months)
    read_beside = (len(uses) >= READ_BESIDE_FROM and connection.vendor == "postgresql"
                   and len(connection.atomic_blocks) == 1)
    sites = sorted({u.site_id for u in uses})  # (a file is one site's)
    before = (beside(lambda: _read_before(years, card_ids, cells, month_days, sites),
                     name="rollup-reads") if read_beside else None)
    try:
        with transaction.atomic(savepoint=False), connection.cursor() as cur:
            if before is None:
                existing, fresh_months, (made, changed), counted = _read_before(
                    years, card_ids, cells, month_days, sites)
            _upsert_many(cur, _CARDYEAR, ("card_id", "year", "card_area_id"), ("uses",), [
                [card, year, area, about[card][0], n]
                for (card, year, area), n in sorted(card_years.items())],
                _UPSERT_CARDYEAR_MANY, extra=("unit_id",))
            groups, mine = place_groups()
            for model, dims, sql in _UPSERTS:
                _upsert_many(cur, model._meta.db_table, dims, MEASURES,
                             [[*k, *v] for k, v in sorted(groups[model].items())], sql)
            _upsert_many(cur, unitcards.TABLE, ("unit_id", "day", "category"), (),
                         unitcards.rows_of(uses, lambda u: about[u.card_id][0]),
                         unitcards.upsert_sql(), extra=UNIT_CARDS, merge=unitcards.merges())
            if before is not None:
                existing, fresh_months, (made, changed), counted = before()
            # each card-month row's first and last day: the file's, or the row's own when
            # earlier or later; a new row's previous day and next month, and the rows
            # around it and after a later last day (`_timeline_days`)
            # (the rows that only change are in the same upsert, adding no use: one index
            # probe each, as the conflict's)
            _upsert_many(cur, _CARDMONTH, ("card_id", "card_area_id", "month"), ("uses",), [
                [card, area, month, about[card][0], about[card][2], about[card][1],
                 *month_days.get((card, area, month), (None, None)),
                 *(made.get((card, area, month)) or changed.get((card, area, month))
                   or (None, None)),
                 card_months.get((card, area, month), 0)]
                for card, area, month in sorted(card_months.keys() | changed.keys())],
                _upsert_card_months_sql(),
                extra=("unit_id", "municipality_id", "stats_key", "first_day", "last_day",
                       "prev_day", "next_month"),
                merge=_CARDMONTH_MERGE)
            newly_used = Counter([(year, area) for card, year, area in card_years
                                  if (card, year, area) not in existing])
            # the most uses of one card in each year and area the file touched: its cards'
            # rows as they are now (another card's cannot have grown)
            most: dict = {}
            for year, area, n in rows_where_any(
                    cur, f"SELECT year, card_area_id, MAX(uses) FROM {_CARDYEAR} "  # noqa: S608
                    f"WHERE year IN ({', '.join(['%s'] * len(years))}) AND {{where}} "
                    "GROUP BY year, card_area_id", "card_id", card_ids, years):
                most[(year, area)] = max(n, most.get((year, area), 0))
            cur.executemany(_upsert_used_sql(), [
                [year, area, newly_used.get((year, area), 0), n]
                for (year, area), n in sorted(most.items())])
            changes: dict = {}
            for (card, area), fresh in fresh_months.items():
                unit, stats_key, muni = about[card]
                for cell, sign in _cells_added(fresh):
                    acc = changes.get((area, unit, muni, *cell))
                    if acc is None:
                        acc = changes[(area, unit, muni, *cell)] = [0, 0]
                    acc[0] += sign
                    acc[1] += sign * stats_key
            _histograms_apply(cur, changes)
            # read beside: the cards' uses before the file; else after it was saved
            _holders_add_many(cur, mine, counted, about, with_file=before is None)
    finally:
        if before is not None:
            before()


def _read_before(years: list[int], card_ids: list[int], cells: list, month_days: dict,
                 sites: list[int]) -> tuple[set, dict, tuple[dict, dict], list]:
    """Before the uses are added: the cards' (card, year, area) rows that exist, the months
    the uses bring their cards (`_months_added`), what the card-month rows' previous
    day and next month become (`_timeline_days`, made here: beside the writes for a large
    file), and the cards' uses per year, site and offer at the file's sites
    (`_holders_read`; beside the writes, the uses before the file)."""
    with connection.cursor() as cur:
        existing = set(rows_where_any(
            cur, f"SELECT card_id, year, card_area_id FROM {_CARDYEAR} "  # noqa: S608
            f"WHERE year IN ({', '.join(['%s'] * len(years))}) AND {{where}}",
            "card_id", card_ids, years))
        fresh, lasts, nexts = _months_added(cur, cells)
        counted = _holders_read(cur, card_ids, years, sites)
    return existing, fresh, _timeline_days(month_days, fresh, lasts, nexts), counted


def _groups(uses: list, month_of: dict) -> dict:
    """{rollup model: {cell: [uses, children, companions, with children]}} of the uses."""
    by_place = Counter([(u.event_date, u.area_id, u.category, u.card_area_id or 0, u.venue_id,
                         u.site_id, u.offer_id or 0, u.seller_id or 0, u.children,
                         bool(u.companion)) for u in uses])
    by_unit = Counter([(u.event_date, u.card.unit_id or 0, u.category, u.children,
                        bool(u.companion)) for u in uses])
    by_muni = Counter([(u.event_date, u.card.municipality_id or "", u.category, u.site_id,
                        u.offer_id or 0, u.children, bool(u.companion)) for u in uses])
    groups: dict = {}
    for model, dims, _sql in _UPSERTS:
        by_month = dims[0] == "month"  # (a month rollup: the month is the first dimension)
        if "unit_id" in dims:
            source, names = by_unit, ("day", "unit_id", "category")
        elif "municipality_id" in dims:
            source, names = by_muni, ("day", "municipality_id", "category", "site_id",
                                      "offer_id")
        else:
            source, names = by_place, ("day", "area_id", "category", "card_area_id",
                                       "venue_id", "site_id", "offer_id", "seller_id")
        cell_of = itemgetter(*[names.index(d) for d in dims[by_month:]])
        acc_of = groups[model] = {}
        for key, n in source.items():
            children, companion = key[-2], key[-1]
            cell = cell_of(key)
            if by_month:
                cell = (month_of[key[0]], *cell)
            acc = acc_of.get(cell)
            if acc is None:
                acc = acc_of[cell] = [0, 0, 0, 0]
            acc[0] += n
            acc[1] += n * children
            acc[2] += n if companion else 0
            acc[3] += n if children else 0
    return groups


def _month_bounds(month: int) -> tuple[str, str]:
    """The first and last day of a month (`month_number`), as ISO dates."""
    first = datetime.date(month // 12, month % 12 + 1, 1)
    after = (first + datetime.timedelta(days=32)).replace(day=1)
    return first.isoformat(), (after - datetime.timedelta(days=1)).isoformat()


def _cells_sql(cells: list[tuple[int, int, int]]) -> tuple[str, list]:
    """The (card, card's area, month) cells with their month's first and last day as a
    WITH clause `t(card_id, area, month, s, e)`: one array parameter per column on
    PostgreSQL, a VALUES list elsewhere."""
    rows = [(card, area, month, *_month_bounds(month)) for card, area, month in cells]
    if connection.vendor == "postgresql":
        return ("t(card_id, area, month, s, e) AS (SELECT * FROM unnest(%s::bigint[], "
                "%s::bigint[], %s::integer[], %s::date[], %s::date[]))",
                [_int_array(c) if i < 3 else "{" + ",".join(c) + "}"
                 for i, c in enumerate(zip(*rows, strict=True))])
    return ("t(card_id, area, month, s, e) AS (VALUES "
            + ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows)) + ")",
            [v for row in rows for v in row])


_DAYS_CHUNK = 1000  # cells per statement on SQLite (five parameters each)


def _days_refresh(cur, cells: list[tuple[int, int, int]]) -> None:
    """Bring the day columns of the card-month rows (`CardMonthUse.first_day` …) up to date
    after uses of these (card, card's area, month) cells were recorded or cancelled: the
    cells' first and last day from their uses (the card's date index, one month each),
    then the previous day and next month of the cells and of the rows before and after
    them, from the card-month rows. Rows already right are not written. One recorded use
    changes them in its own statement instead (`_recorded_day_sql`); a file's uses, with
    the rows they write (`_timeline_days`)."""
    if not cells:
        return
    step = len(cells) if connection.vendor == "postgresql" else _DAYS_CHUNK
    for i in range(0, len(cells), step):
        cte, params = _cells_sql(cells[i:i + step])
        day = ("SELECT {f}(u.event_date) FROM usage_use u WHERE u.card_id = t.card_id "
               "AND COALESCE(u.card_area_id, 0) = t.area AND u.status = 'recorded' "
               "AND u.event_date >= t.s AND u.event_date <= t.e")
        cur.execute(
            f"WITH {cte}, x AS (SELECT t.card_id, t.area, t.month, "  # noqa: S608
            f"({day.format(f='MIN')}) AS f, ({day.format(f='MAX')}) AS l FROM t) "
            f"UPDATE {_CARDMONTH} SET first_day = x.f, last_day = x.l FROM x "
            f"WHERE {_CARDMONTH}.card_id = x.card_id AND {_CARDMONTH}.card_area_id = x.area "
            f"AND {_CARDMONTH}.month = x.month AND ({_CARDMONTH}.first_day IS DISTINCT "
            f"FROM x.f OR {_CARDMONTH}.last_day IS DISTINCT FROM x.l)", params)
        # each cell's row (C, if it still has uses), the row before it (P) and the row
        # after it (N), as they are now: C takes P's last day and N's month, N takes the
        # last day of C (or of P when C is gone), P takes C's month (or N's); a row that
        # is two cells' neighbour gets the same values from both
        cur.execute(
            f"WITH {cte}, z AS ({_around_sql()}), u(id, set_p, p, set_n, n) AS ("  # noqa: S608
            "SELECT cid, 1, pl, 1, nm FROM z WHERE cid IS NOT NULL "
            "UNION ALL SELECT nid, 1, CASE WHEN cid IS NULL THEN pl ELSE cl END, 0, NULL "
            "FROM z WHERE nid IS NOT NULL "
            "UNION ALL SELECT pid, 0, NULL, 1, CASE WHEN cid IS NULL THEN nm ELSE month END "
            "FROM z WHERE pid IS NOT NULL), "
            "x AS (SELECT id, MAX(set_p) AS set_p, MAX(p) AS p, MAX(set_n) AS set_n, "
            "MAX(n) AS n FROM u GROUP BY id) "
            f"UPDATE {_CARDMONTH} SET prev_day = CASE WHEN x.set_p = 1 THEN x.p "
            f"ELSE {_CARDMONTH}.prev_day END, next_month = CASE WHEN x.set_n = 1 THEN x.n "
            f"ELSE {_CARDMONTH}.next_month END FROM x WHERE {_CARDMONTH}.id = x.id AND "
            f"((x.set_p = 1 AND {_CARDMONTH}.prev_day IS DISTINCT FROM x.p) "
            f"OR (x.set_n = 1 AND {_CARDMONTH}.next_month IS DISTINCT FROM x.n))", params)


def _around_sql() -> str:
    """For each cell of `t` (`_cells_sql`): its card-month row (cid, its last day cl), the
    row after it (nid, its month nm) and the row before it (pid, its last day pl), each
    found by one index probe."""
    same = "c.card_id = t.card_id AND c.card_area_id = t.area"
    cell = (f"SELECT t.card_id, t.area, t.month, c.id AS cid, c.last_day AS cl "  # noqa: S608
            f"FROM t LEFT JOIN {_CARDMONTH} c ON {same} AND c.month = t.month")
    if connection.vendor == "postgresql":
        return (f"SELECT t.month, t.cid, t.cl, n.id AS nid, n.month AS nm, p.id AS pid, "  # noqa: S608
                f"p.last_day AS pl FROM ({cell}) t LEFT JOIN LATERAL (SELECT c.id, c.month "
                f"FROM {_CARDMONTH} c WHERE {same} AND c.month > t.month ORDER BY c.month "
                "LIMIT 1) n ON TRUE LEFT JOIN LATERAL (SELECT c.id, c.last_day FROM "
                f"{_CARDMONTH} c WHERE {same} AND c.month < t.month ORDER BY c.month DESC "
                "LIMIT 1) p ON TRUE")

    def near(column: str, op: str, order: str) -> str:
        return (f"(SELECT c.{column} FROM {_CARDMONTH} c WHERE {same} "  # noqa: S608
                f"AND c.month {op} t.month ORDER BY c.month {order} LIMIT 1)")

    return (f"SELECT t.month, t.cid, t.cl, {near('id', '>', 'ASC')} AS nid, "  # noqa: S608
            f"{near('month', '>', 'ASC')} AS nm, {near('id', '<', 'DESC')} AS pid, "
            f"{near('last_day', '<', 'DESC')} AS pl FROM ({cell}) t")


def _int_array(values) -> str:
    """A PostgreSQL array literal of integers (a parameter psycopg need not adapt one by one)."""
    return "{" + ",".join(map(str, values)) + "}"


def _months_added(cur, cells: list[tuple[int, int, int]]) -> tuple[dict, dict, dict]:
    """Of the (card, card's area, month) cells, before the uses are added: those whose card
    had no use in the month yet, each with the card's previous and next month of use
    (0 and None when none), {(card, area): [(month, previous, next), …]}; the last day
    of the months the cards had among the cells and of those previous months,
    {(card, area, month): day}; and the next month of the cells the cards had,
    {(card, area, month): month or None}. On PostgreSQL one index probe per cell the card
    had and three per new one; elsewhere from the cards' rows."""
    fresh: dict = {}
    lasts: dict = {}
    nexts: dict = {}
    if connection.vendor == "postgresql":
        same = "x.card_id = t.card_id AND x.card_area_id = t.area"
        cur.execute(
            "SELECT t.card_id, t.area, t.month, c.id IS NOT NULL, c.last_day, c.next_month, "  # noqa: S608
            f"p.month, p.last_day, (SELECT min(x.month) FROM {_CARDMONTH} x WHERE "
            f"c.id IS NULL AND {same} AND x.month > t.month) FROM unnest(%s::bigint[], "
            "%s::bigint[], %s::integer[]) AS t(card_id, area, month) "
            f"LEFT JOIN {_CARDMONTH} c ON c.card_id = t.card_id AND c.card_area_id = t.area "
            "AND c.month = t.month LEFT JOIN LATERAL (SELECT x.month, x.last_day FROM "
            f"{_CARDMONTH} x WHERE c.id IS NULL AND {same} AND x.month < t.month "
            "ORDER BY x.month DESC LIMIT 1) p ON TRUE",
            [_int_array(column) for column in zip(*cells, strict=True)])
        for card, area, month, had, last, following, previous, previous_last, after in (
                cur.fetchall()):
            if had:
                lasts[(card, area, month)] = last
                nexts[(card, area, month)] = following
                continue
            fresh.setdefault((card, area), []).append((month, previous or 0, after))
            if previous is not None:
                lasts[(card, area, previous)] = previous_last
        return fresh, lasts, nexts
    before: dict = {}
    for card, area, month, last, following in rows_where_any(
            cur, f"SELECT card_id, card_area_id, month, last_day, next_month "  # noqa: S608
            f"FROM {_CARDMONTH} WHERE {{where}}", "card_id",
            sorted({c for c, _a, _m in cells})):
        before.setdefault((card, area), {})[month] = (last, following)
    for card, area, month in cells:
        old = before.get((card, area), {})
        if month in old:
            lasts[(card, area, month)], nexts[(card, area, month)] = old[month]
            continue
        cell = neighbours(old, month)
        fresh.setdefault((card, area), []).append(cell)
        if cell[1]:
            lasts[(card, area, cell[1])] = old[cell[1]][0]
    return fresh, lasts, nexts


def _timeline_days(month_days: dict, fresh: dict, lasts: dict, nexts: dict
                   ) -> tuple[dict, dict]:
    """The card-month rows' previous day and next month after a file's uses are added
    (`month_days`: each (card, area, month) cell's first and last day in the file; the
    rest as `_months_added` read it before): {new cell: (previous day, next month)} for
    the rows the file makes, and {row: (previous day or None, next month or None)} for
    the rows the cards had whose values change (None: unchanged). Those are the rows just before and
    after each run of new months, and the row after a month the card had whose last day
    the file moved later. Any other row keeps its values."""
    made: dict = {}
    changed: dict = {}

    def change(cell, at: int, value) -> None:
        acc = changed.get(cell)
        if acc is None:
            acc = changed[cell] = [None, None]
        acc[at] = value

    new_of: dict = {}
    for (card, area), cells in fresh.items():
        new_of[(card, area)] = sorted(m for m, _p, _n in cells)

    def last_of(card, area, month):
        """The month's last day after the file (the file's, or the row's own when later)."""
        in_file = month_days.get((card, area, month))
        had = lasts.get((card, area, month))
        if had is None:
            return in_file[1]
        return had if in_file is None or in_file[1] <= had else in_file[1]

    for (card, area), cells in fresh.items():
        cells = sorted(cells)
        for i, (month, previous, following) in enumerate(cells):
            before = cells[i - 1][0] if i else 0
            after = cells[i + 1][0] if i + 1 < len(cells) else None
            pred = max(previous, before)
            succ = (following if after is None else after if following is None
                    else min(following, after))
            made[(card, area, month)] = (last_of(card, area, pred) if pred else None, succ)
            if previous and before < previous:  # the first new month after that old one
                change((card, area, previous), 1, month)
            if following is not None and (after is None or after > following):
                change((card, area, following), 0, month_days[(card, area, month)][1])
    for (card, area, month), following in nexts.items():
        if following is None:
            continue
        had, in_file = lasts[(card, area, month)], month_days[(card, area, month)][1]
        if in_file <= had:
            continue
        if any(month < m < following for m in new_of.get((card, area), ())):
            continue  # the row after it is a new one (made above, with this last day)
        change((card, area, following), 0, in_file)
    return made, changed


def neighbours(months, month: int) -> tuple[int, int, int | None]:
    """(month, the previous of `months` before it or 0, the next after it or None)."""
    return (month, max((m for m in months if m < month), default=0),
            min((m for m in months if m > month), default=None))


def _cells_added(fresh: list[tuple[int, int, int | None]]) -> list[tuple[tuple[int, int], int]]:
    """How a card's timeline cells (month, previous used month) change when months it did
    not have are added, given as `neighbours` in its old months: the same as
    `_timeline_change(old, old | added)` without reading the whole timeline. A new month
    gets a cell after the later of its old previous month and the new month before it;
    the old month that follows new months now follows the last of them."""
    fresh = sorted(fresh)
    cells = []
    last_new = 0
    for i, (month, previous, following) in enumerate(fresh):
        cells.append(((month, max(previous, last_new)), 1))
        last_new = month
        if following is not None and (i + 1 == len(fresh) or fresh[i + 1][0] > following):
            cells += [((following, previous), -1), ((following, month), 1)]
    return cells


def rollup_rebuild(*, start: datetime.date | None = None, end: datetime.date | None = None,
                   days: Iterable[datetime.date] | None = None,
                   card_years: bool = True, months: bool = True) -> int:
    """Recompute the rollups from the uses: all of them, a date range, or some days (with
    `card_years`, the yearly card counts of the years touched are recomputed whole; with
    `months`, the monthly rollups of the months touched, whole). Returns the number of
    daily area rows written. One transaction: readers never see it half done."""
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
            if model in MONTH_ROLLUPS:
                if months:
                    _rebuild_month_rollup(cur, model, dims, where, params, whole=not lookup)
                continue
            model.objects.filter(**lookup).delete()
            exprs = ", ".join(_SQL_OF[d] for d in dims)
            join = _card_join(dims)
            cur.execute(
                f"INSERT INTO {model._meta.db_table} ({', '.join(dims + MEASURES)}) "  # noqa: S608
                f"SELECT {exprs}, {_MEASURE_SQL} FROM usage_use u {join} "
                f"WHERE u.status = 'recorded' {where} GROUP BY {exprs}", params)
            if model is UseAreaDay:
                n = cur.rowcount
        UnitDayCards.objects.filter(**lookup).delete()
        unitcards.rebuild(cur, where, params)
        if card_years:
            _rebuild_card_years(cur, where, params, whole=not lookup)
            _rebuild_card_months(cur)
            # the place holders of the years touched, each whole
            years = _touched(cur, _year_sql(), where, params) if lookup else None
            if years != []:
                _rebuild_place_holders(cur, years)
        if card_years and not lookup:  # a whole rebuild: the card spans too
            from kaikukanta.stats import cardspan

            cardspan.rebuild()
        if not lookup:
            rollups_in_read_order(cur)
    from kaikukanta.stats.cache import on_rebuild

    transaction.on_commit(on_rebuild)  # cached dashboards are stale now
    return n


# The rollups that the national and area dashboards read by ranges of days (or of grains
# and days), each with the index in whose order they read: the daily area and cross-area
# rows by day, the card and holder spans by their cell (an area's rows, and the rows of
# the whole network, together). A rebuild inserts rows in the order its GROUP BY makes
# them, which spreads a day's rows over the whole table: at national scale a custom
# period's sums read every page of `stats_useareaday` (1,799 pages for 16,431 rows) and
# 695 pages for 1,554 card span rows. Live writes append each new day's rows at the end,
# in day order, as this puts them.
READ_ORDER = (("stats_useareaday", "stats_useareaday_cell"),
              ("stats_usecrossday", "stats_usecrossday_cell"),
              ("stats_cardspan", "stats_cardspan_cell"),
              ("stats_holderspan", "stats_holderspan_cell"))


def rollups_in_read_order(cur) -> None:
    """Rewrite the READ_ORDER tables in the order of their reading index (PostgreSQL's
    `CLUSTER`; it holds the table's lock until the transaction ends, so a rebuild does it
    last) and refresh their statistics. Elsewhere nothing."""
    if connection.vendor != "postgresql":
        return
    for table, index in READ_ORDER:
        cur.execute(f"CLUSTER {table} USING {index}")
        cur.execute(f"ANALYZE {table}")


def _card_join(dims: tuple[str, ...]) -> str:
    """The join to the use's card when a rollup keys on the card's unit or municipality."""
    return "JOIN cards_card c ON c.id = u.card_id" if set(dims) & set(CARD_DIMS) else ""


def _touched(cur, period_sql: str, where: str, params: list) -> list:
    """The months or years (`period_sql` over a use `u`) of the uses in `where`, sorted."""
    cur.execute(f"SELECT DISTINCT {period_sql} FROM usage_use u "  # noqa: S608
                f"WHERE 1 = 1 {where}", params)
    return sorted(r[0] for r in cur.fetchall())


def _rebuild_month_rollup(cur, model, dims: tuple[str, ...], where: str, params: list,
                          whole: bool) -> None:
    """A monthly rollup, all of it or the months with a use in `where`, each whole."""
    mwhere, mparams = "", []
    if not whole:
        months = _touched(cur, _month_sql(), where, params)
        if not months:
            return
        mwhere = f"AND {_month_sql()} IN ({', '.join(['%s'] * len(months))})"
        mparams = months
        model.objects.filter(month__in=months).delete()
    else:
        model.objects.all().delete()
    exprs = ", ".join(_month_sql() if d == "month" else _SQL_OF[d] for d in dims)
    cur.execute(
        f"INSERT INTO {model._meta.db_table} ({', '.join(dims + MEASURES)}) "  # noqa: S608
        f"SELECT {exprs}, {_MEASURE_SQL} FROM usage_use u {_card_join(dims)} "
        f"WHERE u.status = 'recorded' {mwhere} GROUP BY {exprs}", mparams)


def _rebuild_card_years(cur, where: str, params: list, whole: bool) -> None:
    years = None
    if not whole:
        years = _touched(cur, _year_sql(), where, params)
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
        f"INSERT INTO {_USED} (year, card_area_id, cards, most_uses) "  # noqa: S608
        f"SELECT year, card_area_id, COUNT(*), MAX(uses) FROM {_CARDYEAR} {yw} "
        "GROUP BY year, card_area_id", years or [])


# Every card-month row from the uses, with its days (`CardMonthUse`); kept in words by the
# migration that added the days (stats 0015), the card's municipality since stats 0021.
CARD_MONTHS_SQL = (
    "INSERT INTO {table} (card_id, card_area_id, month, unit_id, municipality_id, uses, "
    "stats_key, first_day, last_day, prev_day, next_month) "
    "SELECT card_id, area, month, unit_id, municipality_id, n, stats_key, f, l, "
    "LAG(l) OVER (PARTITION BY card_id, area ORDER BY month), "
    "LEAD(month) OVER (PARTITION BY card_id, area ORDER BY month) FROM ("
    "SELECT u.card_id, COALESCE(u.card_area_id, 0) AS area, {month} AS month, "
    "COALESCE(MAX(c.unit_id), 0) AS unit_id, "
    "COALESCE(MAX(c.municipality_id), '') AS municipality_id, COUNT(*) AS n, "
    "COALESCE(MAX(c.stats_key), 0) AS stats_key, MIN(u.event_date) AS f, "
    "MAX(u.event_date) AS l FROM usage_use u JOIN cards_card c ON c.id = u.card_id "
    "WHERE u.status = 'recorded' GROUP BY u.card_id, COALESCE(u.card_area_id, 0), {month}"
    ") g")


def _rebuild_card_months(cur) -> None:
    """The card-month rows and both histograms, always whole (a card's timeline runs
    across years)."""
    for model in (CardMonthUse, UsedMonthArea, UsedMonthUnit, UsedMonthMunicipality):
        model.objects.all().delete()
    cur.execute(CARD_MONTHS_SQL.format(table=_CARDMONTH, month=_month_sql()), [])
    for model, dim in _HISTOGRAMS:
        # the card's municipality is its own (now), the others the card-month row's
        of = ("COALESCE(c.municipality_id, '')" if dim == "municipality_id"
              else f"m.{dim}")
        cur.execute(
            f"INSERT INTO {model._meta.db_table} ({dim}, month, prev, cards, key_sum) "  # noqa: S608
            f"SELECT {dim}, month, prev, COUNT(*), SUM(stats_key) FROM ("
            f"SELECT {of} AS {dim}, m.month, COALESCE(LAG(m.month) OVER ("
            "PARTITION BY m.card_id, m.card_area_id ORDER BY m.month), 0) AS prev, "
            "COALESCE(c.stats_key, 0) AS stats_key "
            f"FROM {_CARDMONTH} m JOIN cards_card c ON c.id = m.card_id) t "
            f"GROUP BY {dim}, month, prev")


def rollup_rebuild_card(*, card) -> int:
    """After a card moved to another unit: rebuild the days with its uses (the card-year
    counts do not depend on the unit)."""
    from kaikukanta.usage.models import Use

    days = list(Use.objects.filter(card=card).values_list("event_date", flat=True).distinct())
    with transaction.atomic():
        CardYearUse.objects.filter(card_id=card.pk).update(unit_id=card.unit_id or 0)
        _card_months_move(card)
        # the site rollups do not depend on the card's unit: its months are not rebuilt
        return rollup_rebuild(days=days, card_years=False, months=False)


def _card_months_move(card) -> None:
    """The card's cells of the unit histogram go from its old unit to its new one."""
    timelines: dict = {}
    for area, month, unit in CardMonthUse.objects.filter(card_id=card.pk, uses__gt=0).values_list(
            "card_area_id", "month", "unit_id"):
        timelines.setdefault((area, unit), set()).add(month)
    new_unit = card.unit_id or 0
    changes: dict = {}
    key = card.stats_key or 0
    muni = card.municipality_id or ""
    for (area, unit), months in timelines.items():
        if unit == new_unit:
            continue
        for m, p in _timeline(months):
            for u, n in ((unit, -1), (new_unit, 1)):
                acc = changes.setdefault((area, u, muni, m, p), [0, 0])
                acc[0] += n
                acc[1] += n * key
    CardMonthUse.objects.filter(card_id=card.pk).update(unit_id=new_unit)
    # the area and municipality histograms are unchanged: the same cells leave and come back
    with connection.cursor() as cur:
        _histograms_apply(cur, changes)


def rollup_card_municipality(*, card_id: int, old: str | None, new: str | None,
                             stats_key: int | None) -> None:
    """A card's municipality of residence changed (any save of its row, see
    `cardspan.card_saved`): its uses and its cells of the month histogram go from the old
    municipality's rows to the new one's, and its card-month rows take the new one, in the
    saver's transaction. The municipality
    rollups count the uses of a municipality's residents as they are now, like the card
    spans behind the same dashboard's card figures; one card's uses, read through the use
    table's card index."""
    from kaikukanta.usage.models import Use, UseStatus

    old, new = old or "", new or ""
    if old == new:
        return
    uses = list(Use.objects.filter(card_id=card_id, status=UseStatus.RECORDED).values_list(
        "event_date", "category", "site_id", "offer_id", "children", "companion"))
    if not uses:
        return
    with transaction.atomic(savepoint=False), connection.cursor() as cur:
        for model, dims, sql in _UPSERTS:
            if "municipality_id" not in dims:
                continue
            cells: dict = {}
            for day, category, site, offer, children, companion in uses:
                key = {"day": day, "month": month_number(day), "category": category,
                       "site_id": site, "offer_id": offer or 0}
                for muni, n in ((old, -1), (new, 1)):
                    cell = tuple(muni if d == "municipality_id" else key[d] for d in dims)
                    acc = cells.setdefault(cell, [0, 0, 0, 0])
                    acc[0] += n
                    acc[1] += n * children
                    acc[2] += n if companion else 0
                    acc[3] += n if children else 0
            _upsert_many(cur, model._meta.db_table, dims, MEASURES,
                         [[*c, *v] for c, v in sorted(cells.items())], sql)
            first = dims[0]  # day or month: the old municipality's rows left at zero go
            model.objects.filter(**{"municipality_id": old, f"{first}__in": sorted(
                {c[0] for c in cells})}, uses=0, children=0, companions=0,
                with_children=0).delete()
        # the card counts in its cells of the new municipality instead of the old one's
        had: dict = {}
        for day, _category, site, offer, children, _companion in uses:
            cell = (day.year, site, offer or 0)
            had[cell] = had.get(cell, False) or bool(children)
        holders: dict = {}
        for (year, site, offer), with_children in had.items():
            for muni, n in ((old, -1), (new, 1)):
                holders[(year, muni, site, offer)] = [n, n if with_children else 0]
        _holders_apply(cur, holders)
        timelines: dict = {}
        for area, month in CardMonthUse.objects.filter(card_id=card_id, uses__gt=0).values_list(
                "card_area_id", "month"):
            timelines.setdefault(area, set()).add(month)
        changes: dict = {}
        for area, months in timelines.items():
            for m, p in _timeline(months):
                for muni, n in ((old, -1), (new, 1)):
                    # the unit (0 here) and the area cells cancel out: only the
                    # municipality histogram changes
                    acc = changes.setdefault((area, 0, muni, m, p), [0, 0])
                    acc[0] += n
                    acc[1] += n * (stats_key or 0)
        _histograms_apply(cur, changes)
        # (a card without recorded uses has no card-month rows: returned above)
        CardMonthUse.objects.filter(card_id=card_id).update(municipality_id=new)


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
