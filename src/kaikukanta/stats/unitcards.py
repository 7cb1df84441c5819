"""The first five cards of a distributor unit's cards used per day and category
(`models.UnitDayCards`): kept by the use rollup (`services.rollup_add`,
`services.rollup_add_many`, `services.rollup_rebuild`, which a card's move to another
unit runs for the days of its uses), read by the unit and distributor dashboards for the
holders behind their use figures (`cells_capped`).

A cell's lists hold the smallest card ids of its cell, sorted, as comma-separated text (the
same on PostgreSQL and SQLite). Adding cards merges lists in the upsert itself (an
existing row is locked by the conflict, so concurrent recordings never lose a card);
cancelling a use counts its cell again from the uses when its card was in a list, the
cell's cards found through the card-month rows of the unit's cards used around that day
(never all of the unit's cards).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from django.db import connection
from django.db.models import Q

from kaikukanta.stats.models import (
    FIRST_CARDS,
    UNIT_CARDS,
    CardMonthUse,
    UnitDayCards,
    month_number,
)

# Table and column names below are this module's constants; values are always parameters.
TABLE = UnitDayCards._meta.db_table
_KEY = ("unit_id", "day", "category")
_CARDMONTH = CardMonthUse._meta.db_table


def merge_sql(old: str, new: str) -> str:
    """SQL of the union of two lists (`old`, `new`: expressions of comma-separated ids),
    its FIRST_CARDS smallest ids, sorted, as the same text."""
    if connection.vendor == "postgresql":
        return ("COALESCE((SELECT string_agg(x::text, ',' ORDER BY x) FROM (SELECT DISTINCT "  # noqa: S608
                f"s::bigint AS x FROM unnest(string_to_array(trim(BOTH ',' FROM {old} || ',' "
                f"|| {new}), ',')) AS s ORDER BY x LIMIT {FIRST_CARDS}) z), '')")
    return ("COALESCE((SELECT group_concat(x, ',') FROM (SELECT DISTINCT CAST(value AS "  # noqa: S608
            f"INTEGER) AS x FROM json_each('[' || trim({old} || ',' || {new}, ',') || ']') "
            f"ORDER BY x LIMIT {FIRST_CARDS})), '')")


_made: dict[str, str] = {}  # the upsert, by database vendor (made once: every use runs it)


def upsert_sql() -> str:
    """One row (unit, day, category, the three lists): a new cell takes them, an existing
    one merges them into its own."""
    got = _made.get(connection.vendor)
    if got is None:
        got = _made[connection.vendor] = _upsert_sql()
    return got


def _upsert_sql() -> str:
    columns = _KEY + UNIT_CARDS
    return (f"INSERT INTO {TABLE} ({', '.join(columns)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(columns))}) "
            f"ON CONFLICT ({', '.join(_KEY)}) DO UPDATE SET "
            + ", ".join(f"{c} = {merge_sql(f'{TABLE}.{c}', f'excluded.{c}')}"
                        for c in UNIT_CARDS))


def merges() -> dict[str, str]:
    """The lists' merge for `services._upsert_many` (a file's many cells)."""
    return {c: merge_sql("{old}", "{new}") for c in UNIT_CARDS}


def _text(ids: Iterable[int]) -> str:
    return ",".join(map(str, sorted(set(ids))[:FIRST_CARDS]))


def parse(text: str) -> list[int]:
    return [int(x) for x in text.split(",")] if text else []


def recorded(use, unit_id: int) -> tuple[str, list]:
    """The upsert of one recorded use (its card `use.card_id`, of unit `unit_id`)."""
    card = str(use.card_id)
    return upsert_sql(), [unit_id, use.event_date, use.category, card,
                          card if use.children else "", card if use.companion else ""]


def rows_of(uses: Sequence, unit_of: Callable) -> list[list]:
    """The cells of many new uses (a file), each with its own first cards:
    [[unit, day, category, cards, with children, companion]]; `unit_of(use)` is the unit
    of its card."""
    cells: dict = defaultdict(lambda: (set(), set(), set()))
    for u in uses:
        got = cells[(unit_of(u), u.event_date, u.category)]
        got[0].add(u.card_id)
        if u.children:
            got[1].add(u.card_id)
        if u.companion:
            got[2].add(u.card_id)
    return [[*cell, *map(_text, got)] for cell, got in sorted(cells.items())]


def _ranked_sql(where: str) -> str:
    """Each card of the recorded uses in `where` (over usage_use u JOIN cards_card c) once
    per cell, with whether it had children's and companion tickets there and its rank
    by id in the cell among all, those with children's and the companion ones."""
    return (
        "SELECT unit_id, day, category, card_id, ch, co, "  # noqa: S608
        "ROW_NUMBER() OVER (PARTITION BY unit_id, day, category ORDER BY card_id) AS r, "
        "ROW_NUMBER() OVER (PARTITION BY unit_id, day, category, ch ORDER BY card_id) AS rc, "
        "ROW_NUMBER() OVER (PARTITION BY unit_id, day, category, co ORDER BY card_id) AS rk "
        "FROM (SELECT COALESCE(c.unit_id, 0) AS unit_id, u.event_date AS day, u.category, "
        "u.card_id, MAX(CASE WHEN u.children > 0 THEN 1 ELSE 0 END) AS ch, "
        "MAX(CASE WHEN u.companion THEN 1 ELSE 0 END) AS co "
        "FROM usage_use u JOIN cards_card c ON c.id = u.card_id "
        f"WHERE u.status = 'recorded' {where} "
        "GROUP BY COALESCE(c.unit_id, 0), u.event_date, u.category, u.card_id) g")


def rebuild(cur, where: str, params: list) -> None:
    """Insert the cells of the recorded uses in `where` (their rows are deleted already)."""
    first = FIRST_CARDS
    keep = f"WHERE r <= {first} OR (ch = 1 AND rc <= {first}) OR (co = 1 AND rk <= {first})"
    if connection.vendor == "postgresql":
        def agg(cond: str) -> str:
            return (f"COALESCE(string_agg(CASE WHEN {cond} THEN card_id::text END, ',' "
                    "ORDER BY card_id), '')")

        cur.execute(
            f"INSERT INTO {TABLE} ({', '.join(_KEY + UNIT_CARDS)}) "  # noqa: S608
            f"SELECT unit_id, day, category, {agg(f'r <= {first}')}, "
            f"{agg(f'ch = 1 AND rc <= {first}')}, {agg(f'co = 1 AND rk <= {first}')} "
            f"FROM ({_ranked_sql(where)}) w {keep} GROUP BY unit_id, day, category", params)
        return
    # SQLite (tests, development): the few rows kept are put together here, in order
    cur.execute(f"SELECT unit_id, day, category, card_id, ch, co, r, rc, rk "  # noqa: S608
                f"FROM ({_ranked_sql(where)}) w {keep} ORDER BY unit_id, day, category, "
                "card_id", params)
    cells: dict = {}
    for unit, day, category, card, ch, co, r, rc, rk in cur.fetchall():
        got = cells.setdefault((unit, day, category), ([], [], []))
        for i, ok in enumerate((r <= first, ch and rc <= first, co and rk <= first)):
            if ok:
                got[i].append(card)
    cur.executemany(upsert_sql(), [[*cell, *(",".join(map(str, ids)) for ids in got)]
                                   for cell, got in cells.items()])


def cancelled(cur, use, unit_id: int) -> None:
    """After a use was cancelled (saved as such, and the card-month rows brought up to
    date): when its card is in one of its cell's lists, the cell is counted again from
    the recorded uses of the unit's cards used around that day (the card-month rows)."""
    day = use.event_date
    row = UnitDayCards.objects.filter(unit_id=unit_id, day=day, category=use.category
                                      ).values_list(*UNIT_CARDS).first()
    if row is None or not any(use.card_id in parse(text) for text in row):
        return
    UnitDayCards.objects.filter(unit_id=unit_id, day=day, category=use.category).delete()
    rebuild(cur, "AND u.event_date = %s"  # noqa: S608
                 " AND u.category = %s AND COALESCE(c.unit_id, 0) = %s "
                 f"AND u.card_id IN (SELECT m.card_id FROM {_CARDMONTH} m WHERE m.month = %s "
                 "AND m.unit_id = %s AND m.first_day <= %s AND m.last_day >= %s)",
            [day, use.category, unit_id, month_number(day), unit_id, day, day])


# --- reading -------------------------------------------------------------------------------
Cell = tuple[object, Callable[[datetime.date, str], bool], bool]  # key, which rows, companion


def cells_capped(unit_ids: Sequence[int], spans: Sequence[tuple[datetime.date, datetime.date]],
                 cells: Sequence[Cell]) -> dict:
    """The holders behind each cell's uses and its uses with children's tickets (for a
    companion cell: behind its companion uses), up to FIRST_CARDS: {key: {"h", "hc"}}.
    A cell is the rows of the units' days in `spans` ([(first, last day)]) for which its
    test (day, category) holds. One read of the rows."""
    days = Q()
    for start, end in spans:
        days |= Q(day__gte=start, day__lte=end)
    rows = list(UnitDayCards.objects.filter(days, unit_id__in=list(unit_ids))
                .values_list("day", "category", *UNIT_CARDS).order_by())
    out = {}
    first = FIRST_CARDS
    for key, test, companion in cells:
        # the ids as text: one id has one spelling; a cell stops reading at five of each
        h: set = set()
        hc: set = set()
        at = 4 if companion else 2
        for row in rows:
            if not test(row[0], row[1]):
                continue
            if len(h) < first and row[at]:
                h.update(row[at].split(","))
            if not companion and len(hc) < first and row[3]:
                hc.update(row[3].split(","))
            if len(h) >= first and (companion or len(hc) >= first):
                break
        out[key] = {"h": min(len(h), first), "hc": min(len(hc), first)}
    return out
