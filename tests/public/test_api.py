"""Open data: no key, documented, cached (but never stale), rate-limited per address."""

import datetime

import pytest
from django.utils import timezone

from kaikukanta.public.models import OfferListing, UnitListing
from kaikukanta.public.opendata import last_published_year
from tests.factories import make_card
from tests.public.conftest import make_offer

pytestmark = pytest.mark.django_db


def test_areas_and_municipalities(cast, client):
    body = client.get("/api/public/v1/areas").json()
    assert body["license"]["name"] == "CC BY 4.0" and body["count"] == 2
    espoo = next(a for a in body["results"] if a["id"] == cast.a.area.pk)
    assert espoo["municipalities"] == ["049"] and espoo["status"] == "in_use"
    assert espoo["page"] == {"fi": f"/fi/areas/{cast.a.area.pk}/",
                             "sv": f"/sv/areas/{cast.a.area.pk}/",
                             "en": f"/en/areas/{cast.a.area.pk}/"}
    munis = client.get("/api/public/v1/municipalities").json()["results"]
    assert {m["code"] for m in munis} == {"049", "205", "765"}  # Oulu is in no area
    espoo_m = next(m for m in munis if m["code"] == "049")
    assert espoo_m["name"] == {"fi": "Espoo", "sv": "Esbo", "en": "Espoo"}
    assert espoo_m["country"] == "FI" and espoo_m["areas"] == [cast.a.area.pk]


def test_offers_with_site_address_and_filters(cast, client, offers):
    UnitListing.objects.create(unit=cast.a.site, street_address="Museotie 1",
                               postal_code="02100", post_office="Espoo", step_free=True)
    cast.a.site.municipality = cast.a.area.municipalities.get()
    cast.a.site.save()
    body = client.get("/api/public/v1/offers?category=culture").json()
    assert body["count"] == 1
    offer = body["results"][0]
    assert offer["title"] == {"fi": "Museon näyttely", "sv": "Museets utställning",
                              "en": "Museum exhibition"}
    assert offer["site"]["address"] == {"street": "Museotie 1", "postal_code": "02100",
                                        "post_office": "Espoo"}
    assert offer["site"]["municipality"] == "049" and offer["site"]["step_free"] is True
    assert offer["restrictions"] == "Ei ensi-iltoja" and offer["area"] == cast.a.area.pk
    assert "contact" not in str(offer)
    page = client.get("/api/public/v1/offers?page_size=2&page=2").json()
    assert page["count"] == 3 and len(page["results"]) == 1
    assert client.get("/api/public/v1/offers?municipality=205").json()["count"] == 0


@pytest.mark.parametrize("query", ["page=0", "page_size=1000", "category=x", "area=abc",
                                   "q=" + "x" * 200])
def test_bad_parameters_get_a_clear_error(cast, client, query):
    response = client.get(f"/api/public/v1/offers?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["message"]


def test_answers_are_cached_but_a_change_shows_at_once(cast, client, offers,
                                                        django_assert_max_num_queries):
    first = client.get("/api/public/v1/offers")
    assert first["Cache-Control"] == "public, max-age=60" and first["ETag"]
    assert 'rel="license"' in first["Link"]
    with django_assert_max_num_queries(0):
        again = client.get("/api/public/v1/offers")
    assert again.json() == first.json()
    OfferListing.objects.create(offer=offers["museum"], is_public=False)
    after = client.get("/api/public/v1/offers").json()
    assert after["count"] == first.json()["count"] - 1


def test_rate_limited_per_client_address(cast, client, settings):
    settings.KAIKUKANTA_OPEN_DATA_RATE = 3
    codes = [client.get("/api/public/v1/areas").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/api/public/v1/areas")
    assert limited.json()["code"] == "public_rate_limited"
    assert int(limited["Retry-After"]) > 0
    assert client.get("/api/public/v1/areas", REMOTE_ADDR="10.1.2.3").status_code == 200
    # a forged forwarding header is not trusted
    assert client.get("/api/public/v1/areas",
                      HTTP_X_FORWARDED_FOR="10.7.7.7").status_code == 429


def test_annual_table_of_past_years_suppresses_small_cells(cast, client):
    # the last published year (the year before from about 1 March, `stats.publication`)
    last_year = last_published_year(timezone.localdate())
    day = datetime.date(last_year, 3, 1)
    offer = make_offer(cast.a.site, "Näyttely")
    from kaikukanta.stats.services import rollup_rebuild
    from kaikukanta.usage.models import Use

    cards = [make_card(cast.a.unit, issued_on=day) for _ in range(7)]
    for card in cards:
        Use.objects.create(card=card, offer=offer, venue=offer.venue, site=offer.site,
                           area=cast.a.area, card_area=cast.a.area, category="culture",
                           event_date=day, children=0)
    sport = make_offer(cast.a.site2, "Uinti", category="sports")
    Use.objects.create(card=cards[0], offer=sport, venue=sport.venue, site=sport.site,
                       area=cast.a.area, card_area=cast.a.area, category="sports",
                       event_date=day, children=2)
    make_card(cast.a.unit, issued_on=datetime.date.today())  # this year: not published
    rollup_rebuild()
    rows = client.get("/api/public/v1/annual").json()["results"]
    assert [r["year"] for r in rows] == [last_year]
    row = rows[0]
    assert row["cards_registered"] == 7 and row["cards_used"] == 7
    assert row["adults"]["culture"] == 7
    assert row["adults"]["sports"] == "<5" and row["children"]["sports"] == "<5"
    assert row["total_uses"] == 10 and row["municipalities"] == 3


def test_openapi_document_describes_every_endpoint(client):
    doc = client.get("/api/public/v1/openapi.json").json()
    assert set(doc["paths"]) == {f"/api/public/v1/{p}" for p in
                                 ("areas", "municipalities", "offers", "annual")}
    assert "CC BY 4.0" in doc["info"]["description"]
    for path in doc["paths"].values():
        assert {"200", "400", "429"} <= set(path["get"]["responses"])
