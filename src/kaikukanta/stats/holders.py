"""How many different holders (cards) stand behind each use figure, up to five.

The privacy rule only needs to know whether a figure stands for fewer than 5 holders (and
how many, when it does), never the exact number above that. A cell of n uses stands for
at least n / bound holders, where bound is the most uses one card has had in the period's
years (`selectors.max_uses_per_card`), so big cells need no query at all. The others are
small (under 5 × bound uses) and are counted exactly; all of a table's cells go in one
statement (UNION ALL of small sub-queries), on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from django.db import connection
from django.db.models import Count, Q, QuerySet

from kaikukanta.stats.privacy import THRESHOLD

Cell = tuple[Hashable, Q, int, int]  # key, filter, uses, uses with children's tickets


# the columns of the uses that the cells of `capped_holders` filter on
BASE_COLUMNS = ("card_id", "event_date", "category", "children", "companion")


def capped_holders(uses: QuerySet, cells: Sequence[Cell], bound: int, *,
                   read_once: bool | None = False) -> dict:
    """`uses`: the recorded uses of one target and period; each cell gives its uses and its
    uses with children's tickets. Returns {key: {"h": holders (max 5), "hc": holders with
    children's tickets (max 5)}}. `bound` is the most uses one card can have in the
    period: a cell of at least 5 × bound uses stands for 5 holders or more without asking.
    With `read_once` (a target whose uses are found through their cards: a unit's, a
    distributor's) the target's uses are read once (`BASE_COLUMNS`) and every cell counted
    from those rows: each cell's own sub-query looked up all the unit's cards' uses again
    (10,663 cards, about 20 cells, 3.5 s at 1,000,000 cards for 10–20 March). With
    `read_once` None, the uses are read once when two cells or more are counted (each
    cell's sub-query reads all of `uses` through its index and filters them: an area's
    weekday and category cells read the same uses 14 times); the cells' filters must then
    name only `BASE_COLUMNS`."""
    out = {key: {"h": 0, "hc": 0} for key, _q, _u, _c in cells}
    small = []
    for key, q, n_uses, n_children in cells:
        for measure, count, extra in (("h", n_uses, Q()), ("hc", n_children,
                                                           Q(children__gt=0))):
            if not count:
                continue
            if count >= THRESHOLD * bound:
                out[key][measure] = THRESHOLD
                continue
            small.append((key, measure, Q(q, extra)))
    if not small:
        return out
    if read_once is None:
        read_once = len(small) > 1
    parts, params, slots = [], [], []
    table = connection.ops.quote_name(uses.model._meta.db_table)
    for key, measure, q in small:
        # a small cell by construction: counted whole (no LIMIT, which would tempt the
        # planner to walk a big index looking for five matches)
        # with `read_once`, the cell's filter over the rows read once (named as the table)
        sub = (uses.model._base_manager if read_once else uses).filter(q)
        sql, p = sub.values("card_id").distinct().order_by().query.sql_with_params()
        if read_once:
            sql = sql.replace(f" FROM {table} ", f" FROM b {table} ", 1)
        # the sub-query is Django's own SQL with its values as parameters
        parts.append(f"SELECT {len(slots)}, (SELECT COUNT(*) FROM ({sql}) s)")  # noqa: S608
        params += list(p)
        slots.append((key, measure))
    sql = " UNION ALL ".join(parts)
    if read_once:
        base, base_params = uses.values(*BASE_COLUMNS).order_by().query.sql_with_params()
        once = " MATERIALIZED" if connection.vendor == "postgresql" else ""
        sql = f"WITH b AS{once} ({base}) {sql}"
        params = list(base_params) + params
    with connection.cursor() as cur:
        cur.execute(sql, params)
        for i, n in cur.fetchall():
            key, measure = slots[i]
            out[key][measure] = min(n, THRESHOLD)
    return out


def capped_holders_by(uses: QuerySet, fields: Sequence[str], cells: Sequence[tuple], bound: int,
                      ) -> dict:
    """`capped_holders` for cells that are the groups of `fields` (e.g. site and offer):
    each cell is (key, values of `fields`, uses, uses with children's tickets), and all the
    small cells are counted in ONE grouped statement over `uses` instead of a sub-query
    each (a municipality's places table has hundreds of cells, and a sub-query per cell
    joined through the cards took longer than a worker may), over the small cells' uses
    only. Same answer, capped at 5."""
    out = {key: {"h": 0, "hc": 0} for key, _v, _u, _c in cells}
    small = {}
    for key, values, n_uses, n_children in cells:
        for measure, count in (("h", n_uses), ("hc", n_children)):
            if count and count >= THRESHOLD * bound:
                out[key][measure] = THRESHOLD
            elif count:
                small[tuple(values)] = key
    if not small:
        return out
    # only the small cells' uses are read: those of their first field's values (a site's
    # through its index), not the whole target's period
    firsts = {values[0] for values in small}
    only = Q(**{f"{fields[0]}__in": sorted(v for v in firsts if v is not None)})
    if None in firsts:
        only |= Q(**{f"{fields[0]}__isnull": True})
    rows = (uses.filter(only).values(*fields).order_by()
            .annotate(h=Count("card_id", distinct=True),
                      hc=Count("card_id", distinct=True, filter=Q(children__gt=0))))
    for row in rows:
        key = small.get(tuple(row[f] for f in fields))
        if key is None:
            continue
        for measure in ("h", "hc"):
            if out[key][measure] != THRESHOLD:  # a big cell is settled without counting
                out[key][measure] = min(row[measure], THRESHOLD)
    return out


def capped_total(uses: QuerySet, cells: dict, n_uses: int, n_children: int, bound: int,
                 ) -> dict:
    """The capped holders of a table's total row, given its cells' (`capped_holders_by`):
    the total's holders are at least any cell's and at most their sum, so a measure with a
    cell at 5 is 5, and one whose cells' largest is their sum (one cell with holders) is
    that, without counting; the others are counted over `uses` (all of the table's)."""
    known = {}
    for m in ("h", "hc"):
        values = [v[m] for v in cells.values()]
        if any(n >= THRESHOLD for n in values):
            known[m] = THRESHOLD
        elif max(values, default=0) == sum(values):
            known[m] = sum(values)
    got = capped_holders(uses, [("total", Q(), 0 if "h" in known else n_uses,
                                 0 if "hc" in known else n_children)], bound)["total"]
    return {m: known.get(m, got[m]) for m in ("h", "hc")}
