"""Django's Redis cache backend, with one Redis client per connection pool.

Django's `RedisCacheClient.get_client` makes a new `redis.Redis` object for every call,
and redis-py builds a case-insensitive table of some 170 response callbacks for each new
object: at the ticket desk (about ten cache calls per look-up and record) that was a
millisecond of CPU per pair, for nothing. A `redis.Redis` object may be shared by threads
(its connections come from the pool, which also starts afresh in a forked process), so
one per pool is kept and reused. `count` adds a windowed counter in one round trip
(`lib.counters`); nothing else differs from Django's backend.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(
                connection_pool=self._get_connection_pool(write))
        return client

    def count(self, key: str, delta: int, timeout: int) -> int:
        """Add `delta` to the counter at `key`, made (from 0) with `timeout` seconds to
        live when it is missing; returns the new count. One round trip (MULTI: INCRBY,
        EXPIRE NX), where `add` + `incr` take three (`lib.counters`)."""
        pipeline = self.get_client(key, write=True).pipeline()
        pipeline.incrby(key, delta)
        pipeline.expire(key, timeout, nx=True)
        count, _expiring = pipeline.execute()
        return int(count)


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def count(self, key: str, delta: int = 1, timeout: int = 60, version=None) -> int:
        key = self.make_and_validate_key(key, version=version)
        return self._cache.count(key, delta, timeout)
