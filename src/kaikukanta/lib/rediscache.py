"""Django's Redis cache backend with one client per connection pool, and a windowed
counter in one round trip.

Django's `RedisCacheClient.get_client` makes a new `redis.Redis` for every cache call, and
redis-py fills each new client's table of about 200 response callbacks: about a tenth of
an API request's Python time went there (issue 16). A client is safe to share (it takes a
connection from its pool for each command, and the pool starts afresh in a forked
worker), so this backend keeps one per pool. Everything else is Django's.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def count(self, key: str, delta: int, timeout: int) -> int:
        """Add `delta` to the counter at `key`, made (from 0) with `timeout` seconds to
        live when it is missing; returns the new count. One round trip (MULTI: INCRBY,
        EXPIRE NX), where `add` + `incr` take three."""
        pipeline = self.get_client(key, write=True).pipeline()
        pipeline.incrby(key, delta)
        pipeline.expire(key, timeout, nx=True)
        count, _expiring = pipeline.execute()
        return int(count)


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    def count(self, key: str, delta: int = 1, timeout: int = 60, version=None) -> int:
        key = self.make_and_validate_key(key, version=version)
        return self._cache.count(key, delta, timeout)
