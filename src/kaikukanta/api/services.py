"""Writes of the API app: making and revoking keys, counting requests."""

from __future__ import annotations

import datetime
import hashlib
import math
import secrets
import time

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from kaikukanta.api.errors import KeyLabelTaken
from kaikukanta.api.models import ApiKey, RateWindow
from kaikukanta.audit.services import audit_log
from kaikukanta.lib.permissions import Perm, require
from kaikukanta.lib.scope import Scope
from kaikukanta.network.models import Organisation

KEY_START = "kk_"
PREFIX_LENGTH = 8


def hash_secret(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *, scope: Scope, organisation: Organisation, label: str, can_write: bool = False,
) -> tuple[ApiKey, str]:
    """A new key for the organisation; returns the key and its secret (shown once)."""
    require(scope, Perm.MANAGE_ORGANISATION, organisation)
    label = label.strip()
    if ApiKey.objects.active().filter(organisation=organisation, label__iexact=label).exists():
        raise KeyLabelTaken()
    for _attempt in range(5):
        prefix = secrets.token_hex(PREFIX_LENGTH // 2)
        if not ApiKey.objects.filter(prefix=prefix).exists():
            break
    raw = f"{KEY_START}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        organisation=organisation, label=label, prefix=prefix, secret_hash=hash_secret(raw),
        can_write=can_write,
        created_by_id=scope.user_id,
    )
    audit_log(action="api_key.created", scope=scope, target=key,
              area=organisation.home_area, organisation=organisation,
              changes={"prefix": prefix, "label": label, "can_write": can_write})
    return key, raw


@transaction.atomic
def api_key_revoke(*, scope: Scope, api_key: ApiKey) -> ApiKey:
    key = ApiKey.objects.select_for_update().select_related("organisation").get(pk=api_key.pk)
    require(scope, Perm.MANAGE_ORGANISATION, key.organisation)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.revoked_by_id = scope.user_id
        key.save(update_fields=["revoked_at", "revoked_by"])
        audit_log(action="api_key.revoked", scope=scope, target=key,
                  area=key.organisation.home_area, organisation=key.organisation,
                  changes={"prefix": key.prefix})
    return key


def api_key_touch(*, api_key: ApiKey, every_seconds: int = 60) -> None:
    """Note when the key was last used (at most one write a minute)."""
    now = timezone.now()
    if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > every_seconds:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now


def rate_window_hit(
    *, api_key: ApiKey, bucket: str, window_seconds: int, count: bool = True
) -> tuple[int, int]:
    """Count one request in the key's current fixed window for `bucket`.

    Returns (requests in this window including this one, seconds until the window ends).
    With count=False only reads the current count.
    """
    now = time.time()
    start = int(now // window_seconds) * window_seconds
    retry_after = max(1, math.ceil(start + window_seconds - now))
    rows = RateWindow.objects.filter(api_key=api_key, bucket=bucket)
    if not count:
        row = rows.filter(window_start=start).first()
        return (row.count if row else 0), retry_after
    with transaction.atomic():
        updated = rows.update(
            count=Case(When(window_start=start, then=F("count") + 1), default=Value(1)),
            window_start=start,
        )
        if not updated:
            try:
                with transaction.atomic():
                    RateWindow.objects.create(api_key=api_key, bucket=bucket,
                                              window_start=start, count=1)
            except IntegrityError:
                rows.update(
                    count=Case(When(window_start=start, then=F("count") + 1), default=Value(1)),
                    window_start=start,
                )
        current = rows.values_list("count", flat=True).get()
    return current, retry_after


def api_records_prune(*, keep_days: int = 30) -> int:
    """Forget stored answers older than `keep_days` (a retry comes within minutes) and
    finished rate-limit windows. Returns the number of stored answers deleted."""
    from kaikukanta.api.models import IdempotentResponse

    cutoff = timezone.now() - datetime.timedelta(days=keep_days)
    deleted, _ = IdempotentResponse.objects.filter(created_at__lt=cutoff).delete()
    RateWindow.objects.filter(window_start__lt=int(time.time()) - 24 * 3600).delete()
    return deleted
