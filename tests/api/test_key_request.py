"""A request's key, its count and the look-up limit's counters in one cache round trip
(`api.services.api_key_request`, `lib.cache.RedisCache.count_and_get`,
`usage.guessing.counts_read`), with the key kept by the process: a revocation is still
seen on the next request, a wrong secret counts nothing against a key, the rate limit and
the look-up limit still refuse."""

import os
import time

import pytest
from django.core.cache import cache

from kaikukanta.api import services
from kaikukanta.api.models import ApiKey
from kaikukanta.cards.models import CardStatus
from kaikukanta.lib import counters, versioned_cache
from kaikukanta.lib.scope import SYSTEM, Scope
from kaikukanta.usage import guessing
from tests.api.conftest import use_body
from tests.factories import make_card

pytestmark = pytest.mark.usefixtures("key_cache")

REDIS_TEST_URL = "redis://127.0.0.1:6379/3"  # this project's test DB number on the shared Redis


@pytest.fixture
def key_cache(settings):
    settings.KAIKUKANTA_API_KEY_CACHE_SECONDS = 600
    cache.clear()


def _kept(raw: str) -> bool:
    return versioned_cache.kept(f"api-key:{raw[3:11]}") is not None


def test_a_kept_key_is_counted_and_read_in_one_call(keys, api, monkeypatch):
    """Once the process keeps the key, a request makes one cache call for its key's
    versions, its count and the look-up limit's counters (no other read)."""
    client = api(keys.venue)
    assert client.get("/offers").status_code == 200
    assert _kept(keys.venue)
    calls = []
    real_both, real_read = counters.count_and_get, versioned_cache.read
    monkeypatch.setattr(counters, "count_and_get", lambda key, keys, **kw: (
        calls.append(("count_and_get", key, tuple(keys))), real_both(key, keys, **kw))[1])
    monkeypatch.setattr(versioned_cache, "read", lambda keys: (
        calls.append(("read", tuple(keys))), real_read(keys))[1])
    found = services.api_key_request(keys.venue, window_seconds=60,
                                     also=lambda key: ["some-counter"])
    assert found.key is not None and found.key.prefix == keys.venue[3:11]
    assert found.used == 2 and found.read == {}
    prefix = keys.venue[3:11]
    [(name, counter, read)] = calls
    assert name == "count_and_get" and counter.startswith(f"api-rate:{prefix}:")
    assert read == (versioned_cache.REGISTRY, f"api-key:ver:{prefix}", "some-counter")
    cache.set("some-counter", 4)
    found = services.api_key_request(keys.venue, window_seconds=60,
                                     also=lambda key: ["some-counter"])
    assert found.used == 3 and found.read == {"some-counter": 4}


def test_revocation_is_seen_on_the_next_request_with_the_key_kept(keys, api):
    client = api(keys.venue)
    assert client.get("/offers").status_code == 200
    assert _kept(keys.venue)
    services.api_key_revoke(scope=SYSTEM, api_key=ApiKey.objects.get(prefix=keys.venue[3:11]))
    assert _kept(keys.venue)  # the process's copy stays, under versions no longer current
    assert client.get("/offers").status_code == 401
    found = services.api_key_request(keys.venue, window_seconds=60)
    assert found.key is None


def test_a_wrong_secret_counts_nothing_against_a_kept_key(keys, api, settings):
    settings.KAIKUKANTA_API_RATE_LIMIT = 3
    client = api(keys.venue)
    assert client.get("/offers").status_code == 200
    assert _kept(keys.venue)
    wrong = keys.venue[:12] + ("A" if keys.venue[12] != "A" else "B") + keys.venue[13:]
    for _ in range(5):
        assert api(wrong).get("/offers").status_code == 401
    assert client.get("/offers").status_code == 200
    assert client.get("/offers").status_code == 200
    refused = client.get("/offers")
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
    assert int(refused["Retry-After"]) >= 1


def test_the_look_up_limit_refuses_with_the_key_kept(cast, keys, api, offers, settings):
    """The counters read with the key are the ones `guessing.check` refuses on."""
    settings.KAIKUKANTA_LOOKUP_UNKNOWN_LIMIT = 2
    client = api(keys.venue)
    assert client.get("/offers").status_code == 200
    assert _kept(keys.venue)
    unknown = make_card(None, status=CardStatus.UNUSED, area=cast.a.area)
    for _ in range(2):
        assert client.get(f"/cards/{unknown.display_number}").json()["status"] == "unknown"
    card = make_card(cast.a.unit)
    throttled = client.get(f"/cards/{card.display_number}")
    assert throttled.status_code == 429 and throttled.json()["code"] == "lookup_throttled"
    throttled = client.post("/uses", use_body(card, offers.a), **{"Idempotency-Key": "k1"})
    assert throttled.status_code == 429 and throttled.json()["code"] == "lookup_throttled"


@pytest.mark.django_db
def test_counts_read_serve_one_check_of_the_same_scope_only(monkeypatch, settings):
    settings.KAIKUKANTA_LOOKUP_UNKNOWN_LIMIT = 2
    scope, other = Scope(label="api_key:a"), Scope(label="api_key:a")
    keys = guessing.counter_keys(scope)
    reads = []
    real = guessing.cache.get_many
    monkeypatch.setattr(guessing.cache, "get_many",
                        lambda names: (reads.append(names), real(names))[1])
    guessing.counts_read(scope, keys, {keys[0]: 2})
    with pytest.raises(guessing.errors.LookupThrottled):
        guessing.check(scope)
    assert reads == []
    guessing.check(scope)  # used once: now read (and nothing is counted)
    assert reads == [keys]
    guessing.counts_read(scope, keys, {keys[0]: 2})
    guessing.check(other)  # an equal scope of another request: read, not taken
    assert len(reads) == 2
    guessing.counts_read(scope, ["guess:label:api_key:a:1"], {"guess:label:api_key:a:1": 2})
    guessing.check(scope)  # another window's keys: read
    assert len(reads) == 3


def test_kept_and_current_kept():
    versioned_cache._LOCAL.pop("vc-test", None)
    assert versioned_cache.kept("vc-test") is None
    versioned_cache._LOCAL["vc-test"] = (("a", "b"), time.monotonic() + 60, "value")
    copy = versioned_cache.kept("vc-test")
    assert copy == (("a", "b"), "value")
    assert versioned_cache.current_kept(copy, ["v1", "v2"], {"v1": "a", "v2": "b"}) == "value"
    assert versioned_cache.current_kept(copy, ["v1", "v2"], {"v1": "a", "v2": "c"}) is None
    assert versioned_cache.current_kept(copy, ["v1", "v2"], {"v1": "a"}) is None
    versioned_cache._LOCAL["vc-test"] = (("a", "b"), time.monotonic() - 1, "value")
    assert versioned_cache.kept("vc-test") is None  # taken too long ago
    versioned_cache._LOCAL.pop("vc-test")


@pytest.mark.redis
def test_count_and_get_is_one_command_on_redis():
    from kaikukanta.lib.cache import RedisCache
    from kaikukanta.lib.env import cache_settings

    config = cache_settings(REDIS_TEST_URL)["default"]
    redis_cache = RedisCache(config["LOCATION"], {k: v for k, v in config.items()
                                                  if k not in {"BACKEND", "LOCATION"}})
    stem = f"count-get-{os.getpid()}-{time.time_ns()}"  # the Redis is shared
    redis_cache.set(f"{stem}:ver", "v1")
    redis_cache.set(f"{stem}:n", 7)
    try:
        n, found = redis_cache.count_and_get(f"{stem}:c", [f"{stem}:ver", f"{stem}:n",
                                                           f"{stem}:none"], timeout=30)
        assert (n, found) == (1, {f"{stem}:ver": "v1", f"{stem}:n": 7})
        n, found = redis_cache.count_and_get(f"{stem}:c", [], delta=2, timeout=30)
        assert (n, found) == (3, {})
        client = redis_cache._cache.get_client(write=True)
        ttl = client.ttl(redis_cache.make_and_validate_key(f"{stem}:c"))
        assert 0 < ttl <= 30
    finally:
        redis_cache.delete_many([f"{stem}:ver", f"{stem}:n", f"{stem}:c"])


@pytest.mark.redis
def test_set_many_keeps_djangos_meaning_on_redis():
    """Without a timeout one MSET (the statistics' tokens after every recorded use): the
    values stay, with no time to live; with a timeout as Django's (each key expires)."""
    from kaikukanta.lib.cache import RedisCache
    from kaikukanta.lib.env import cache_settings

    config = cache_settings(REDIS_TEST_URL)["default"]
    redis_cache = RedisCache(config["LOCATION"], {k: v for k, v in config.items()
                                                  if k not in {"BACKEND", "LOCATION"}})
    stem = f"set-many-{os.getpid()}-{time.time_ns()}"
    client = redis_cache._cache.get_client(write=True)
    try:
        redis_cache.set(f"{stem}:a", "old", timeout=30)
        redis_cache.set_many({f"{stem}:a": "x", f"{stem}:b": {"n": 1}}, timeout=None)
        assert redis_cache.get_many([f"{stem}:a", f"{stem}:b"]) == {
            f"{stem}:a": "x", f"{stem}:b": {"n": 1}}
        assert client.ttl(redis_cache.make_and_validate_key(f"{stem}:a")) == -1  # persists
        redis_cache.set_many({f"{stem}:c": 3}, timeout=30)
        assert 0 < client.ttl(redis_cache.make_and_validate_key(f"{stem}:c")) <= 30
    finally:
        redis_cache.delete_many([f"{stem}:a", f"{stem}:b", f"{stem}:c"])


def test_a_record_reads_the_offers_versions_with_the_key(cast, keys, api, offers,
                                                        monkeypatch):
    """`POST /uses` with the key and the offer kept by the process: the offer's versions
    come with the key's round trip (`KeyAuth(versions=...)`), none is read apart; an ended
    offer is still refused on the very next request."""
    from kaikukanta.usage.models import OfferStatus

    client = api(keys.venue)
    assert client.post("/uses", use_body(make_card(cast.a.unit), offers.a),
                       **{"Idempotency-Key": "r1"}).status_code == 201
    assert _kept(keys.venue)
    reads = []
    real_read = versioned_cache.read
    monkeypatch.setattr(versioned_cache, "read", lambda keys: (
        reads.append(tuple(keys)), real_read(keys))[1])
    assert client.post("/uses", use_body(make_card(cast.a.unit), offers.a),
                       **{"Idempotency-Key": "r2"}).status_code == 201
    assert reads == []
    offers.a.status = OfferStatus.ENDED
    offers.a.save()
    refused = client.post("/uses", use_body(make_card(cast.a.unit), offers.a),
                          **{"Idempotency-Key": "r3"})
    assert refused.status_code == 400 and refused.json()["code"] == "offer_not_available"


def test_versions_given_by_the_caller_are_used_only_when_complete(monkeypatch):
    reads = []
    real_read = versioned_cache.read
    monkeypatch.setattr(versioned_cache, "read", lambda keys: (
        reads.append(tuple(keys)), real_read(keys))[1])
    monkeypatch.setattr(versioned_cache, "enabled", lambda: True)
    versioned_cache._LOCAL.pop("vc-given", None)
    cache.set_many({"vc:a": "1", "vc:b": "2"})
    assert versioned_cache.cached("vc-given", ["vc:a", "vc:b"], lambda: "x", local=True) == "x"
    reads.clear()
    given = {"vc:a": "1", "vc:b": "2"}
    assert versioned_cache.cached("vc-given", ["vc:a", "vc:b"], lambda: "y", local=True,
                                  versions=given) == "x"
    assert reads == []
    # a version moved: the caller's read says so, and the value is computed again
    cache.set("vc:b", "3")
    assert versioned_cache.cached("vc-given", ["vc:a", "vc:b"], lambda: "y", local=True,
                                  versions={"vc:a": "1", "vc:b": "3"}) == "y"
    reads.clear()
    # not all given: read
    versioned_cache.cached("vc-given", ["vc:a", "vc:b"], lambda: "z", local=True,
                           versions={"vc:a": "1"})
    assert reads == [("vc:a", "vc:b")]
    versioned_cache._LOCAL.pop("vc-given", None)
