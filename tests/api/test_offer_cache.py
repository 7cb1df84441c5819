"""The API's record reads its offer from the shared cache (`usage.selectors.
offer_for_recording`): no offer row per request, and every change that decides whether a
use may be recorded at the offer shows on the very next request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaikukanta.usage.models import OfferStatus, Use
from tests.api.conftest import make_offer, use_body
from tests.factories import make_card


@pytest.fixture
def record(cast, api, keys):
    client = api(keys.venue)

    def _record(offer, key):
        card = make_card(cast.a.unit)
        return client.post("/uses", use_body(card, offer), **{"Idempotency-Key": key})

    return _record


def test_the_offer_is_read_once(cast, offers, record):
    assert record(offers.a, "first").status_code == 201
    with CaptureQueriesContext(connection) as ctx:
        assert record(offers.a, "second").status_code == 201
    assert not [q for q in ctx.captured_queries if 'FROM "usage_offer"' in q["sql"]]


def test_an_ended_offer_is_refused_on_the_next_request(offers, record):
    assert record(offers.a, "first").status_code == 201
    offers.a.status = OfferStatus.ENDED
    offers.a.save()
    refused = record(offers.a, "second")
    assert refused.status_code == 400, refused.content
    assert refused.json()["code"] == "offer_not_available"


def test_a_new_cap_counts_on_the_next_request(offers, record):
    assert record(offers.a, "first").status_code == 201
    offers.a.cap_per_date = 1
    offers.a.save()
    refused = record(offers.a, "second")
    assert refused.status_code == 409 and refused.json()["code"] == "offer_cap_reached"
    assert Use.objects.filter(offer=offers.a).count() == 1


def test_an_offer_moved_to_another_venue_is_out_of_scope_at_once(cast, offers, record):
    assert record(offers.a, "first").status_code == 201
    offers.a.venue, offers.a.site = cast.b.venue_org, cast.b.site
    offers.a.save()
    refused = record(offers.a, "second")
    assert refused.status_code == 404 and refused.json() == {
        **refused.json(), "code": "not_in_scope", "field": "offer"}


def test_a_closed_site_is_out_of_scope_at_once(cast, offers, record):
    """Whether the key may record at the offer's site is asked of the cached site: closing
    it bumps the registry's version."""
    assert record(offers.a, "first").status_code == 201
    cast.a.site.is_active = False
    cast.a.site.save()
    refused = record(offers.a, "second")
    assert refused.status_code == 404 and refused.json()["code"] == "not_in_scope"


def test_a_closed_venue_is_out_of_scope_for_its_seller_at_once(cast, api, keys, offers):
    """A ticket seller's key stays valid when a venue that approved it closes; the venue's
    offers are out of its scope from the next request (the cached organisation)."""
    client = api(keys.seller)

    def record(key):
        return client.post("/uses", use_body(make_card(cast.a.unit), offers.a),
                           **{"Idempotency-Key": key})

    assert record("first").status_code == 201
    cast.a.venue_org.is_active = False
    cast.a.venue_org.save()
    refused = record("second")
    assert refused.status_code == 404 and refused.json()["code"] == "not_in_scope"


def test_another_venues_offer_is_never_recorded(offers, record):
    refused = record(offers.b, "other")
    assert refused.status_code == 404 and refused.json()["field"] == "offer"
    assert record(make_offer(offers.b.site, "Toinen B"), "other-2").status_code == 404
    assert not Use.objects.exists()


def test_the_process_keeps_its_copy_under_the_same_versions(offers, record):
    """The process's own copy answers while the versions stay (no shared entry read and
    unpickled); a saved offer bumps them and is read again."""
    from django.core.cache import cache

    assert record(offers.a, "first").status_code == 201
    cache.delete(f"offer:{offers.a.pk}")  # only the process's copy is left
    with CaptureQueriesContext(connection) as ctx:
        assert record(offers.a, "second").status_code == 201
    assert not [q for q in ctx.captured_queries if 'FROM "usage_offer"' in q["sql"]]
    offers.a.cap_per_date = 2
    offers.a.save()
    with CaptureQueriesContext(connection) as ctx:
        refused = record(offers.a, "third")
    assert [q for q in ctx.captured_queries if 'FROM "usage_offer"' in q["sql"]]
    assert refused.status_code == 409 and refused.json()["code"] == "offer_cap_reached"
