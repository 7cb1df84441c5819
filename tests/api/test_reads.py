"""GET /offers and GET /uses: each key sees its own organisation's only."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import make_use
from tests.factories import make_card


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_offers_by_key_kind(cast, keys, offers, api):
    assert ids(api(keys.venue).get("/offers")) == {offers.a.pk, offers.a2.pk}
    assert ids(api(keys.read_only).get("/offers")) == {offers.a.pk, offers.a2.pk}
    # the seller sees the offers of the venue that approved it, not of other venues
    assert ids(api(keys.seller).get("/offers")) == {offers.a.pk, offers.a2.pk}
    assert ids(api(keys.seller_b).get("/offers")) == set()
    assert ids(api(keys.distributor).get("/offers")) == set()
    assert ids(api(keys.venue_b).get("/offers")) == {offers.b.pk}


def test_offer_shape_and_filters(cast, keys, offers, api):
    offers.a2.status = "hidden"
    offers.a2.save()
    body = api(keys.venue).get("/offers", {"status": "active"}).json()
    assert body["count"] == 1
    offer = body["results"][0]
    assert offer["title"] == {"fi": "Näyttely A", "sv": "Näyttely A sv", "en": "Näyttely A en"}
    assert offer["venue"] == {"id": cast.a.venue_org.pk, "name": cast.a.venue_org.name}
    assert offer["site"]["id"] == cast.a.site.pk
    assert ids(api(keys.venue).get("/offers", {"site": cast.a.site2.pk})) == {offers.a2.pk}
    response = api(keys.venue).get("/offers", {"site": cast.b.site.pk})
    assert response.status_code == 404 and response.json()["code"] == "not_in_scope"
    response = api(keys.venue).get("/offers", {"status": "bogus"})
    assert response.status_code == 400 and response.json()["field"] == "status"


def test_seller_loses_offers_when_link_is_not_approved(cast, keys, offers, api):
    from kaikukanta.network.models import SellerLink

    SellerLink.objects.filter(seller=cast.a.seller_org).update(status="rejected")
    assert ids(api(keys.seller).get("/offers")) == set()


@pytest.fixture
def uses(cast, offers):
    card = make_card(cast.a.unit)
    card_b = make_card(cast.b.unit)
    today = datetime.date.today()
    return {
        "venue": make_use(card, offers.a, event_date=today),
        "pool": make_use(card, offers.a2, event_date=today - datetime.timedelta(days=3)),
        "sold": make_use(card_b, offers.a, seller=cast.a.seller_org,
                         event_date=today - datetime.timedelta(days=10)),
        "other": make_use(card_b, offers.b, event_date=today),
    }


def test_uses_by_key_kind(cast, keys, uses, api):
    u = uses
    assert ids(api(keys.venue).get("/uses")) == {u["venue"].pk, u["pool"].pk, u["sold"].pk}
    assert ids(api(keys.seller).get("/uses")) == {u["sold"].pk}
    assert ids(api(keys.distributor).get("/uses")) == set()
    assert ids(api(keys.venue_b).get("/uses")) == {u["other"].pk}
    assert ids(api(keys.seller_b).get("/uses")) == set()


def test_use_filters(cast, keys, uses, offers, api):
    venue = api(keys.venue)
    today = datetime.date.today()
    recent = {"date_from": (today - datetime.timedelta(days=5)).isoformat()}
    assert ids(venue.get("/uses", recent)) == {uses["venue"].pk, uses["pool"].pk}
    old = {"date_to": (today - datetime.timedelta(days=5)).isoformat()}
    assert ids(venue.get("/uses", old)) == {uses["sold"].pk}
    assert ids(venue.get("/uses", {"site": cast.a.site2.pk})) == {uses["pool"].pk}
    assert ids(venue.get("/uses", {"offer": offers.a.pk})) == {uses["venue"].pk,
                                                               uses["sold"].pk}
    assert ids(venue.get("/uses", {"status": "cancelled"})) == set()
    for params, field in [({"date_from": "2026-13-01"}, "date_from"),
                          ({"date_to": "yesterday"}, "date_to"),
                          ({"site": "x"}, "site"), ({"offer": "-1"}, "offer"),
                          ({"page": "0"}, "page"), ({"page_size": "1000"}, "page_size"),
                          ({"status": "nope"}, "status")]:
        response = venue.get("/uses", params)
        assert response.status_code == 400, params
        assert response.json() == {"code": "invalid", "message": "Check this value.",
                                   "field": field}
    for params, field in [({"site": cast.b.site.pk}, "site"), ({"offer": offers.b.pk}, "offer")]:
        response = venue.get("/uses", params)
        assert response.status_code == 404
        assert response.json()["code"] == "not_in_scope" and response.json()["field"] == field


def test_use_shape_has_no_holder_fields(cast, keys, uses, api):
    row = api(keys.venue).get("/uses", {"offer": uses["venue"].offer_id}).json()["results"][0]
    assert set(row) == {"id", "card", "offer", "venue", "site", "seller", "category",
                        "event_date", "children", "companion", "status", "source",
                        "recorded_at", "cancelled_at"}
    assert row["card"] == uses["venue"].card.display_number


def test_pagination(cast, keys, offers, api, django_assert_max_num_queries):
    card = make_card(cast.a.unit)
    start = datetime.date(2026, 1, 1)
    for i in range(7):
        make_use(card, offers.a, event_date=start + datetime.timedelta(days=i))
    venue = api(keys.venue)
    with CaptureQueriesContext(connection) as one:
        venue.get("/uses", {"page_size": 1})
    with django_assert_max_num_queries(len(one)):  # no query per row
        first = venue.get("/uses", {"page_size": 3}).json()
    assert first["count"] == 7 and len(first["results"]) == 3 and first["previous"] is None
    assert first["next"].startswith("http://testserver/api/v1/uses?")
    second = venue.get("/uses", {"page_size": 3, "page": 2}).json()
    third = venue.get("/uses", {"page_size": 3, "page": 3}).json()
    assert second["previous"] and second["next"] and third["next"] is None
    seen = [r["id"] for page in (first, second, third) for r in page["results"]]
    assert len(seen) == len(set(seen)) == 7
    dates = [r["event_date"] for page in (first, second, third) for r in page["results"]]
    assert dates == sorted(dates, reverse=True)
    assert venue.get("/uses", {"page": 99}).json()["results"] == []
    offers_page = venue.get("/offers", {"page_size": 1}).json()
    assert offers_page["count"] == 2 and offers_page["next"]


def test_units_for_distributor_keys(cast, keys, api):
    """A distributor key lists its own active units (the ids POST /cards takes); venue and
    ticket-seller keys are refused, and another distributor's units never show."""
    from kaikukanta.network.models import Unit

    second = Unit.objects.create(organisation=cast.a.distributor_org, name="Branch")
    Unit.objects.create(organisation=cast.a.distributor_org, name="Closed", is_active=False)
    body = api(keys.distributor).get("/units").json()
    assert body["count"] == 2
    assert body["results"] == sorted([{"id": cast.a.unit.pk, "name": cast.a.unit.name},
                                      {"id": second.pk, "name": "Branch"}],
                                     key=lambda row: row["name"])
    assert ids(api(keys.distributor_b).get("/units")) == {cast.b.unit.pk}
    for key in (keys.venue, keys.seller, keys.read_only):
        response = api(key, "en").get("/units")
        assert response.status_code == 403
        assert response.json() == {
            "code": "wrong_key_kind", "field": None,
            "message": "This address is for the keys of another kind of organisation."}


def test_sites_for_venue_and_seller_keys(cast, keys, api):
    """A venue key lists its sites; a ticket seller the sites of the venues that approved
    it (no longer once the link is rejected); distributor keys are refused."""
    from kaikukanta.network.models import SellerLink

    own = {cast.a.site.pk, cast.a.site2.pk}
    assert ids(api(keys.venue).get("/sites")) == own
    assert ids(api(keys.seller).get("/sites")) == own
    assert ids(api(keys.venue_b).get("/sites")) == {cast.b.site.pk, cast.b.site2.pk}
    row = next(r for r in api(keys.seller).get("/sites").json()["results"]
               if r["id"] == cast.a.site.pk)
    assert row == {"id": cast.a.site.pk, "name": cast.a.site.name, "is_active": True,
                   "venue": {"id": cast.a.venue_org.pk, "name": cast.a.venue_org.name}}
    SellerLink.objects.filter(seller=cast.a.seller_org).update(status="rejected")
    assert ids(api(keys.seller).get("/sites")) == set()
    for key in (keys.distributor, keys.distributor_b):
        response = api(key).get("/sites")
        assert response.status_code == 403 and response.json()["code"] == "wrong_key_kind"
