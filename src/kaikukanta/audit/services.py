"""Writing to the audit log. Every state change calls `audit_log` once."""

from __future__ import annotations

from typing import Any

from django.db import models

from kaikukanta.audit.models import AuditEntry
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
    return AuditEntry.objects.create(
        actor_id=scope.user_id,
        actor_label=scope.label[:200],
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=(target_label if target_label is not None else str(target or ""))[:200],
        area=area,
        organisation=organisation,
        changes=_jsonable(changes or {}),
    )
