"""Inserting many new rows at once: COPY on PostgreSQL, `bulk_create` elsewhere.

`insert_many` gives every object its primary key (on PostgreSQL the keys are drawn from the
table's sequence first, then the rows are copied in with them), fills `auto_now_add`
fields as `save()` would, and marks the objects saved. It runs in the caller's
transaction; constraints and triggers apply as to any INSERT.
"""

from __future__ import annotations

import enum
import operator
from collections.abc import Callable

from django.db import connection, models


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
