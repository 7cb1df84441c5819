"""Values kept in the shared cache under a version that every change bumps.

A reader reads the version *before* the database and stores what it read under that
version; a writer bumps the version at once and again when its transaction commits. So a
value read before a commit no longer matches afterwards, and the next reader after any
change reads the database again. Used by the person's cache (`accounts.scope`), cached
API keys (`api.services`) and the desk's offers (`usage.selectors.desk_offers`). On only
with a cache every process shares (the settings PERSON_CACHE and
KAIKUKANTA_API_KEY_CACHE_SECONDS); a cache that is down is read past.

`cached(..., local=True)` also keeps the value in the process, with the versions it was
stored under: a request then reads only the versions (one round trip of a few short
strings) and, while they are the same, uses that copy instead of reading and unpickling
the shared entry (model objects take longer to unpickle than the round trip). The versions
are read on every call either way, so a change shows on the very next request as before.
"""

from __future__ import annotations

import logging
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from kaikukanta.lib import readahead

logger = logging.getLogger(__name__)

TTL = 15 * 60
# the process's copies (`cached(local=True)`): {key: (stamps, taken until, value)}
_LOCAL: dict[str, tuple[tuple, float, object]] = {}
LOCAL_MOST = 2_000  # entries, then they are all forgotten (a process sees few keys/offers)
LOCAL_SECONDS = 60  # at most this long, and never longer than the shared entry's TTL


def enabled() -> bool:
    return bool(getattr(settings, "PERSON_CACHE", False))


def _set_version(key: str) -> None:
    readahead.forget(key)
    try:
        cache.set(key, uuid.uuid4().hex, None)
    except Exception:  # noqa: BLE001 - a cache that is down serves nothing stale either
        logger.warning("shared cache unavailable", exc_info=True)


# The registry's version: every save or delete of an organisation, site (unit), seller link
# or area bumps it (receivers in accounts/apps.py). People's cache entries
# (`accounts.scope`) and cached API keys (`api.services`) are both stamped with it.
REGISTRY = "person:gen"


def bump(key: str) -> None:
    """Something the values under version `key` depend on changed (always bumped, so that
    every cache stamped with it sees the change, whichever setting turns it on)."""
    _set_version(key)
    transaction.on_commit(lambda: _set_version(key))


def read(keys: list[str]) -> dict | None:
    """One round trip for several keys (None when the cache is down); keys the request
    read ahead with its session come from there (`lib.readahead`)."""
    try:
        return readahead.get_many(cache, keys)
    except Exception:  # noqa: BLE001
        logger.warning("shared cache unavailable", exc_info=True)
        return None


def version(found: dict, key: str) -> str | None:
    """The version `key` had in `found` (from `read`), made when there is none yet."""
    value = found.get(key)
    if value is None:
        _set_version(key)
        try:
            value = cache.get(key)
        except Exception:  # noqa: BLE001
            value = None
    return value


def write(key: str, value, stamps: tuple, ttl: int = TTL) -> None:
    """Keep `value` under the versions read before it was computed."""
    if None in stamps:
        return
    readahead.forget(key)
    try:
        cache.set(key, {"stamps": stamps, "value": value}, ttl)
    except Exception:  # noqa: BLE001
        logger.warning("shared cache unavailable", exc_info=True)


def current(entry, stamps: tuple):
    """The value of a cache entry written by `write` when its versions are `stamps`."""
    if entry and None not in stamps and entry.get("stamps") == stamps:
        return entry["value"]
    return None


def kept(key: str):
    """The process's copy of `key` (kept by `cached(..., local=True)`) as (versions it
    was stored under, value), or None: for a caller that reads the versions itself, in a
    round trip of its own that reads other things too (`current_kept`)."""
    copy = _LOCAL.get(key)
    if copy is None or copy[1] <= time.monotonic() or None in copy[0]:
        return None
    return copy[0], copy[2]


def current_kept(copy, version_keys: list[str], found: dict):
    """The value of `copy` (from `kept`) when the versions at `version_keys`, as the
    caller read them into `found` (a `get_many` answer), are still the ones it was
    stored under; else None (then ask `cached`, which reads them again)."""
    if copy is not None and tuple(found.get(k) for k in version_keys) == copy[0]:
        return copy[1]
    return None


def cached(key: str, version_keys: list[str], compute, *, on: bool | None = None,
           ttl: int = TTL, local: bool = False, versions: dict | None = None):
    """`compute()`, kept under `key` while the versions at `version_keys` stay (`on`:
    whether to cache at all; default the setting PERSON_CACHE). With `local`, the value
    is also kept in the process under the same versions (see the module's docstring):
    only for values no caller changes. `versions`: the versions as the caller has just
    read them in a round trip of its own in this request (a `get_many` answer), used
    instead of reading them again when it has them all."""
    if not (enabled() if on is None else on):
        return compute()
    kept = _LOCAL.get(key) if local else None
    if kept is not None and kept[1] > time.monotonic():
        if versions is not None and all(k in versions for k in version_keys):
            found = versions
        else:
            found = read(version_keys)
        if found is None:
            return compute()
        if tuple(found.get(k) for k in version_keys) == kept[0] and None not in kept[0]:
            return kept[2]
    found = read([*version_keys, key])
    if found is None:
        return compute()
    stamps = tuple(version(found, k) for k in version_keys)
    value = current(found.get(key), stamps)
    if value is None:
        value = compute()
        write(key, value, stamps, ttl)
    if local and value is not None and None not in stamps:
        if len(_LOCAL) >= LOCAL_MOST:
            _LOCAL.clear()
        _LOCAL[key] = (stamps, time.monotonic() + min(ttl, LOCAL_SECONDS), value)
    return value
