"""The health check in the process, and the cache configuration."""

from __future__ import annotations

import os

import pytest
from django.core.cache import caches

from kaikukanta.lib.env import cache_settings

pytestmark = pytest.mark.django_db

REDIS_TEST_URL = "redis://127.0.0.1:6379/3"  # this project's test DB number on the shared Redis


def test_healthz_is_public_and_says_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["checks"]["database:default"] == "ok"


def test_healthz_fails_when_the_cache_does_not_answer(client, settings):
    # nothing listens there (the settings fixture resets Django's cache handler)
    settings.CACHES = cache_settings("redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable",
                               "checks": {"database:default": "ok", "cache": "failed"}}


def test_healthz_refuses_writes(client):
    assert client.post("/healthz").status_code == 405


def test_tests_run_on_local_memory():
    assert caches["default"].__class__.__name__ == "LocMemCache"


@pytest.mark.redis
def test_redis_url_selects_djangos_redis_backend_and_it_answers():
    config = cache_settings(REDIS_TEST_URL)["default"]
    assert config["BACKEND"] == "kaikukanta.lib.cache.RedisCache"
    from django.core.cache.backends.redis import RedisCache as DjangosRedisCache

    from kaikukanta.lib.cache import RedisCache

    assert issubclass(RedisCache, DjangosRedisCache)
    cache = RedisCache(config["LOCATION"], {k: v for k, v in config.items()
                                            if k not in {"BACKEND", "LOCATION"}})
    key = f"ops-test-{os.getpid()}"  # the Redis is shared: by other test processes too
    cache.set(key, 41)
    cache.incr(key)
    assert cache.get(key) == 42
    assert cache.get_many([key, f"{key}-none"]) == {key: 42}
    cache.delete(key)
    assert cache.get(key) is None


def test_the_redis_backend_makes_one_client_and_reuses_it():
    """Django's backend makes a redis.Redis object per call (each builds its table of
    response callbacks); ours one per connection pool. No command is sent here."""
    from kaikukanta.lib.cache import RedisCache

    cache = RedisCache("redis://127.0.0.1:1/0", {})
    first = cache._cache.get_client("a")
    assert cache._cache.get_client("b") is first
    assert cache._cache.get_client("c", write=True) is first  # one server: one pool
    assert first.connection_pool is cache._cache._get_connection_pool(False)


def test_without_redis_url_the_cache_is_local_memory():
    assert cache_settings(None)["default"]["BACKEND"].endswith("LocMemCache")
    assert cache_settings("")["default"]["BACKEND"].endswith("LocMemCache")


def test_healthz_answers_a_load_balancer_asking_by_address(client):
    """It answers before host validation: the balancer may use the server's address."""
    response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 200
    assert client.get("/accounts/login/", HTTP_HOST="10.0.0.5:8000").status_code == 400


def _redis_cache():
    from kaikukanta.lib.cache import RedisCache

    config = cache_settings(REDIS_TEST_URL)["default"]
    return RedisCache(config["LOCATION"], {k: v for k, v in config.items()
                                           if k not in {"BACKEND", "LOCATION"}})


@pytest.mark.redis
def test_the_redis_counter_is_made_with_its_timeout_and_counts():
    cache = _redis_cache()
    key = f"ops-test-count-{os.getpid()}"
    cache.delete(key)
    assert cache.count(key, timeout=30) == 1
    assert cache.count(key, 2, timeout=5) == 3  # the first timeout stays
    raw = cache._cache.get_client()
    assert 25 <= raw.ttl(cache.make_key(key)) <= 30
    assert cache.get(key) == 3  # a plain integer, as `incr` keeps it
    cache.delete(key)


def test_counters_count_on_local_memory_too():
    """`lib.counters.count` without the Redis backend: `add` + `incr`."""
    from django.core.cache import cache

    from kaikukanta.lib import counters

    cache.delete("ops-test-count")
    assert counters.count("ops-test-count", timeout=30) == 1
    assert counters.count("ops-test-count", timeout=30, delta=4) == 5
    assert cache.get("ops-test-count") == 5


@pytest.mark.redis
def test_api_rate_limit_counts_in_redis(settings):
    """The API's per-key window counter through the Redis backend (one round trip)."""
    from types import SimpleNamespace

    from kaikukanta.api import services

    settings.CACHES = {"default": {**cache_settings(REDIS_TEST_URL)["default"],
                                   "KEY_PREFIX": f"ops-test-{os.getpid()}"}}
    key = SimpleNamespace(prefix=f"t{os.getpid()}")
    first, retry_after = services.rate_limit_hit(api_key=key, window_seconds=60)
    second, _ = services.rate_limit_hit(api_key=key, window_seconds=60)
    assert (second - first, 1 <= retry_after <= 60) == (1, True)
