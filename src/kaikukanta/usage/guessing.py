"""Resolving a card number: the one place that limits learning which numbers exist.

Every path that answers differently for a registered number and an unregistered one – the
desk look-up, recording a use at the desk, from a paper form, from a file and through the
API, and the API's card calls – goes through here:

- `check(scope)` before the number is resolved: once the person, or any organisation they
  act for, has had LIMIT unknown numbers in the current window, every resolution is
  refused with `LookupThrottled` (429) – also of real cards, so the refusal says nothing;
- `note(scope, results)` after: each resolved number is logged (`LookupLog`, with the area
  of the organisation, so the area's culture coordinators see it) and each unknown one
  counts against the person *and* the organisation – an organisation's people and API
  keys share one allowance, so a second key or account does not start afresh.

The counters live in Django's cache (Redis in production): one per person and one per
organisation for each window of WINDOW minutes. A file upload counts every unknown
number in it; a file with more than FEW_IN_FILE unknown numbers is refused as a whole,
naming only the first FEW_IN_FILE (`imports.uses_upload`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from kaikukanta.lib import readahead
from kaikukanta.lib.beside import beside
from kaikukanta.lib.bulk import insert_tuples
from kaikukanta.lib.prepared import PreparedInsert
from kaikukanta.lib.scope import Scope
from kaikukanta.usage import errors

# A file may name at most this many unknown numbers; with more it is refused whole.
FEW_IN_FILE = 3


def limit() -> tuple[int, int]:
    """(unknown numbers allowed, window in minutes) before resolutions are refused."""
    return (getattr(settings, "KAIKUKANTA_LOOKUP_UNKNOWN_LIMIT", 10),
            getattr(settings, "KAIKUKANTA_LOOKUP_WINDOW_MINUTES", 15))


def counter_keys(scope: Scope) -> list[str]:
    """The cache keys of the scope's counters in the current window."""
    _n, minutes = limit()
    window = int(time.time() // (minutes * 60))
    keys = [f"guess:org:{org}:{window}" for org in sorted(scope.staff_org_ids)]
    if scope.user_id is not None:
        keys.append(f"guess:person:{scope.user_id}:{window}")
    if not keys:  # neither a person nor an organisation: the label alone
        keys.append(f"guess:label:{scope.label}:{window}")
    return keys


def _area_id(scope: Scope) -> int | None:
    ids = sorted(scope.staff_area_ids) or sorted(scope.coordinator_area_ids)
    return ids[0] if ids else None


def _log_values(scope: Scope, rows: list[tuple[str, bool, bool]]) -> list[dict]:
    label = scope.label
    if not label and scope.user_id is not None:
        from kaikukanta.accounts.models import User

        label = User.objects.filter(pk=scope.user_id).values_list("email", flat=True).first()
    area_id = _area_id(scope)
    return [{"user_id": scope.user_id, "actor_label": label or "", "area_id": area_id,
             "number": number[:16], "found": found, "throttled": throttled}
            for number, found, throttled in rows]


def _log(scope: Scope, rows: list[tuple[str, bool, bool]]) -> None:
    from kaikukanta.usage.models import LookupLog

    if len(rows) > 100:  # a file's rows: one COPY on PostgreSQL, plain tuples
        shared = _log_values(scope, [("", False, False)])[0]
        insert_tuples(LookupLog, ["number", "found", "throttled"],
                      [(number[:16], found, throttled) for number, found, throttled in rows],
                      {k: shared[k] for k in ("user_id", "actor_label", "area_id")})
        return
    values = _log_values(scope, rows)
    if len(values) == 1:  # a look-up: one INSERT (bulk_create adds BEGIN … COMMIT round trips)
        log_row_insert(values[0])
        return
    LookupLog.objects.bulk_create([LookupLog(**v) for v in values])


_LOG_INSERT = None


def log_row_insert(values: dict) -> None:
    """Write one look-up log row (`_log_values`' dict) with its INSERT compiled once per
    process (`lib.prepared.PreparedInsert`): the desk's and the partner API's look-ups
    write one on every request."""
    global _LOG_INSERT
    if _LOG_INSERT is None:
        from kaikukanta.usage.models import LookupLog

        _LOG_INSERT = PreparedInsert(LookupLog)
    _LOG_INSERT.insert(**values)


def found_log_row(resolution: Resolution):
    """The (unsaved) log row of a number found by a write that succeeds, for the write to
    insert with its own rows (one statement; `lib.together`), or None when there is
    nothing to log. `resolving` then notes nothing more (a found number counts for
    nothing). Only for a resolution of `resolving` that found the card."""
    from kaikukanta.usage.models import LookupLog

    scope = resolution.scope
    if scope is None or scope.is_system or resolution.found is not True:
        return None
    resolution.logged = True
    return LookupLog(**_log_values(scope, [(resolution.text, True, False)])[0])


def check(scope: Scope, numbers: Iterable[str] = ()) -> None:
    """Refuse (429) when the person or one of their organisations has used up the
    window's unknown numbers; the refused numbers are logged as slowed down."""
    if scope.is_system:  # the registry itself (loaders, commands) is not guessing
        return
    most, minutes = limit()
    counts = _counts(scope, counter_keys(scope))
    if any(n >= most for n in counts.values()):
        _log(scope, [(n, False, True) for n in list(numbers)[:FEW_IN_FILE]] or
             [("", False, True)])
        raise errors.LookupThrottled(minutes=minutes)


# The counters a caller has just read for one scope in a round trip of its own (the
# partner API reads them with its key, `api.core.KeyAuth`): (scope, keys, values), used by
# the next `check` of that very scope object in this thread, once.
_READ: ContextVar[tuple[Scope, tuple[str, ...], dict] | None] = ContextVar(
    "guessing_counts_read", default=None)


def counts_read(scope: Scope, keys: list[str], found: dict) -> None:
    """The counters at `keys` (`counter_keys(scope)`) as the caller has just read them (a
    `get_many` answer): the next `check` of this same scope object in this thread takes
    them instead of reading them again, if its keys are still these (same window)."""
    _READ.set((scope, tuple(keys), found))


def _counts(scope: Scope, keys: list[str]) -> dict:
    read = _READ.get()
    if read is not None:
        _READ.set(None)
        if read[0] is scope and read[1] == tuple(keys):
            return read[2]
    return readahead.get_many(cache, keys)  # a page's: read with its session


def note(scope: Scope, results: Iterable[tuple[str, bool]]) -> int:
    """Log resolved numbers (number, found) and count the unknown ones. Returns how many
    were unknown. Call it outside a transaction that may roll back (the log must stay)."""
    results = list(results)
    if not results or scope.is_system:
        return 0
    _log(scope, [(number, found, False) for number, found in results])
    unknown = sum(1 for _number, found in results if not found)
    if unknown:
        _n, minutes = limit()
        keys = counter_keys(scope)
        readahead.forget(*keys)
        for key in keys:
            cache.add(key, 0, timeout=minutes * 60 + 60)
            try:
                cache.incr(key, unknown)
            except ValueError:  # expired between add and incr
                cache.set(key, unknown, timeout=minutes * 60 + 60)
    return unknown


# From this many numbers (more than `imports.WORKER_FROM`: a file the background worker
# saves, never a web request) the log is written beside the file's transaction
# (`note_aside`).
ASIDE_FROM = 5_001


def note_aside(scope: Scope, results: list[tuple[str, bool]]) -> Callable[[], int]:
    """`note`, started now and written beside the caller's open transaction: on PostgreSQL,
    for a file of ASIDE_FROM numbers or more, outside any enclosing transaction, a thread
    writes the log and the counts on a connection of its own, so its COPY and its
    foreign-key checks run on another core while the caller writes the file's uses (the
    log is committed on its own either way: it stays whatever becomes of the file).
    Elsewhere nothing starts here. Returns a function that waits for the note (or makes
    it) and gives `note`'s answer; call it after the caller's transaction, also on error."""
    if (len(results) < ASIDE_FROM or scope.is_system or connection.vendor != "postgresql"
            or len(connection.atomic_blocks) > 1):
        return lambda: note(scope, results)
    return beside(lambda: note(scope, results), name="lookup-log")


class Resolution:
    """What a call found out about the number: None until the card was looked for."""

    found: bool | None = None
    number: str = ""
    # set by `resolving`: who resolves which text, and whether the write logged it itself
    scope: Scope | None = None
    text: str = ""
    logged: bool = False


@contextmanager
def resolving(scope: Scope, number: str):
    """Around a call that may resolve one number: checks first; afterwards notes the
    number when the call looked for the card (it sets `found`, or raises `CardUnknown`).
    A refusal that tells the card exists (expired, too many children …) counts as found;
    a refusal before the card was looked for (a bad date, offer …) is not noted."""
    from kaikukanta.cards.errors import CardUnknown

    check(scope, [number])
    resolution = Resolution()
    resolution.scope, resolution.text = scope, number
    try:
        yield resolution
    except CardUnknown:
        resolution.found = False
        resolution.logged = False
        raise
    finally:
        if resolution.found is not None and not resolution.logged:
            note(scope, [(number, resolution.found)])


# Refusals that tell a typed number is a card (registering, issuing, replacing).
CARD_EXISTS_CODES = frozenset({"card_already_registered", "card_voided", "card_wrong_kind",
                               "card_not_in_stock"})


def call_resolving(scope: Scope, number: str, call):
    """Run a service `call` that resolves a typed card number (registering a printed card,
    issuing a community card, replacing a card with a new number) under the limit: an
    unknown number counts, a refusal that tells the card exists or a success is found."""
    from kaikukanta.lib.errors import DomainError

    with resolving(scope, number) as resolution:
        try:
            result = call()
        except DomainError as exc:
            if exc.code in CARD_EXISTS_CODES:
                resolution.found = True
            raise
        resolution.found = True
        return result
