"""Card figures for any period without reading the cards: the card spans (`CardSpan`,
`HolderSpan`, `HolderPlaceSpan` in `stats.models`).

A registered card (with an issue day and a last valid day) starts on its issue day and
ends, for "valid in a period" (`counting.valid_in`), on the earlier of its last valid day
and its inactivation day; for "valid on a day" (`selectors.valid_on`), on the earlier of
its last valid day and the day before its inactivation. A card never ends before the day
before it starts (the services keep issue ≤ last valid day and issue ≤ inactivation), so

    valid in [s, e] = started on or before e − ended (in) before s
    valid on d      = started on or before d − ended (on) before d
    issued in [s, e] = started on or before e − started before s

and "on or before d" is a sum over year rows before d's year, month rows before its month
and day rows of its month: a few thousand rows nationally for any period.

Every save of a card row goes through `card_saving` / `card_saved` (pre_save and
post_save, connected in `StatsConfig.ready`): the card's old contribution (read from its
row before the save) is taken away and the new one added, in the saver's transaction.
Writes that bypass `save()` (bulk loads of demo and benchmark data) call
`rollup_rebuild()`. Retention's coarsening needs nothing: retired holders keep the facts
they were counted with (`RetiredHolders`), and the card spans key on none of the facts it
coarsens.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import connection, transaction

from kaikukanta.stats.models import (
    DAY,
    MONTH,
    YEAR,
    CardSpan,
    HolderPlaceSpan,
    HolderSpan,
    RetiredHolders,
)

ONE_DAY = datetime.timedelta(days=1)
REGISTERED = ("active", "inactive")  # counting.registered()
# what a card row's save must tell us (the fields its spans depend on)
CARD_FIELDS = ("status", "kind", "area_id", "unit_id", "municipality_id", "issued_on",
               "valid_until", "inactivated_on", "birth_year", "children", "gender",
               "life_situation", "holder_coarsened_on", "stats_key")

CARD_DIMS = ("municipality_id", "area_id", "grain", "day", "unit_id")
PER_AREA = "*"  # the municipality_id of the rows per card's area alone
CARD_MEASURES = ("starts", "starts_k", "ends_in", "ends_in_k", "ends_on", "ends_on_k",
                 "inactivated", "inactivated_k")
HOLDER_DIMS = ("area_id", "grain", "day", "fact", "value")
HOLDER_MEASURES = ("starts", "starts_k", "ends_in", "ends_in_k")
FACTS = ("b", "c", "g", "l")  # birth year, children (4 = 4+), gender, life situation
PLACE_FACTS = ("birth_year", "children", "gender", "life_situation")
PLACE_DIMS = ("unit_id", "grain", "day", "municipality_id", *PLACE_FACTS)
# `HolderPlaceSpan`'s year rows count one fact at a time: the others hold OTHER_FACT, the
# rows per unit have EVERY_MUNICIPALITY and those per municipality EVERY_UNIT
OTHER_FACT = (-1, -1, "*", "*")
EVERY_MUNICIPALITY, EVERY_UNIT = "*", -1


def buckets(day: datetime.date) -> list[tuple[int, datetime.date]]:
    """The day's row of each grain: (grain, first day)."""
    return [(DAY, day), (MONTH, day.replace(day=1)), (YEAR, day.replace(month=1, day=1))]


def _ends(issued: datetime.date, until: datetime.date,
          inactivated: datetime.date | None) -> tuple[datetime.date, datetime.date]:
    """The last day valid in a period and the last day valid on a day."""
    if inactivated is None:
        return until, until
    return min(until, inactivated), min(until, inactivated - ONE_DAY)


def holder_values(birth_year, children, gender, life_situation) -> dict[str, str]:
    return {"b": str(birth_year) if birth_year else "", "c": str(min(children or 0, 4)),
            "g": gender or "", "l": life_situation or ""}


def place_values(birth_year, children, gender, life_situation) -> tuple:
    """A card's PLACE_FACTS as `HolderPlaceSpan` keys them."""
    return birth_year or 0, min(children or 0, 4), gender or "", life_situation or ""


def place_keys(unit: int, muni: str, grain: int, first: datetime.date, facts: tuple) -> list:
    """The `HolderPlaceSpan` rows (PLACE_DIMS keys) a card with these facts counts in:
    a day or month row of its unit, municipality and facts together; year rows of each
    fact alone, one per unit and (if it has one) one per municipality."""
    if grain != YEAR:
        return [(unit, grain, first, muni, *facts)]
    places = [(unit, EVERY_MUNICIPALITY)] + ([(EVERY_UNIT, muni)] if muni else [])
    return [(u, grain, first, m, *(facts[j] if j == i else OTHER_FACT[j] for j in range(4)))
            for u, m in places for i in range(4)]


def contribution(f: dict | None) -> tuple[dict, dict, dict]:
    """What one card row (its CARD_FIELDS, or None) adds to the card spans and the holder
    spans: ({CARD_DIMS key: CARD_MEASURES}, {HOLDER_DIMS key: HOLDER_MEASURES},
    {PLACE_DIMS key: HOLDER_MEASURES})."""
    cards: dict = {}
    holders: dict = {}
    by_place: dict = {}
    if f is None or f["status"] not in REGISTERED or not f["issued_on"] or not f["valid_until"]:
        return cards, holders, by_place
    issued, inactivated = f["issued_on"], f["inactivated_on"]
    end_in, end_on = _ends(issued, f["valid_until"], inactivated)
    k = f["stats_key"] or 0
    area, unit, muni = f["area_id"] or 0, f["unit_id"] or 0, f["municipality_id"]
    dated = [(issued, 0), (end_in, 2), (end_on, 4)]
    if inactivated is not None:
        dated.append((inactivated, 6))
    places = [("", area, unit), (PER_AREA, area, 0)] + ([(muni, 0, 0)] if muni else [])
    for day, at in dated:
        for grain, first in buckets(day):
            for m, a, u in places:
                acc = cards.setdefault((m, a, grain, first, u), [0] * 8)
                acc[at] += 1
                acc[at + 1] += k
    if f["kind"] == "personal" and f["holder_coarsened_on"] is None:
        _holder_add(holders, area, holder_values(f["birth_year"], f["children"], f["gender"],
                                                 f["life_situation"]),
                    issued, end_in, 1, k)
        facts = place_values(f["birth_year"], f["children"], f["gender"], f["life_situation"])
        for day, at in ((issued, 0), (end_in, 2)):
            for grain, first in buckets(day):
                for key in place_keys(unit, muni or "", grain, first, facts):
                    acc = by_place.setdefault(key, [0] * 4)
                    acc[at] += 1
                    acc[at + 1] += k
    return cards, holders, by_place


def _holder_add(out: dict, area: int, values: dict, issued, end_in, n: int, k: int) -> None:
    for day, at in ((issued, 0), (end_in, 2)):
        for grain, first in buckets(day):
            for a in (0, area) if area else (0,):
                for fact in FACTS:
                    acc = out.setdefault((a, grain, first, fact, values[fact]), [0] * 4)
                    acc[at] += n
                    acc[at + 1] += k


def _change(old: dict, new: dict) -> dict:
    out = {key: list(v) for key, v in new.items()}
    for key, v in old.items():
        acc = out.setdefault(key, [0] * len(v))
        for i, x in enumerate(v):
            acc[i] -= x
    return {key: v for key, v in out.items() if any(v)}


def _apply(cur, model, dims: tuple[str, ...], measures: tuple[str, ...], change: dict) -> None:
    """Add `change` to the rows (an upsert each, in key order so that concurrent writers
    lock the rows in the same order); rows left at zero are removed, as a rebuild would
    not make them."""
    if not change:
        return
    table = model._meta.db_table
    rows = sorted(change.items())
    width = len(dims) + len(measures)
    zero = " AND ".join(f"{m} = 0" for m in measures)
    for i in range(0, len(rows), 200):
        part = rows[i:i + 200]
        values = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(part))
        cur.execute(
            f"INSERT INTO {table} ({', '.join(dims + measures)}) VALUES {values} "  # noqa: S608
            f"ON CONFLICT ({', '.join(dims)}) DO UPDATE SET "
            + ", ".join(f"{m} = {table}.{m} + excluded.{m}" for m in measures)
            + f" RETURNING id, CASE WHEN {zero} THEN 1 ELSE 0 END",
            [x for key, v in part for x in (*key, *v)])
        gone = [pk for pk, empty in cur.fetchall() if empty]
        if gone:
            cur.execute(f"DELETE FROM {table} WHERE id IN "  # noqa: S608
                        f"({', '.join(['%s'] * len(gone))})", gone)


def card_changed(old: dict | None, new: dict | None) -> None:
    """One card row went from `old` to `new` (CARD_FIELDS; None: no row): the spans follow,
    in the caller's transaction."""
    old_cards, old_holders, old_places = contribution(old)
    new_cards, new_holders, new_places = contribution(new)
    cards, holders = _change(old_cards, new_cards), _change(old_holders, new_holders)
    places = _change(old_places, new_places)
    if not cards and not holders and not places:
        return
    with transaction.atomic(savepoint=False), connection.cursor() as cur:
        _apply(cur, CardSpan, CARD_DIMS, CARD_MEASURES, cards)
        _apply(cur, HolderSpan, HOLDER_DIMS, HOLDER_MEASURES, holders)
        _apply(cur, HolderPlaceSpan, PLACE_DIMS, HOLDER_MEASURES, places)


# --- the card model's signals (connected in StatsConfig.ready) ---------------------------
def _fields_of(card) -> dict:
    return {name: getattr(card, name) for name in CARD_FIELDS}


# the model fields behind CARD_FIELDS, as a save's update_fields names them
_SAVED_NAMES = frozenset(name.removesuffix("_id") for name in CARD_FIELDS)
_UNCHANGED = object()


def card_saving(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """pre_save: remember the row as it is in the database (None for a new one)."""
    if raw:
        return
    if update_fields is not None and not _SAVED_NAMES & set(update_fields):
        instance._span_before = _UNCHANGED
        return
    old = None
    if instance.pk is not None and not instance._state.adding:
        old = type(instance).objects.filter(pk=instance.pk).values(*CARD_FIELDS).first()
    instance._span_before = old


def card_saved(sender, instance, raw=False, **kwargs) -> None:
    """post_save: the row's change goes into the spans."""
    if raw:
        return
    old = instance.__dict__.pop("_span_before", None)
    if old is not _UNCHANGED:
        card_changed(old, _fields_of(instance))
        if old is not None and old["municipality_id"] != instance.municipality_id:
            # for the municipality rollups (`hooks.card_municipality_saved`, next)
            instance._municipality_before = old["municipality_id"]


def card_deleted(sender, instance, **kwargs) -> None:
    """post_delete: the row's contribution goes away."""
    card_changed(_fields_of(instance), None)


# --- rebuild -----------------------------------------------------------------------------
def _minus_one(expr: str) -> str:
    if connection.vendor == "postgresql":
        return f"({expr} - 1)"
    return f"date({expr}, '-1 day')"


def _trunc(grain: int, expr: str) -> str:
    unit = {MONTH: "month", YEAR: "year"}[grain]
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('{unit}', {expr}) AS date)"
    return f"date({expr}, 'start of {unit}')"


def _dated(source: str, n: str, k: str, measures: Iterable[tuple[str, str]],
           columns: str, where: str) -> str:
    """UNION ALL of one SELECT per measure: the card's columns, the day and (n, k) in
    that measure's place."""
    names = [m for m, _day in measures]
    parts = []
    for i, (_m, day_sql) in enumerate(measures):
        vals = ", ".join((f"{n} AS {m}, {k} AS {m}_k" if j == i else f"0 AS {m}, 0 AS {m}_k")
                         for j, m in enumerate(names))
        parts.append(f"SELECT {columns}, {day_sql} AS day, {vals} FROM {source} "  # noqa: S608
                     f"WHERE {where}" + (" AND inactivated_on IS NOT NULL"
                                         if _m == "inactivated" else ""))
    return " UNION ALL ".join(parts)


_END_IN = ("CASE WHEN inactivated_on IS NOT NULL AND inactivated_on < valid_until "
           "THEN inactivated_on ELSE valid_until END")


def _end_on() -> str:
    before = _minus_one("inactivated_on")
    return (f"CASE WHEN inactivated_on IS NOT NULL AND {before} < valid_until "
            f"THEN {before} ELSE valid_until END")


def _coarser(cur, table: str, dims: tuple[str, ...], measures: tuple[str, ...]) -> None:
    """Month rows from the day rows, year rows from the month rows."""
    keep = [d for d in dims if d not in ("grain", "day")]
    for grain, finer in ((MONTH, DAY), (YEAR, MONTH)):
        first = _trunc(grain, "day")
        cur.execute(
            f"INSERT INTO {table} ({', '.join(keep)}, grain, day, {', '.join(measures)}) "  # noqa: S608
            f"SELECT {', '.join(keep)}, {grain}, {first}, "
            + ", ".join(f"SUM({m})" for m in measures)
            + f" FROM {table} WHERE grain = {finer} GROUP BY {', '.join(keep)}, {first}")


_COUNTED = "status IN ('active', 'inactive') AND issued_on IS NOT NULL AND valid_until IS NOT NULL"
_PERSONAL = _COUNTED + " AND kind = 'personal'"
_HOLDER_DAYS = [("starts", "issued_on"), ("ends_in", _END_IN)]


def _holder_sources() -> list[tuple[str, str, str, str]]:
    """(table, cards, key sum, condition) of the holders counted: the personal cards whose
    facts are kept, and the retired holders (counts)."""
    return [("cards_card", "1", "stats_key", _PERSONAL + " AND holder_coarsened_on IS NULL"),
            (RetiredHolders._meta.db_table, "cards", "stats_key", _PERSONAL)]


def _rebuild_places(cur) -> None:
    pt = HolderPlaceSpan._meta.db_table
    HolderPlaceSpan.objects.all().delete()
    sums = ", ".join(f"SUM({m})" for m in HOLDER_MEASURES)
    columns = ("COALESCE(unit_id, 0) AS u, COALESCE(municipality_id, '') AS m, "
               "COALESCE(birth_year, 0) AS b, "
               "CASE WHEN children > 4 THEN 4 ELSE COALESCE(children, 0) END AS c, "
               "COALESCE(gender, '') AS g, COALESCE(life_situation, '') AS l")
    for source, n, k, where in _holder_sources():
        events = _dated(source, n, k, _HOLDER_DAYS, columns, where)
        cur.execute(
            f"INSERT INTO {pt} ({', '.join(PLACE_DIMS + HOLDER_MEASURES)}) "  # noqa: S608
            f"SELECT u, {DAY}, day, m, b, c, g, l, {sums} FROM ({events}) e "
            "GROUP BY u, day, m, b, c, g, l "
            f"ON CONFLICT ({', '.join(PLACE_DIMS)}) DO UPDATE SET "
            + ", ".join(f"{m} = {pt}.{m} + excluded.{m}" for m in HOLDER_MEASURES))
    # month rows from the day rows; year rows, one fact at a time, from the month rows
    month, year = _trunc(MONTH, "day"), _trunc(YEAR, "day")
    cur.execute(
        f"INSERT INTO {pt} ({', '.join(PLACE_DIMS + HOLDER_MEASURES)}) "  # noqa: S608
        f"SELECT unit_id, {MONTH}, {month}, municipality_id, {', '.join(PLACE_FACTS)}, "
        f"{sums} FROM {pt} WHERE grain = {DAY} "
        f"GROUP BY unit_id, {month}, municipality_id, {', '.join(PLACE_FACTS)}")
    other = [str(v) if isinstance(v, int) else f"'{v}'" for v in OTHER_FACT]
    for unit, muni, where, place in (
            ("unit_id", f"'{EVERY_MUNICIPALITY}'", "", "unit_id"),
            (str(EVERY_UNIT), "municipality_id", " AND municipality_id <> ''",
             "municipality_id")):
        for i, fact in enumerate(PLACE_FACTS):
            facts = ", ".join(fact if j == i else other[j] for j in range(4))
            cur.execute(
                f"INSERT INTO {pt} ({', '.join(PLACE_DIMS + HOLDER_MEASURES)}) "  # noqa: S608
                f"SELECT {unit}, {YEAR}, {year}, {muni}, {facts}, {sums} FROM {pt} "
                f"WHERE grain = {MONTH}{where} GROUP BY {place}, {year}, {fact}")


def rebuild_places() -> None:
    """Recompute `HolderPlaceSpan` alone (its migration). One transaction."""
    with transaction.atomic(), connection.cursor() as cur:
        _rebuild_places(cur)


def rebuild(*, places: bool = True) -> None:
    """Recompute the span tables from the cards (and the retired holders). One
    transaction (the caller's, if any). `places=False` leaves `HolderPlaceSpan` out (the
    migration that fills the others runs before the one that makes it)."""
    card_sums = ", ".join(f"SUM({m})" for m in CARD_MEASURES)
    holder_sums = ", ".join(f"SUM({m})" for m in HOLDER_MEASURES)
    counted = _COUNTED
    card_days = [("starts", "issued_on"), ("ends_in", _END_IN), ("ends_on", _end_on()),
                 ("inactivated", "inactivated_on")]
    with transaction.atomic(), connection.cursor() as cur:
        CardSpan.objects.all().delete()
        HolderSpan.objects.all().delete()
        ct, ht = CardSpan._meta.db_table, HolderSpan._meta.db_table
        for muni, area, unit, where in (
                ("''", "COALESCE(area_id, 0)", "COALESCE(unit_id, 0)", counted),
                (f"'{PER_AREA}'", "COALESCE(area_id, 0)", "0", counted),
                ("municipality_id", "0", "0", counted + " AND municipality_id IS NOT NULL")):
            events = _dated("cards_card", "1", "stats_key", card_days,
                            f"{muni} AS m, {area} AS a, {unit} AS u", where)
            cur.execute(
                f"INSERT INTO {ct} ({', '.join(CARD_DIMS + CARD_MEASURES)}) "  # noqa: S608
                f"SELECT m, a, {DAY}, day, u, {card_sums} FROM ({events}) e "
                "GROUP BY m, a, u, day")
        value_of = {
            "b": "COALESCE(CAST(birth_year AS TEXT), '')",
            "c": "CAST(CASE WHEN children > 4 THEN 4 ELSE children END AS TEXT)",
            "g": "COALESCE(gender, '')", "l": "COALESCE(life_situation, '')",
        }
        for source, n, k, where in _holder_sources():
            for area, of_area in (("0", ""), ("area_id", " AND area_id IS NOT NULL")):
                for fact in FACTS:
                    events = _dated(source, n, k, _HOLDER_DAYS,
                                    f"{area} AS a, '{fact}' AS f, {value_of[fact]} AS v",
                                    where + of_area)
                    cur.execute(
                        f"INSERT INTO {ht} ({', '.join(HOLDER_DIMS + HOLDER_MEASURES)}) "  # noqa: S608
                        f"SELECT a, {DAY}, day, f, v, {holder_sums} FROM ({events}) e "
                        "GROUP BY a, day, f, v "
                        f"ON CONFLICT ({', '.join(HOLDER_DIMS)}) DO UPDATE SET "
                        + ", ".join(f"{m} = {ht}.{m} + excluded.{m}" for m in HOLDER_MEASURES))
        _coarser(cur, ct, CARD_DIMS, CARD_MEASURES)
        _coarser(cur, ht, HOLDER_DIMS, HOLDER_MEASURES)
        if places:
            _rebuild_places(cur)


# --- reading -----------------------------------------------------------------------------
def _through_sql(day: datetime.date) -> tuple[str, list]:
    """The rows that together count everything up to and including `day` (SQL)."""
    nxt = day + ONE_DAY
    year, month = nxt.replace(month=1, day=1), nxt.replace(day=1)
    return (f"(grain = {YEAR} AND day < %s OR grain = {MONTH} AND day >= %s AND day < %s "
            f"OR grain = {DAY} AND day >= %s AND day <= %s)", [year, year, month, month, day])


def sums_through(model, where: dict, group: list[str],
                 wanted: dict[str, tuple[str, datetime.date]]) -> list[dict]:
    """For each name in `wanted` = (measure, day): the sum of the measure (and of its
    `_k`) through the day, per `group`, over the rows of `model` matching `where` (column:
    value, or a list of values). One statement over only the rows the days need; written
    out (not composed by the ORM) because composing its dozens of filtered sums cost more
    than running it."""
    days = sorted({day for _m, day in wanted.values()})
    flags, flag_params = [], []
    for i, day in enumerate(days):
        sql, params = _through_sql(day)
        flags.append(f"CASE WHEN {sql} THEN 1 ELSE 0 END AS t{i}")
        flag_params += params
    conds, params = [], []
    for column, value in where.items():
        if isinstance(value, list | tuple | set):
            value = list(value)
            if not value:
                return []
            conds.append(f"{column} IN ({', '.join(['%s'] * len(value))})")
            params += value
        else:
            conds.append(f"{column} = %s")
            params.append(value)
    any_day = [_through_sql(day) for day in days]
    conds.append("(" + " OR ".join(sql for sql, _p in any_day) + ")")
    params += [x for _sql, ps in any_day for x in ps]
    sums = []
    for name, (measure, day) in wanted.items():
        t = days.index(day)
        sums += [f"SUM(t{t} * {measure}) AS {name}", f"SUM(t{t} * {measure}_k) AS {name}_k"]
    keys = ", ".join(group)
    sql = (f"SELECT {keys + ', ' if keys else ''}{', '.join(sums)} FROM ("  # noqa: S608
           f"SELECT *, {', '.join(flags)} FROM {model._meta.db_table} "
           f"WHERE {' AND '.join(conds)}) r" + (f" GROUP BY {keys}" if keys else ""))
    with connection.cursor() as cur:
        cur.execute(sql, flag_params + params)
        names = [c[0] for c in cur.description]
        return [{n: (v or 0) if n not in group else v for n, v in zip(names, row, strict=True)}
                for row in cur.fetchall()]
