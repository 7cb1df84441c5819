"""Inserting many new rows at once: COPY on PostgreSQL, `bulk_create` elsewhere.

`insert_many` gives every object its primary key (on PostgreSQL the keys are drawn from the
table's sequence first, then the rows are copied in with them), fills `auto_now_add`
fields as `save()` would, and marks the objects saved. It runs in the caller's
transaction; constraints and triggers apply as to any INSERT.
"""

from __future__ import annotations

import contextlib
import datetime
import enum
import json
import operator
import threading
from collections.abc import Callable

from django.db import connection, connections, models
from django.utils import timezone


def _reader(field: models.Field) -> Callable[[models.Model], object]:
    """How one field's value goes into a COPY row. psycopg adapts plain Python values
    (str, int, bool, date, datetime, Decimal) itself, so only the fields that change a
    value on saving (JSON, auto_now(_add)) go through Django's conversion; the others are
    read straight from the object, choices as their plain value."""
    if isinstance(field, models.JSONField) or getattr(field, "auto_now", False) or getattr(
            field, "auto_now_add", False):
        return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)
    get = operator.attrgetter(field.attname)

    def read(obj):
        value = get(obj)
        return value.value if isinstance(value, enum.Enum) else value

    return read


def insert_many(model: type[models.Model], objs: list[models.Model],
                batch_size: int = 2000) -> None:
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=batch_size)
        return
    meta = model._meta
    fields = list(meta.concrete_fields)
    readers = [_reader(f) for f in fields]
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                    "FROM generate_series(1, %s)", [meta.db_table, meta.pk.column, len(objs)])
        for obj, (pk,) in zip(objs, cur.fetchall(), strict=True):
            obj.pk = pk
        columns = ", ".join(qn(f.column) for f in fields)
        with cur.cursor.copy(f"COPY {qn(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([read(obj) for read in readers])
                obj._state.adding = False
                obj._state.db = connection.alias


def insert_rows(model: type[models.Model], rows: list[dict], batch_size: int = 2000
                ) -> list[int]:
    """Insert new rows given as plain values ({attname: value}, the same keys in every
    row; a field left out takes its default, auto_now(_add) the time now) without making
    model objects on PostgreSQL: the ids are drawn from the table's sequence and the rows
    copied in (COPY). Elsewhere `bulk_create`. Returns the new ids in order."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objs = [model(**row) for row in rows]
        model.objects.bulk_create(objs, batch_size=batch_size)
        return [o.pk for o in objs]
    meta = model._meta
    given = list(rows[0])
    now = timezone.now()
    fixed: list[tuple[str, object]] = []  # the other columns: one value for every row
    for f in meta.concrete_fields:
        if f.primary_key or f.attname in given:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            fixed.append((f.column, now))
        else:
            fixed.append((f.column, f.get_db_prep_save(f.get_default(), connection)))
    json_keys = {f.attname for f in meta.concrete_fields
                 if isinstance(f, models.JSONField) and f.attname in given}
    columns = [meta.pk.column] + [meta.get_field(_field_name(meta, k)).column for k in given] \
        + [c for c, _v in fixed]
    tail = [v for _c, v in fixed]
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                    "FROM generate_series(1, %s)", [meta.db_table, meta.pk.column, len(rows)])
        ids = [pk for (pk,) in cur.fetchall()]
        sql = f"COPY {qn(meta.db_table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
        with cur.cursor.copy(sql) as copy:
            for pk, row in zip(ids, rows, strict=True):
                values = [pk]
                for k in given:
                    v = row[k]
                    if k in json_keys:
                        v = json.dumps(v)
                    elif isinstance(v, enum.Enum):
                        v = v.value
                    values.append(v)
                copy.write_row(values + tail)
    return ids


def _field_name(meta, attname: str) -> str:
    for f in meta.concrete_fields:
        if f.attname == attname:
            return f.name
    raise KeyError(attname)


# --- plain tuples through COPY's text format ---------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text_str(value: str) -> str:
    return value.translate(_ESCAPES)


def _text_other(value) -> str:
    if isinstance(value, enum.Enum):
        return copy_text(value.value)
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, datetime.date):  # dates and aware datetimes
        return value.isoformat()
    return str(value)


_TEXT = {type(None): lambda _v: "\\N", bool: lambda v: "t" if v else "f", int: str,
         str: _text_str, datetime.date: datetime.date.isoformat}


def copy_text(value) -> str:
    """One value in COPY's text format (NULL, booleans, numbers, dates, text escaped)."""
    return _TEXT.get(type(value), _text_other)(value)


def _draw_ids(cur, meta, n: int) -> list[int] | range:
    """n new primary keys from the table's sequence, in one round trip: a range when they
    came out contiguous (no concurrent writer took one in between), else the list."""
    cur.execute(
        "WITH s AS (SELECT nextval(pg_get_serial_sequence(%s, %s)) AS v "
        "FROM generate_series(1, %s)) SELECT min(v), max(v), CASE WHEN max(v) - min(v) + 1 "
        "= count(*) THEN NULL ELSE string_agg(v::text, ',' ORDER BY v) END FROM s",
        [meta.db_table, meta.pk.column, n])
    low, high, listed = cur.fetchone()
    if listed is None:
        return range(low, high + 1)
    return [int(v) for v in listed.split(",")]


class Rendered(list):
    """Rows already in COPY's text format, their values joined by tabs (`render_rows`):
    `insert_tuples` copies them as they are (PostgreSQL only)."""


def render_rows(rows) -> Rendered:
    """Rows of plain values as COPY text, for `insert_tuples` later. Needs no connection,
    so a thread may make them while the caller's connection works (`lib.beside`)."""
    text = copy_text
    return Rendered(["\t".join(map(text, row)) for row in rows])


def draw_ids(model: type[models.Model], n: int) -> list[int] | range | None:
    """n new primary keys of the model's table, drawn now from its sequence (PostgreSQL),
    for `insert_tuples(ids=…)` later: the rows' keys are known before they are written.
    None elsewhere (the database gives the keys as it inserts)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        return _draw_ids(cur, model._meta, n)


def insert_tuples(model: type[models.Model], columns: list[str], rows: list[tuple],
                  fixed: dict | None = None, *,
                  ids: bool | list[int] | range = False, raw=None) -> list[int] | range:
    """Insert new rows given as tuples of the `columns` (attnames) plus the `fixed`
    values every row shares; a field named in neither takes its default, auto_now(_add)
    the time now; a JSON column's value is JSON text. On PostgreSQL one COPY in text
    format, no model objects and no dicts (the many-row writes of a file import);
    elsewhere `bulk_create`. With `ids`, returns
    the new primary keys in the rows' order (drawn from the table's sequence first); `ids`
    may also be the keys themselves, drawn beforehand (`draw_ids`, PostgreSQL only). The
    rows may come already rendered as COPY text (`render_rows`, PostgreSQL only). `raw`: a
    psycopg cursor of the caller's connection, for a thread that copies on it while the
    caller works on (`copy_beside`; the keys given, PostgreSQL only)."""
    if not rows:
        return []
    fixed = dict(fixed or {})
    meta = model._meta
    json_keys = {f.attname for f in meta.concrete_fields if isinstance(f, models.JSONField)}
    if connection.vendor != "postgresql":
        if isinstance(rows, Rendered):
            raise TypeError("rows rendered as COPY text are for PostgreSQL only")
        loads = [i for i, c in enumerate(columns) if c in json_keys]
        objs = []
        for row in rows:
            values = dict(zip(columns, row, strict=True))
            for i in loads:  # a JSON column's value is given as JSON text
                values[columns[i]] = json.loads(row[i])
            objs.append(model(**fixed, **values))
        model.objects.bulk_create(objs, batch_size=2000)
        return [o.pk for o in objs]
    now = timezone.now()
    for f in meta.concrete_fields:
        if f.primary_key or f.attname in columns or f.attname in fixed:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            fixed[f.attname] = now
        elif f.attname in json_keys:
            fixed[f.attname] = json.dumps(f.get_default())
        else:
            fixed[f.attname] = f.get_db_prep_save(f.get_default(), connection)
    column_of = {f.attname: f.column for f in meta.concrete_fields}
    names = [column_of[c] for c in columns] + [column_of[c] for c in fixed]
    tail = "".join("\t" + copy_text(v) for v in fixed.values()) + "\n"
    qn = connection.ops.quote_name
    if raw is not None and (ids is True or ids is False):
        raise ValueError("a copy on a raw cursor takes its keys drawn beforehand")
    with (contextlib.nullcontext(raw) if raw is not None else connection.cursor()) as cur:
        new_ids: list[int] | range = []
        if ids is True:
            new_ids = _draw_ids(cur, meta, len(rows))
        elif ids is not False:
            new_ids = ids
            if len(new_ids) != len(rows):
                raise ValueError("one drawn key for each row")
        if ids is not False:
            names.insert(0, meta.pk.column)
        sql = f"COPY {qn(meta.db_table)} ({', '.join(qn(c) for c in names)}) FROM STDIN"
        text = copy_text
        rendered = isinstance(rows, Rendered)
        with cur.cursor.copy(sql) as copy:
            if raw is not None:
                raw.started.set()  # the COPY holds the connection now
            for start in range(0, len(rows), 5000):
                part = rows[start:start + 5000]
                if rendered and ids is not False:
                    lines = [f"{pk}\t{row}{tail}"
                             for pk, row in zip(new_ids[start:start + 5000], part, strict=True)]
                elif rendered:
                    lines = [row + tail for row in part]
                elif ids is not False:
                    lines = [f"{pk}\t" + "\t".join(map(text, row)) + tail
                             for pk, row in zip(new_ids[start:start + 5000], part,
                                                strict=True)]
                else:
                    lines = ["\t".join(map(text, row)) + tail for row in part]
                copy.write("".join(lines))
    return new_ids


class _Raw:
    """A psycopg cursor where `insert_tuples` expects Django's cursor wrapper, and the
    event it sets once its COPY has begun."""

    def __init__(self, cursor) -> None:
        self.cursor = cursor
        self.started = threading.Event()


def copy_beside(model: type[models.Model], columns: list[str], rows: list[tuple],
                fixed: dict | None = None, *, ids: list[int] | range) -> Callable[[], object]:
    """`insert_tuples` of rows whose keys were drawn (`draw_ids`), copied in by a thread on
    the caller's own connection (PostgreSQL), so that the caller's Python work goes on
    while PostgreSQL takes the rows in. psycopg holds the connection's lock for the whole
    COPY, which has begun when this returns: a statement the caller sends meanwhile waits
    for its end and sees the rows, in the same transaction. Returns a function that waits
    for the copy (raising its error); call it on every path before the caller's
    transaction ends."""
    from kaikukanta.lib.beside import beside

    mine = connections[connection.alias]  # the caller's wrapper (the thread has its own)
    raw = _Raw(mine.connection.cursor())

    def copy_in() -> object:
        try:
            with mine.wrap_database_errors:  # Django's errors, as on the caller's cursors
                return insert_tuples(model, columns, rows, fixed, ids=ids, raw=raw)
        finally:
            raw.started.set()  # (also when it failed before it began)
            raw.cursor.close()

    wait = beside(copy_in, name=f"copy-{model._meta.model_name}")
    raw.started.wait()
    return wait


def rows_where_any(cur, sql: str, column: str, ids: list, params: list | None = None):
    """Rows of `sql` (with `{where}` standing for "column is one of ids"): one array
    parameter on PostgreSQL, IN lists of at most 500 elsewhere."""
    if connection.vendor == "postgresql":
        ids = list(ids)
        if all(type(i) is int for i in ids):  # ids: one array literal, not adapted one by one
            cur.execute(sql.format(where=f"{column} = ANY(%s::bigint[])"),
                        [*(params or []), "{" + ",".join(map(str, ids)) + "}"])
        else:
            cur.execute(sql.format(where=f"{column} = ANY(%s)"), [*(params or []), ids])
        yield from cur.fetchall()
        return
    for i in range(0, len(ids), 500):
        part = ids[i:i + 500]
        cur.execute(sql.format(where=f"{column} IN ({', '.join(['%s'] * len(part))})"),
                    [*(params or []), *part])
        yield from cur.fetchall()
