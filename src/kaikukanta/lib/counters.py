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
