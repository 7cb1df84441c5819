"""Keys of the API app: making, revoking and checking them, counting their requests."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import math
import secrets
import time
from collections.abc import Callable
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kaikukanta.api.errors import KeyLabelTaken
from kaikukanta.api.models import ApiKey, IdempotentResponse
from kaikukanta.audit.services import audit_log
from kaikukanta.lib import counters, versioned_cache
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
        key.save(update_fields=["revoked_at", "revoked_by"])  # forgets the cached key
        audit_log(action="api_key.revoked", scope=scope, target=key,
                  area=key.organisation.home_area, organisation=key.organisation,
                  changes={"prefix": key.prefix})
    return key


def api_key_touch(*, api_key: ApiKey, first_in_window: bool, every_seconds: int = 60,
                  ) -> None:
    """Note when the key was last used, at most once a minute.

    With the key cache the key may come from the cache, its last use as it was then: the
    rate limit's counter says instead (`rate_limit_hit`: shared by every worker, so one
    request a window is its first) and the key is noted on the first request of each
    window (a minute by default). Without it the key row read for this request says
    whether `every_seconds` have passed."""
    now = timezone.now()
    if key_cache_seconds():
        if not first_in_window:
            return
    elif (api_key.last_used_at is not None
          and (now - api_key.last_used_at).total_seconds() <= every_seconds):
        return
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    api_key.last_used_at = now


def rate_limit() -> tuple[int, int]:
    """(requests, window seconds) allowed per key for all requests."""
    return (getattr(settings, "KAIKUKANTA_API_RATE_LIMIT", 300),
            getattr(settings, "KAIKUKANTA_API_RATE_WINDOW", 60))


def rate_limit_hit(*, api_key: ApiKey, window_seconds: int) -> tuple[int, int]:
    """Count one request in the key's current fixed window.

    The counter lives in Django's cache (shared by every worker when the cache is Redis,
    one round trip; per process with the local-memory cache). Returns (requests in this
    window including this one, seconds until the window ends).
    """
    counter, retry_after = _rate_counter(api_key.prefix, window_seconds)
    used = counters.count(counter, timeout=window_seconds + 1)
    return used, retry_after


def _rate_counter(prefix: str, window_seconds: int) -> tuple[str, int]:
    """The key's counter for the current window, and the seconds until the window ends."""
    now = time.time()
    start = int(now // window_seconds) * window_seconds
    return f"api-rate:{prefix}:{start}", max(1, math.ceil(start + window_seconds - now))


class KeyRequest(NamedTuple):
    """What `api_key_request` found: the key (None: refused), the requests in its window
    including this one, the seconds until the window ends, and the values of the caller's
    other cache keys when they were read in the same round trip (else None)."""

    key: ApiKey | None
    used: int
    retry_after: int
    read: dict | None = None


def api_key_request(raw: str, *, window_seconds: int,
                    also: Callable[[ApiKey], list[str]] | None = None) -> KeyRequest:
    """The active key with this secret (`api_key_for_secret`) with the request counted
    against its limit (`rate_limit_hit`); a secret that finds no usable key counts nothing.

    When the process keeps the key (the key cache, `versioned_cache.kept`) and the secret
    is that key's, this is one cache round trip: the count, the key's versions (the kept
    key is used only while they are the ones it was kept under: a revocation, or a change
    of its organisation or area, is seen on this request as before) and the keys
    `also(key)` names, whose values come back in `read`. Only a caller holding the key's
    secret is counted before the versions are read, so a wrong secret never counts against
    a key. Otherwise the key is found as `api_key_for_secret` finds it, then counted."""
    raw = (raw or "").strip()
    prefix = _prefix_of(raw)
    copy = (versioned_cache.kept(_entry_key(prefix))
            if prefix is not None and key_cache_seconds() else None)
    if copy is not None and _secret_matches(copy[1], raw):
        counter, retry_after = _rate_counter(prefix, window_seconds)
        versions = _versions(prefix)
        extra = also(copy[1]) if also is not None else []
        used, found = counters.count_and_get(counter, [*versions, *extra],
                                             timeout=window_seconds + 1)
        key = versioned_cache.current_kept(copy, versions, found)
        if key is None:  # changed since it was kept: found again (the request is counted)
            return KeyRequest(api_key_for_secret(raw), used, retry_after)
        return KeyRequest(_usable(key), used, retry_after,
                          {k: found[k] for k in extra if k in found})
    key = api_key_for_secret(raw)
    if key is None:
        return KeyRequest(None, 0, 0)
    used, retry_after = rate_limit_hit(api_key=key, window_seconds=window_seconds)
    return KeyRequest(key, used, retry_after)


def api_key_for_secret(raw: str) -> ApiKey | None:
    """The active key of an active organisation with this secret, or None.

    With `KAIKUKANTA_API_KEY_CACHE_SECONDS` (on with Redis, shared by every worker), the
    key row and its organisation come from the cache: no SQL statement per request. Every
    write that changes what is cached (a key revoked or saved, its organisation or area
    saved) forgets it at once and again when its transaction commits (`forget_keys`), so
    a revocation takes effect on the next request."""
    raw = (raw or "").strip()
    prefix = _prefix_of(raw)
    if prefix is None:
        return None
    key = _cached_key(prefix)
    if key is None or not _secret_matches(key, raw):
        return None
    return _usable(key)


def _prefix_of(raw: str) -> str | None:
    if not raw.startswith(KEY_START) or len(raw) > 200:
        return None
    return raw[len(KEY_START):len(KEY_START) + PREFIX_LENGTH]


def _secret_matches(key: ApiKey, raw: str) -> bool:
    return hmac.compare_digest(key.secret_hash, hash_secret(raw))


def _usable(key: ApiKey) -> ApiKey | None:
    """The key, unless it is revoked or its organisation inactive."""
    if key.is_revoked or not key.organisation.is_active:
        return None
    return key


def key_cache_seconds() -> int:
    return getattr(settings, "KAIKUKANTA_API_KEY_CACHE_SECONDS", 0)


def _key_version(prefix: str) -> str:
    return f"api-key:ver:{prefix}"


def _cached_key(prefix: str) -> ApiKey | None:
    """The key row with its organisation and area, kept in the shared cache under the
    key's own version and the registry's (`lib.versioned_cache`: any organisation or area
    saved or deleted bumps the registry's, for people and keys alike)."""
    def read():
        return (ApiKey.objects.select_related("organisation__home_area")
                .filter(prefix=prefix).first())

    seconds = key_cache_seconds()
    if not seconds:
        return read()
    # `local`: the process keeps its copy under the same versions, so a request reads
    # only the versions and unpickles no key, organisation and area
    return versioned_cache.cached(_entry_key(prefix), _versions(prefix), read,
                                  on=True, ttl=seconds, local=True)


def _entry_key(prefix: str) -> str:
    return f"api-key:{prefix}"


def _versions(prefix: str) -> list[str]:
    """The versions a cached key is kept under: the registry's and the key's own."""
    return [versioned_cache.REGISTRY, _key_version(prefix)]


def forget_keys(prefixes) -> None:
    """Drop cached keys (`api_key_for_secret`): their versions are bumped now and again
    when the transaction that changed them commits, so a request that read the old row
    before the commit stored it under a version that no longer matches."""
    for prefix in prefixes:
        versioned_cache.bump(_key_version(prefix))


def api_records_prune(*, keep_days: int = 30) -> int:
    """Forget stored answers older than `keep_days` (a retry comes within minutes).
    Returns the number of stored answers deleted."""
    cutoff = timezone.now() - datetime.timedelta(days=keep_days)
    deleted, _ = IdempotentResponse.objects.filter(created_at__lt=cutoff).delete()
    return deleted
