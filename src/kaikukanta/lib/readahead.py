"""A signed-in request's reads of the shared cache in one round trip.

Every request of a signed-in person reads its session from the shared cache (Redis), then,
one after another, the person's cache entry (`accounts.scope`), the look-up counters
(`usage.guessing`) and, at the desk, the offers' version (`lib.versioned_cache`): a round
trip each, every one waiting on the last. The keys a session's requests read are nearly
always the same, so this process remembers, per session, the keys its last request read
(`hint`), and the next request of the session reads them together with the session itself
(`start`: one `get_many`). The readers then take their values from what was read ahead
(`get_many`), each key once; a key not read ahead (a new look-up window, a new page) is
read from the cache as before, and is read ahead next time.

What a reader gets is what the cache held when the request began, as if it had read it
then: every value read ahead is read in the same request, none is kept across requests
(`finish` drops them at the request's end, `request_started` and `request_finished` in
`lib.apps`). A key that this request changes (a version bumped, a counter counted, an
entry written) is dropped from what was read ahead (`forget`), so a read after the change
goes to the cache; a second read of a key goes to the cache too. Only the session's own
read starts a read-ahead, so requests without a session (the partner API) read as before.
"""

from __future__ import annotations

from contextvars import ContextVar

_NOT_READ = object()
_MISSING = object()

# per session (its cache key): the keys the session's last request read, in order
_HINTS: dict[str, tuple[str, ...]] = {}
HINTS_MOST = 20_000  # sessions, then they are all forgotten (a process serves a few hundred)
KEYS_MOST = 16  # keys remembered per session


class _Ahead:
    __slots__ = ("owner", "found", "read")

    def __init__(self, owner: str, found: dict):
        self.owner, self.found, self.read = owner, found, []


_STATE: ContextVar[_Ahead | None] = ContextVar("kaikukanta_readahead", default=None)


def start(owner: str, cache):
    """Read the key `owner` (a session's cache key) and the keys its last request read in
    one round trip (`cache.get_many`; raises as it does); keep the others for this request's
    readers. Returns the value of `owner`, None when it is not in the cache."""
    keys = [owner, *_HINTS.get(owner, ())]
    found = cache.get_many(keys)
    value = found.pop(owner, None)
    _STATE.set(_Ahead(owner, {key: found.get(key, _MISSING) for key in keys[1:]}))
    return value


def get_many(cache, keys: list[str]) -> dict:
    """`cache.get_many(keys)`, with the keys read ahead for this request taken from there
    (each once) and only the others read from the cache."""
    state = _STATE.get()
    if state is None:
        return cache.get_many(keys)
    state.read.extend(keys)
    out, rest = {}, []
    for key in keys:
        value = state.found.pop(key, _NOT_READ)
        if value is _NOT_READ:
            rest.append(key)
        elif value is not _MISSING:
            out[key] = value
    if rest:
        out.update(cache.get_many(rest))
    return out


def forget(*keys: str) -> None:
    """This request changes these keys: a later read goes to the cache."""
    state = _STATE.get()
    if state is not None:
        for key in keys:
            state.found.pop(key, None)


def finish(**_kwargs) -> None:
    """The request ends: drop what was read ahead and remember the keys the session read
    (a receiver of `request_started` and `request_finished`)."""
    state = _STATE.get()
    if state is None:
        return
    _STATE.set(None)
    if state.read:
        if len(_HINTS) >= HINTS_MOST:
            _HINTS.clear()
        _HINTS[state.owner] = tuple(dict.fromkeys(state.read))[:KEYS_MOST]


def active() -> bool:
    """Whether this request read ahead (for tests)."""
    return _STATE.get() is not None
