"""Counting failed OmaKaiku attempts (activation codes, passwords, passkeys, email links)
in the cache, per card number and per client address, so guessing is slowed down."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

from kaikukanta.oma.errors import TooManyAttempts


def limits() -> tuple[int, int, int]:
    """(failures per card number, failures per client address, window in minutes)."""
    return (getattr(settings, "KAIKUKANTA_OMA_FAILURES_PER_CARD", 5),
            getattr(settings, "KAIKUKANTA_OMA_FAILURES_PER_CLIENT", 20),
            getattr(settings, "KAIKUKANTA_OMA_FAILURE_WINDOW_MINUTES", 15))


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"oma-fail:{kind}:{digest}"


def _keys(card: str, client: str) -> list[tuple[str, int]]:
    per_card, per_client, _minutes = limits()
    keys = [(_key("client", client), per_client)]
    if card:
        keys.append((_key("card", card), per_card))
    return keys


def check(*, card: str, client: str) -> None:
    """Raise TooManyAttempts when either counter is full."""
    minutes = limits()[2]
    for key, limit in _keys(card, client):
        if (cache.get(key) or 0) >= limit:
            raise TooManyAttempts(minutes=minutes)


def fail(*, card: str, client: str) -> None:
    seconds = limits()[2] * 60
    for key, _limit in _keys(card, client):
        cache.add(key, 0, seconds)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, seconds)


def clear(*, card: str) -> None:
    if card:
        cache.delete(_key("card", card))


def client_of(request) -> str:
    """The client's address as staff sign-in sees it (behind trusted proxies too)."""
    from kaikukanta.accounts.security import client_ip

    return client_ip(request) or "unknown"
