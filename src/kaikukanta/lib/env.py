"""Typed helpers for reading configuration from environment variables."""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def cache_settings(redis_url: str | None) -> dict:
    """Django's CACHES: Django's Redis backend for a URL (with its clients reused and
    counters in one round trip, `lib.cache`), else this process's memory.

    Redis is shared by every app server (dashboard results, rate-limit counters); local
    memory is per process and fits one machine's development and the test suite.
    """
    if redis_url:
        return {
            "default": {
                "BACKEND": "kaikukanta.lib.cache.RedisCache",
                "LOCATION": redis_url,
                "KEY_PREFIX": "kaikukanta",
                "TIMEOUT": 60 * 60,
                "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
            }
        }
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kaikukanta",
            "TIMEOUT": 60 * 60,
        }
    }
