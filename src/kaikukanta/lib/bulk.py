"""Inserting many new rows at once: COPY on PostgreSQL, `bulk_create` elsewhere.

`insert_many` gives every object its primary key (on PostgreSQL the keys are drawn from the
table's sequence first, then the rows are copied in with them), fills `auto_now_add`
fields as `save()` would, and marks the objects saved. It runs in the caller's
transaction; constraints and triggers apply as to any INSERT.
"""

from __future__ import annotations

import enum
import json
import operator
from collections.abc import Callable

from django.db import connection, models
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
