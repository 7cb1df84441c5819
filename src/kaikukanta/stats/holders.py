"""How many different holders (cards) stand behind each use figure of a dashboard.

The privacy rule needs this for every cell, and distinct counts cannot be summed from the
daily rollup. On PostgreSQL all groupings are counted in ONE pass over the target's uses
(GROUPING SETS); elsewhere (SQLite in development and tests) one query per grouping.
Both return {grouping: {key: {"h": holders, "hc": holders with children's tickets}}}.
"""

from __future__ import annotations

import datetime

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractIsoWeekDay, TruncMonth

# grouping name -> its columns; () is the total
SETS: dict[str, tuple[str, ...]] = {
    "category": ("category",),
    "month": ("m",),
    "weekday": ("w",),
    "place": ("site_id", "offer_id"),
    "card_area": ("card_area_id",),
    "total": (),
}
_PG_EXPR = {
    "category": "category",
    "m": "date_trunc('month', event_date)::date",
    "w": "extract(isodow from event_date)::int",
    "site_id": "site_id",
    "offer_id": "offer_id",
    "card_area_id": "card_area_id",
}
_COLS = list(_PG_EXPR)


def _norm(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


def holder_counts(uses: QuerySet) -> dict[str, dict]:
    """`uses`: the recorded uses of one target and period."""
    out: dict[str, dict] = {name: {} for name in SETS}
    if connection.vendor == "postgresql":
        inner = uses.values("card_id", "category", "event_date", "site_id", "offer_id",
                            "card_area_id", "children")
        sql, params = inner.query.sql_with_params()
        sets = ", ".join("(" + ", ".join(_PG_EXPR[c] for c in cols) + ")"
                         for cols in SETS.values())
        exprs = [_PG_EXPR[c] for c in _COLS]
        query = (
            f"SELECT {', '.join(exprs)}, GROUPING({', '.join(exprs)}), "  # noqa: S608
            "COUNT(DISTINCT card_id), COUNT(DISTINCT card_id) FILTER (WHERE children > 0) "
            f"FROM ({sql}) s GROUP BY GROUPING SETS ({sets})"
        )
        masks = {}
        for name, cols in SETS.items():
            mask = 0
            for i, c in enumerate(_COLS):
                if c not in cols:
                    mask |= 1 << (len(_COLS) - 1 - i)
            masks[mask] = name
        with connection.cursor() as cur:
            cur.execute(query, params)
            for row in cur.fetchall():
                values = dict(zip(_COLS, row[: len(_COLS)], strict=True))
                name = masks[row[len(_COLS)]]
                key = tuple(_norm(values[c]) for c in SETS[name])
                out[name][key[0] if len(key) == 1 else key] = {
                    "h": row[-2], "hc": row[-1]}
        return out
    agg = {"h": Count("card_id", distinct=True),
           "hc": Count("card_id", distinct=True, filter=Q(children__gt=0))}
    qs = uses.annotate(m=TruncMonth("event_date"), w=ExtractIsoWeekDay("event_date"))
    for name, cols in SETS.items():
        if not cols:
            out[name][()] = qs.aggregate(**agg)
            continue
        for r in qs.values(*cols).annotate(**agg).order_by():
            key = tuple(_norm(r[c]) for c in cols)
            out[name][key[0] if len(key) == 1 else key] = {"h": r["h"], "hc": r["hc"]}
    return out
