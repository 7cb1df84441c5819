"""Writing to the audit log. Every state change calls `audit_log` once."""

from __future__ import annotations

from typing import Any

from django.db import models

from kaikukanta.audit.models import AuditEntry
from kaikukanta.lib.bulk import Rendered, insert_rows, insert_tuples, render_rows
from kaikukanta.lib.scope import Scope


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def audit_log(
    *,
    action: str,
    scope: Scope,
    target: models.Model | None = None,
    target_label: str | None = None,
    area=None,
    organisation=None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record an action by the scope's actor (a person, an API key or the system).
    `target_label` defaults to str(target): never pass holder data."""
    entry = audit_entry(action=action, scope=scope, target=target, target_label=target_label,
                        area=area, organisation=organisation, changes=changes)
    entry.save(force_insert=True)
    return entry


def audit_log_many(*, scope: Scope, entries: list[dict[str, Any]]) -> None:
    """Record many actions at once (a file import): each dict holds `audit_log`'s other
    arguments; the entries are the same as one `audit_log` call each."""
    insert_rows(AuditEntry, [audit_values(scope=scope, **e) for e in entries])


def audit_rows_render(rows: list[tuple[int | str, str, str]]) -> Rendered:
    """`audit_log_rows`' rows rendered as COPY text beforehand (PostgreSQL): needs no
    connection, so a thread may make them while the caller's connection works."""
    return render_rows([(str(pk), label[:200], changes) for pk, label, changes in rows])


def audit_log_rows(*, scope: Scope, action: str, target_type: type[models.Model],
                   rows: list[tuple[int | str, str, str]] | Rendered, area=None,
                   organisation=None) -> None:
    """Record many actions of one kind on one kind of object at once (a file import's
    uses): `rows` are (target id, target label, changes as JSON text) — the same entries
    as one `audit_log` call each, written with one COPY and no dicts or model objects —
    or those rows rendered already (`audit_rows_render`)."""
    base = audit_values(action=action, scope=scope, area=area, organisation=organisation)
    fixed = {"actor_id": base["actor_id"], "actor_label": base["actor_label"],
             "action": action, "target_type": target_type._meta.label_lower,
             "area_id": base["area_id"], "organisation_id": base["organisation_id"]}
    if not isinstance(rows, Rendered):
        rows = [(str(pk), label[:200], changes) for pk, label, changes in rows]
    insert_tuples(AuditEntry, ["target_id", "target_label", "changes"], rows, fixed)


def audit_entry(
    *,
    action: str,
    scope: Scope,
    target: models.Model | None = None,
    target_label: str | None = None,
    area=None,
    organisation=None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """The unsaved entry of `audit_log`."""
    values = audit_values(action=action, scope=scope, target=target,
                          target_label=target_label, changes=changes)
    del values["area_id"], values["organisation_id"]  # the objects themselves, below
    return AuditEntry(area=area, organisation=organisation, **values)


def audit_values(*, action: str, scope: Scope, target=None, target_label: str | None = None,
                 area=None, organisation=None, changes: dict[str, Any] | None = None) -> dict:
    """An entry's plain values, for `insert_rows`."""
    return {
        "actor_id": scope.user_id,
        "actor_label": scope.label[:200],
        "action": action,
        "target_type": target._meta.label_lower if target is not None else "",
        "target_id": str(target.pk) if target is not None else "",
        "target_label": (target_label if target_label is not None
                         else str(target or ""))[:200],
        "changes": _jsonable(changes or {}),
        "area_id": area.pk if area is not None else None,
        "organisation_id": organisation.pk if organisation is not None else None,
    }
