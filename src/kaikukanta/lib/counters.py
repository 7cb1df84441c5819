"""Counters in fixed windows, kept in the cache (per-key request limits and the like)."""

from __future__ import annotations

from django.core.cache import cache


def count(key: str, *, timeout: int, delta: int = 1) -> int:
    """Add `delta` to the counter at `key` (made from 0, living `timeout` seconds, when it
    is missing) and return its new value: one round trip with Redis
    (`lib.cache.RedisCache.count`), `add` + `incr` with other caches."""
    counter = getattr(cache, "count", None)
    if counter is not None:
        return counter(key, delta, timeout)
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key, delta)
    except ValueError:  # expired between add and incr
        cache.set(key, delta, timeout=timeout)
        return delta


def count_and_get(key: str, keys: list[str], *, timeout: int, delta: int = 1,
                  ) -> tuple[int, dict]:
    """`count`, and the cache's values at `keys` (as `cache.get_many`): one round trip and
    one command with Redis (`lib.cache.RedisCache.count_and_get`), two calls otherwise."""
    both = getattr(cache, "count_and_get", None)
    if both is not None:
        return both(key, keys, delta=delta, timeout=timeout)
    return count(key, timeout=timeout, delta=delta), cache.get_many(keys)
