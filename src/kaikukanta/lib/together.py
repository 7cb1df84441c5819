"""Inserting a new row and the rows that go with it in one SQL statement.

On PostgreSQL, `insert_with(obj, follow)` is one statement: the row's INSERT and the other
rows' INSERTs as data-modifying WITH clauses, each of them able to take the new row's key
(an audit entry's `target_id`). Elsewhere it is one INSERT each. Either way it runs in the
caller's transaction, with the same defaults, `auto_now_add` values and constraints as
`save()`; `obj` gets its primary key and is marked saved (the other rows are not read
back).

The statement's SQL depends only on the models and which attname takes the key, so it is
built once per such shape and process (the use, its audit entry and its look-up log row on
every recording); each run makes only its values, as Django's INSERT does
(`pre_save`, then `get_db_prep_save`).
"""

from __future__ import annotations

from django.db import connection, models
from django.db.models.sql import InsertQuery

# (model, ((row model, ref), …)) -> the statement's SQL (PostgreSQL)
_SQL: dict[tuple, str] = {}


def insert_with(obj: models.Model,
                follow: list[tuple[models.Model, str | None]] = ()) -> None:
    """Insert `obj` and each unsaved row of `follow`: (row, the attname that takes
    obj's key, or None)."""
    follow = [(row, ref) for row, ref in follow if row is not None]
    if connection.vendor != "postgresql" or not follow:
        obj.save(force_insert=True)
        for row, ref in follow:
            if ref:
                setattr(row, ref, _key_as(row, ref, obj.pk))
            row.save(force_insert=True)
        return
    shape = (type(obj), tuple((type(row), ref) for row, ref in follow))
    sql = _SQL.get(shape)
    rows = [_values(obj, None), *(_values(row, ref) for row, ref in follow)]
    if sql is None or None in rows:
        sql, params = _statement(obj, follow)
        if None not in rows:
            _SQL[shape] = sql
    else:
        params = [value for values in rows for value in values]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        obj.pk = cur.fetchone()[0]
    obj._state.adding = False
    obj._state.db = connection.alias


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _values(row: models.Model, ref: str | None) -> list | None:
    """The row's values for its INSERT as `save()` makes them (the field `ref` left out:
    it takes the first row's key in the SQL), or None when one of them is an expression
    (its SQL is part of the statement: built afresh)."""
    values = []
    for field in _fields(type(row)):
        if field.attname == ref:
            continue
        value = field.pre_save(row, True)
        if hasattr(value, "resolve_expression"):
            return None
        values.append(field.get_db_prep_save(value, connection))
    return values


def _statement(obj: models.Model, follow: list) -> tuple[str, list]:
    """The statement's SQL and values, built by Django's INSERT compiler for `obj`."""
    qn = connection.ops.quote_name
    meta = obj._meta
    query = InsertQuery(type(obj))
    query.insert_values(_fields(type(obj)), [obj])
    [(sql, params)] = query.get_compiler(connection=connection).as_sql()
    pk = qn(meta.pk.column)
    clauses = [f"w0 AS ({sql} RETURNING {pk})"]
    params = list(params)
    for i, (row, ref) in enumerate(follow, start=1):
        columns, values = [], []
        for field in _fields(type(row)):
            columns.append(qn(field.column))
            if field.attname == ref:
                cast = "::text" if isinstance(field, models.CharField) else ""
                values.append(f"(SELECT {pk} FROM w0){cast}")  # noqa: S608
            else:
                values.append("%s")
                params.append(field.get_db_prep_save(field.pre_save(row, True), connection))
        clauses.append(f"w{i} AS (INSERT INTO {qn(row._meta.db_table)} "  # noqa: S608
                       f"({', '.join(columns)}) VALUES ({', '.join(values)}))")
    return f"WITH {', '.join(clauses)} SELECT {pk} FROM w0", params  # noqa: S608


def _key_as(row: models.Model, attname: str, pk):
    field = next(f for f in row._meta.concrete_fields if f.attname == attname)
    return str(pk) if isinstance(field, models.CharField) else pk
