"""The API key cache (`api.services.api_key_for_secret` with
KAIKUKANTA_API_KEY_CACHE_SECONDS): a request reads no key row, and every change of what is
cached – a revoked key, a deactivated organisation, a changed area – takes effect on the
next request."""

import time
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaikukanta.api import services
from kaikukanta.api.models import ApiKey
from kaikukanta.lib.scope import SYSTEM

pytestmark = pytest.mark.usefixtures("key_cache")


@pytest.fixture
def key_cache(settings):
    settings.KAIKUKANTA_API_KEY_CACHE_SECONDS = 600
    cache.clear()


def key_of(raw: str) -> ApiKey:
    return ApiKey.objects.get(prefix=raw[3:11])


def _cached(prefix: str) -> bool:
    """Whether the key's cache entry is current (lib.versioned_cache)."""
    from kaikukanta.lib import versioned_cache

    stamps = (cache.get(versioned_cache.REGISTRY), cache.get(f"api-key:ver:{prefix}"))
    return isinstance(versioned_cache.current(cache.get(f"api-key:{prefix}"), stamps), ApiKey)


def test_a_cached_key_reads_no_key_row(keys, api):
    client = api(keys.venue)
    assert client.get("/offers").status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/offers").status_code == 200
    assert not [q for q in ctx.captured_queries if "api_apikey" in q["sql"]]


def test_a_wrong_secret_is_refused_with_the_key_cached(keys, api):
    assert api(keys.venue).get("/offers").status_code == 200
    wrong = keys.venue[:12] + ("A" if keys.venue[12] != "A" else "B") + keys.venue[13:]
    assert api(wrong).get("/offers").status_code == 401


def test_revocation_takes_effect_at_once(keys, api):
    client = api(keys.venue)
    assert client.get("/offers").status_code == 200
    services.api_key_revoke(scope=SYSTEM, api_key=key_of(keys.venue))
    assert client.get("/offers").status_code == 401
    assert client.get("/offers").status_code == 401


def test_revocation_through_the_page_takes_effect_at_once(cast, keys, api, client):
    from django.urls import reverse

    from tests.conftest import sign_in

    assert api(keys.venue).get("/offers").status_code == 200
    sign_in(client, cast.a.culture)
    response = client.post(reverse("api:key_revoke", args=[key_of(keys.venue).pk]))
    assert response.status_code == 302
    assert api(keys.venue).get("/offers").status_code == 401


def test_inactive_organisation_takes_effect_at_once(cast, keys, api):
    client = api(keys.venue)
    assert client.get("/offers").status_code == 200
    cast.a.venue_org.is_active = False
    cast.a.venue_org.save()
    assert client.get("/offers").status_code == 401


def test_organisation_kind_change_takes_effect_at_once(cast, keys, api):
    """A changed organisation is read again: the key acts with what it is now."""
    client = api(keys.venue)
    assert client.get("/offers").status_code == 200
    assert _cached(keys.venue[3:11])
    cast.a.venue_org.name = "Renamed"
    cast.a.venue_org.save()
    assert not _cached(keys.venue[3:11])
    assert client.get("/offers").status_code == 200
    assert key_of(keys.venue).organisation.name == "Renamed"


def test_a_row_read_before_the_change_is_not_cached(keys):
    """A request that read the key before a revocation committed stored it under the
    key's old version, which the bump at commit replaces (lib.versioned_cache)."""
    key = key_of(keys.venue)
    assert services._cached_key(key.prefix) is not None  # read and cached
    assert _cached(key.prefix)
    services.forget_keys([key.prefix])  # the bump at commit
    assert not _cached(key.prefix)


def test_last_use_is_noted_once_a_minute_with_the_cache(keys, api, monkeypatch):
    """Noted on the first request of each rate-limit window (a minute), whichever worker
    answers it: the window's shared counter says which request is the first."""
    client = api(keys.venue)
    client.get("/offers")
    first = key_of(keys.venue).last_used_at
    assert first is not None
    with CaptureQueriesContext(connection) as ctx:
        client.get("/offers")
    assert not [q for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]
    later = time.time() + services.rate_limit()[1]  # the next window
    monkeypatch.setattr(services, "time", SimpleNamespace(time=lambda: later))
    client.get("/offers")
    noted = key_of(keys.venue).last_used_at
    assert noted > first
    client.get("/offers")
    assert key_of(keys.venue).last_used_at == noted


@pytest.mark.parametrize("change", ["organisation", "area"])
def test_one_registry_version_for_people_and_keys(cast, keys, api, client, change):
    """One invalidation for 'who may see what' (lib.versioned_cache): a deactivated
    organisation (or a saved area) reaches the person's cached scope and the cached key
    on the very next request."""
    from django.urls import reverse

    from tests.conftest import sign_in

    key_client = api(keys.venue)
    sign_in(client, cast.a.venue)
    desk = reverse("usage:desk")
    assert key_client.get("/offers").status_code == 200
    assert client.get(desk, {"site": cast.a.site.pk}).status_code == 200
    assert _cached(keys.venue[3:11])
    if change == "organisation":
        cast.a.venue_org.is_active = False
        cast.a.venue_org.save()
        assert key_client.get("/offers").status_code == 401
        assert client.get(desk, {"site": cast.a.site.pk}).status_code in (403, 404)
    else:
        cast.a.area.save()
        assert not _cached(keys.venue[3:11])
        assert key_client.get("/offers").status_code == 200


def test_the_process_keeps_its_copy_under_the_same_versions(keys, api):
    """`versioned_cache.cached(local=True)`: while the versions stay, the process's own
    copy answers (no key row, and no shared entry to unpickle); a bumped version (a
    revocation, a saved organisation) is seen on the next request all the same."""
    client = api(keys.venue)
    prefix = keys.venue[3:11]
    assert client.get("/offers").status_code == 200
    cache.delete(f"api-key:{prefix}")  # only the process's copy is left
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/offers").status_code == 200
    assert not [q for q in ctx.captured_queries if "api_apikey" in q["sql"]]
    services.forget_keys([prefix])
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/offers").status_code == 200
    assert [q for q in ctx.captured_queries if "api_apikey" in q["sql"]]
    ApiKey.objects.filter(prefix=prefix).update(revoked_at="2026-01-01T00:00:00Z")
    services.forget_keys([prefix])  # as the key's save does (an update() saves nothing)
    assert client.get("/offers").status_code == 401
