"""Querysets compiled to SQL once per process and run again with new values.

Building a queryset and compiling it (joins, sub-queries, a row lock) costs more Python
than the database spends answering it, which on the desk's and the partner API's hot path
is paid on every request. `Prepared(build)` calls `build` once per database connection's
vendor with stand-in values, keeps the SQL Django compiled from it and where each
stand-in landed among its parameters, and from then on `objects(**values)` runs that SQL
with the real values and makes the model objects as Django's queryset would (its own
column converters, `select_related` objects and annotations), or the tuples of a
`values_list()` queryset. The SQL is Django's own, so
it is right for SQLite and PostgreSQL alike; only the values change between runs.
`PreparedInsert(Model)` does the same for one row's INSERT (the look-up log's).

A value must be passed as the queryset's own filter value (a primary key, a string, a
date): the stand-ins are found among the compiled parameters by equality, so each
stand-in must reach the SQL unchanged (or, for a date on SQLite, as its ISO text).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators
from django.db.models.sql import InsertQuery
from django.db.transaction import TransactionManagementError

# the primary database: the hot path reads what it writes (`lib.routers`)
PRIMARY = "default"
# stand-ins no real value equals (keys are positive; card numbers are letters and digits)
_STAND_INS: dict[type, Callable[[int], Any]] = {
    int: lambda i: -7_301_000 - i,
    str: lambda i: f"\x00stand-in {i}\x00",
    datetime.date: lambda i: datetime.date(1901, 1, 1) + datetime.timedelta(days=i),
}


class _Compiled:
    """One vendor's SQL of a prepared queryset and how to read its rows."""

    def __init__(self, queryset: QuerySet, stand_ins: dict[str, Any]) -> None:
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        self.sql = sql
        self.alias = queryset.db
        self.locks = bool(queryset.query.select_for_update)
        # each parameter: ("value", name, as_text) for a stand-in, else ("fixed", value)
        self.slots: list[tuple] = []
        found = set()
        for param in params:
            for name, stand_in in stand_ins.items():
                if param == stand_in or (not isinstance(stand_in, str) and param == str(stand_in)):
                    self.slots.append(("value", name, param != stand_in))
                    found.add(name)
                    break
            else:
                self.slots.append(("fixed", param))
        missing = set(stand_ins) - found
        if missing:
            raise ValueError(f"prepared queryset lost its values {sorted(missing)}")
        select, klass_info = compiler.select, compiler.klass_info
        if queryset._iterable_class not in (ModelIterable, ValuesListIterable):
            raise ValueError("prepared querysets give model objects or values_list() tuples")
        # None: a values_list() queryset's tuples
        self.model = klass_info["model"] if queryset._iterable_class is ModelIterable else None
        if self.model is not None:
            fields = klass_info["select_fields"]
            self.start, self.end = fields[0], fields[-1] + 1
            self.init_list = [col[0].target.attname for col in select[self.start : self.end]]
            self.populators = get_related_populators(klass_info, select, self.alias)
            self.annotations = list(compiler.annotation_col_map.items())
        self.converters = list(
            compiler.get_converters([col[0] for col in select[0 : compiler.col_count]]).items()
        )

    def objects(self, values: dict[str, Any]) -> list:
        connection = connections[self.alias]
        if self.locks and connection.features.has_select_for_update and connection.get_autocommit():
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        params = [
            slot[1]
            if slot[0] == "fixed"
            else (str(values[slot[1]]) if slot[2] else values[slot[1]])
            for slot in self.slots
        ]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        found = []
        for row in rows:
            row = list(row)
            for pos, (functions, expression) in self.converters:
                value = row[pos]
                for function in functions:
                    value = function(value, expression, connection)
                row[pos] = value
            if self.model is None:
                found.append(tuple(row))
                continue
            obj = self.model.from_db(self.alias, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, pos in self.annotations:
                setattr(obj, name, row[pos])
            found.append(obj)
        return found


class Prepared:
    """`build(**values)` -> a queryset of model objects (or of `values_list()` tuples),
    compiled once per vendor.

    `types` names each value's type (int, str or datetime.date); `objects(**values)` gives
    what `list(build(**values))` would, from SQL compiled once, always on the primary
    database."""

    def __init__(self, build: Callable[..., QuerySet], **types: type) -> None:
        self.build = build
        self.types = types
        self.compiled: dict[str, _Compiled] = {}

    def objects(self, **values: Any) -> list:
        key = connections[PRIMARY].vendor
        compiled = self.compiled.get(key)
        if compiled is None:
            stand_ins = {
                name: _STAND_INS[kind](i) for i, (name, kind) in enumerate(self.types.items())
            }
            compiled = _Compiled(self.build(**stand_ins).using(PRIMARY), stand_ins)
            self.compiled[key] = compiled
        return compiled.objects(values)

    def first(self, **values: Any):
        found = self.objects(**values)
        return found[0] if found else None


class PreparedInsert:
    """`PreparedInsert(Model)`: one row's INSERT of all its concrete fields but the
    primary key, compiled once per vendor; `insert(**values)` runs it.

    Each value is made ready for the database by its field as `save()` would
    (`get_db_prep_save`); a field left out takes its default, and an `auto_now_add` or
    `auto_now` field the current time (`pre_save`). The row's key is not read back: for
    rows nobody reads in the same request (a log)."""

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.sql: dict[str, str] = {}

    def _sql(self, connection) -> str:
        sql = self.sql.get(connection.vendor)
        if sql is None:
            query = InsertQuery(self.model)
            query.insert_values(self.fields, [self.model()])
            [(sql, _params)] = query.get_compiler(connection=connection).as_sql()
            self.sql[connection.vendor] = sql
        return sql

    def insert(self, **values: Any) -> None:
        connection = connections[PRIMARY]
        row = self.model(**values)  # defaults and the `auto_now_add` time as `save()`
        params = [f.get_db_prep_save(f.pre_save(row, True), connection) for f in self.fields]
        with connection.cursor() as cursor:
            cursor.execute(self._sql(connection), params)
