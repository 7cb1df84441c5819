"""Reading ahead with the session (lib/readahead.py, accounts/sessions.py): a signed-in
request reads its session, the person's cache entry, the look-up counters and the desk's
offers' version from the shared cache in one round trip, gets the same answers as reading
them one by one, and keeps nothing across requests.

The person's cache's own tests (tests/accounts/test_person_cache.py: every change takes
effect on the very next request) also run with this session engine."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.urls import reverse

from kaikukanta.cards import numbers
from kaikukanta.lib import readahead, versioned_cache
from kaikukanta.usage import guessing
from kaikukanta.usage.models import LookupLog
from tests.conftest import sign_in

ENGINE = "kaikukanta.accounts.sessions"
DESK = reverse("usage:desk")
RECORD = reverse("usage:desk_record")


@pytest.fixture
def trips(monkeypatch):
    """The round trips to the cache: each get/get_many call, with its keys."""
    calls: list[list[str]] = []
    inside = []
    get_many, get = LocMemCache.get_many, LocMemCache.get

    def counted_many(self, keys, version=None):
        calls.append(list(keys))
        inside.append(1)
        try:
            return get_many(self, keys, version)  # locmem's get_many calls its get
        finally:
            inside.pop()

    def counted(self, key, default=None, version=None):
        if not inside:
            calls.append([key])
        return get(self, key, default, version)

    monkeypatch.setattr(LocMemCache, "get_many", counted_many)
    monkeypatch.setattr(LocMemCache, "get", counted)
    return calls


@pytest.fixture
def engine(settings):
    settings.SESSION_ENGINE = ENGINE
    return ENGINE


@pytest.fixture(autouse=True)
def _no_state_between_tests():
    readahead.finish()
    readahead._HINTS.clear()
    yield
    readahead.finish()
    readahead._HINTS.clear()


# --- the read-ahead itself ---------------------------------------------------------------

def test_read_ahead_values_are_taken_once_then_read_from_the_cache(trips):
    cache.set_many({"owner": {"s": 1}, "a": "A", "b": "B"})
    readahead._HINTS["owner"] = ("a", "b", "gone")
    assert readahead.start("owner", cache) == {"s": 1}
    assert trips == [["owner", "a", "b", "gone"]]  # one round trip
    cache.set("a", "A2")  # changed by someone else meanwhile: the request saw "A"
    assert readahead.get_many(cache, ["a", "gone"]) == {"a": "A"}  # a missing key is missing
    assert len(trips) == 1
    assert readahead.get_many(cache, ["a", "b"]) == {"a": "A2", "b": "B"}  # "a" read again
    assert trips[-1] == ["a"]


def test_a_key_this_request_changes_is_read_from_the_cache(db, trips):
    cache.set_many({"owner": {}, "ver": "1"})
    readahead._HINTS["owner"] = ("ver",)
    readahead.start("owner", cache)
    versioned_cache.bump("ver")  # no transaction: set now
    assert versioned_cache.read(["ver"])["ver"] != "1"


def test_counting_an_unknown_number_drops_the_counters_read_ahead(cast, settings):
    from kaikukanta.accounts.scope import scope_for_user

    settings.KAIKUKANTA_LOOKUP_UNKNOWN_LIMIT = 1
    scope = scope_for_user(cast.a.venue)
    readahead._HINTS["owner"] = tuple(guessing.counter_keys(scope))
    cache.set("owner", {})
    readahead.start("owner", cache)
    guessing.note(scope, [(numbers.generate(), False)])  # the limit is used up now
    with pytest.raises(guessing.errors.LookupThrottled):
        guessing.check(scope)


def test_nothing_read_ahead_outlives_the_request(trips):
    cache.set_many({"owner": {}, "a": "A"})
    readahead._HINTS["owner"] = ("a",)
    readahead.start("owner", cache)
    readahead.get_many(cache, ["a", "b"])
    readahead.finish()  # request_finished
    assert not readahead.active()
    assert readahead._HINTS["owner"] == ("a", "b")  # what the session's next request reads
    cache.set("a", "A2")
    assert readahead.get_many(cache, ["a"]) == {"a": "A2"}


def test_no_read_ahead_without_a_session_read(trips):
    cache.set("a", "A")
    assert readahead.get_many(cache, ["a"]) == {"a": "A"}
    assert trips == [["a"]] and not readahead.active()


# --- through the pages ---------------------------------------------------------------------

def test_desk_look_up_reads_the_cache_once(engine, cast, card, offer, client, trips):
    sign_in(client, cast.a.venue, second_factor=False)
    client.get(DESK, {"site": cast.a.site.pk})  # the session's first request: learns the keys
    client.get(DESK, {"site": cast.a.site.pk, "number": card.display_number})
    trips.clear()
    r = client.get(DESK, {"site": cast.a.site.pk, "number": card.display_number})
    assert r.status_code == 200 and "VALID" in r.content.decode()
    assert len(trips) == 1, trips  # the session, the person, the counters, the offers
    keys = trips[0]
    assert any(k.startswith("person:entry:") for k in keys)
    assert any(k.startswith("guess:person:") for k in keys)
    assert "desk:offers:ver" in keys
    assert not readahead.active()


def test_record_reads_the_cache_once_and_records(engine, cast, card, offer, client, today,
                                                  trips):
    import re

    sign_in(client, cast.a.venue, second_factor=False)
    for _ in range(2):
        body = client.get(DESK, {"site": cast.a.site.pk,
                                 "number": card.display_number}).content.decode()
    token = re.search(r'name="token" value="([0-9a-f]+)"', body).group(1)
    client.post(RECORD, {"site": cast.a.site.pk, "number": card.display_number,
                         "token": token, "offer": offer.pk, "event_date": today.isoformat(),
                         "children": 0})  # learns the record's keys too
    body = client.get(DESK, {"site": cast.a.site.pk,
                             "number": card.display_number}).content.decode()
    token = re.search(r'name="token" value="([0-9a-f]+)"', body).group(1)
    trips.clear()
    r = client.post(RECORD, {"site": cast.a.site.pk, "number": card.display_number,
                             "token": token, "offer": "", "category": "culture",
                             "event_date": today.isoformat(), "children": 1})
    assert r.status_code == 302
    assert card.uses.filter(offer=None, children=1).count() == 1
    assert len(trips) == 1, trips


def test_throttling_counts_with_the_read_ahead(engine, cast, card, client, settings):
    settings.KAIKUKANTA_LOOKUP_UNKNOWN_LIMIT = 2
    sign_in(client, cast.a.venue, second_factor=False)
    for _ in range(2):
        r = client.get(DESK, {"site": cast.a.site.pk, "number": numbers.generate()})
        assert r.status_code == 200
    r = client.get(DESK, {"site": cast.a.site.pk, "number": card.display_number})
    assert r.status_code == 429 and "VALID" not in r.content.decode()
    assert LookupLog.objects.filter(throttled=True).count() == 1


@pytest.mark.parametrize("who, status", [("distributor", 403), ("outsider", 403),
                                         ("b_venue", 404)])
def test_wrong_role_is_refused_with_the_read_ahead(engine, cast, client, who, status):
    user = {"distributor": cast.a.distributor, "outsider": cast.outsider,
            "b_venue": cast.b.venue}[who]
    sign_in(client, user, second_factor=False)
    for _ in range(2):  # the second request reads ahead what the first read
        assert client.get(DESK, {"site": cast.a.site.pk}).status_code == status


def test_another_session_gets_nothing_of_this_one(engine, cast, client, trips):
    from django.test import Client

    sign_in(client, cast.a.venue, second_factor=False)
    for _ in range(2):
        assert client.get(DESK, {"site": cast.a.site.pk}).status_code == 200
    other = sign_in(Client(), cast.b.venue, second_factor=False)
    assert other.get(DESK, {"site": cast.a.site.pk}).status_code == 404
    assert other.get(DESK, {"site": cast.b.site.pk}).status_code == 200
