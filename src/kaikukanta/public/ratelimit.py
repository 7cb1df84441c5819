"""A fixed-window request counter per client address, kept in Django's cache.

With several server processes the cache must be shared (Redis, see the deployment
settings); with the default local-memory cache each process counts on its own.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    """The client's address. Behind a reverse proxy, set KAIKUKANTA_TRUSTED_PROXY_HEADER
    (e.g. HTTP_X_REAL_IP) to the header the proxy sets; it is never read otherwise."""
    header = getattr(settings, "KAIKUKANTA_TRUSTED_PROXY_HEADER", "")
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()[:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


def hit(bucket: str, client: str, *, limit: int, window: int) -> tuple[bool, int]:
    """Count one request; returns (allowed, seconds until the window resets)."""
    now = int(time.time())
    start = now - now % window
    key = f"rl:{bucket}:{client}:{start}"
    cache.add(key, 0, window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, window + 5)
        count = 1
    return count <= limit, start + window - now
