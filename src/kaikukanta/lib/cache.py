"""Django's Redis cache backend, with one Redis client per connection pool.

Django's `RedisCacheClient.get_client` makes a new `redis.Redis` object for every call,
and redis-py builds a case-insensitive table of some 170 response callbacks for each new
object: at the ticket desk (about ten cache calls per look-up and record) that was a
millisecond of CPU per pair, for nothing. A `redis.Redis` object may be shared by threads
(its connections come from the pool, which also starts afresh in a forked process), so
one per pool is kept and reused. `count` adds a windowed counter in one round trip and one
command (`lib.counters`); `count_and_get` also reads other keys in the same command (the
partner API counts a request against its key's limit and reads the versions and counters
it needs at once); nothing else differs from Django's backend.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

# INCRBY, and the time to live when the key has none yet (EXPIRE NX): one command
_COUNT = """
local n = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2], 'NX')
return n
"""

# `_COUNT`, then the values of the other keys (MGET): one command
_COUNT_AND_GET = """
local n = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2], 'NX')
local others = {}
for i = 2, #KEYS do others[i - 1] = KEYS[i] end
if #others == 0 then return {n, {}} end
return {n, redis.call('MGET', unpack(others))}
"""


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}
        self._count_scripts: dict[int, object] = {}
        self._count_get_scripts: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(
                connection_pool=self._get_connection_pool(write))
        return client

    def set_many(self, data, timeout):
        """Without a timeout one MSET (Django's sends MULTI, MSET, EXEC through a pipeline
        object made for the call: the statistics' tokens are replaced so after every
        recorded use); with one, as Django does."""
        if timeout is not None:
            return super().set_many(data, timeout)
        self.get_client(None, write=True).mset(
            {k: self._serializer.dumps(v) for k, v in data.items()})
        return None

    def count(self, key: str, delta: int, timeout: int) -> int:
        """Add `delta` to the counter at `key`, made (from 0) with `timeout` seconds to
        live when it is missing; returns the new count. One round trip and one command (a
        script: INCRBY, EXPIRE NX; Redis runs it whole), where `add` + `incr` take three
        round trips (`lib.counters`) and a MULTI pipeline four commands."""
        index = self._get_connection_pool_index(True)
        script = self._count_scripts.get(index)
        if script is None:
            script = self._count_scripts[index] = self.get_client(
                key, write=True).register_script(_COUNT)
        return int(script(keys=[key], args=[delta, timeout]))

    def count_and_get(self, key: str, delta: int, timeout: int,
                      keys: list[str]) -> tuple[int, list]:
        """`count`, and the values at `keys` (None where missing), in one command."""
        index = self._get_connection_pool_index(True)
        script = self._count_get_scripts.get(index)
        if script is None:
            script = self._count_get_scripts[index] = self.get_client(
                key, write=True).register_script(_COUNT_AND_GET)
        n, values = script(keys=[key, *keys], args=[delta, timeout])
        return int(n), [None if v is None else self._serializer.loads(v) for v in values]


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def count(self, key: str, delta: int = 1, timeout: int = 60, version=None) -> int:
        key = self.make_and_validate_key(key, version=version)
        return self._cache.count(key, delta, timeout)

    def count_and_get(self, key: str, keys: list[str], delta: int = 1, timeout: int = 60,
                      version=None) -> tuple[int, dict]:
        """`count`, and `get_many(keys)`, in one round trip and one command."""
        made = {self.make_and_validate_key(k, version=version): k for k in keys}
        n, values = self._cache.count_and_get(
            self.make_and_validate_key(key, version=version), delta, timeout, list(made))
        return n, {made[k]: v for k, v in zip(made, values, strict=True) if v is not None}
