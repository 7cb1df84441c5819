"""Public pages without sign-in, in three languages; what they show and never show."""

import datetime

import pytest
from django.utils import timezone

from kaikukanta.network.models import AreaStatus
from kaikukanta.public.models import AreaPage, OfferListing, ServiceKind, UnitListing
from kaikukanta.usage.models import OfferStatus
from tests.conftest import sign_in
from tests.public.conftest import make_offer
from tests.test_every_page import PageAudit

pytestmark = pytest.mark.django_db

TITLES = {"fi": "Kaikukortti – kulttuuria ja liikuntaa kaikille",
          "sv": "Kaikukortet – kultur och idrott för alla",
          "en": "Kaikukortti – culture and sports for everyone"}


def audit(html: str) -> PageAudit:
    a = PageAudit()
    a.feed(html)
    assert a.h1 == 1 and a.inline_scripts == 0 and a.style_attrs == 0
    for field in a.fields:
        assert field.get("id") in a.labels or field["_wrapped"], field
    return a


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_front_page_in_each_language(cast, client, offers, lang):
    response = client.get(f"/{lang}/")
    assert response.status_code == 200
    html = response.content.decode()
    audit(html)
    assert f'<html lang="{lang}"' in html
    assert TITLES[lang] in html
    assert f'/areas/{cast.a.area.pk}/"' in html and "Kainuu" in html
    # search engines: canonical and alternate languages
    assert 'rel="canonical"' in html
    for other in ("fi", "sv", "en"):
        assert f'hreflang="{other}" href="http://testserver/{other}/"' in html


def test_root_sends_the_public_to_the_front_page_and_staff_home(cast, client):
    assert client.get("/")["Location"] == "/en/"  # the tests' default language
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="sv")["Location"] == "/sv/"
    sign_in(client, cast.a.venue)
    assert client.get("/")["Location"] == "/accounts/home/"


def test_a_signed_in_users_own_language_does_not_override_the_address(cast, client):
    cast.a.venue.language = "en"
    cast.a.venue.save()
    sign_in(client, cast.a.venue)
    assert '<html lang="sv"' in client.get("/sv/").content.decode()


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_area_page_lists_distributors_venues_and_offers(cast, client, offers, lang):
    UnitListing.objects.create(unit=cast.a.unit, service_kind=ServiceKind.DEBT_ADVICE,
                               street_address="Kauppatie 1", postal_code="02100",
                               post_office="Espoo")
    UnitListing.objects.create(unit=cast.a.site, step_free=True,
                               accessibility_fi="Hiljainen tunti", accessibility_sv="Lugn")
    AreaPage.objects.create(area=cast.a.area, text_fi="Tervetuloa <script>", text_sv="Välkommen",
                            contact_email="kaikukortti@espoo.test",
                            feedback_email="palaute@espoo.test")
    for org in (cast.a.distributor_org, cast.a.venue_org):
        org.contact_name, org.contact_email = "Pirjo Private", "pirjo@private.test"
        org.save()
    html = client.get(f"/{lang}/areas/{cast.a.area.pk}/").content.decode()
    audit(html)
    assert cast.a.unit.name in html and "Kauppatie 1" in html
    assert {"fi": "Talous- ja velkaneuvonta", "sv": "Ekonomi- och skuldrådgivning",
            "en": "Financial and debt advice"}[lang] in html
    assert {"fi": "Museon näyttely", "sv": "Museets utställning",
            "en": "Museum exhibition"}[lang] in html
    assert "Ei ensi-iltoja" in html and "Uinti" in html
    assert "palaute@espoo.test" in html and "kaikukortti@espoo.test" in html
    if lang == "fi":
        assert "Tervetuloa &lt;script&gt;" in html and "Hiljainen tunti" in html
    if lang == "sv":
        assert "Välkommen" in html and "Lugn" in html
    # never: staff or contact persons, the other area's places, ticket sellers
    assert "Pirjo" not in html and "pirjo@private.test" not in html
    assert cast.b.venue_org.name not in html and "Kurssi" not in html
    assert cast.a.seller_org.name not in html


def test_only_current_public_offers_of_operating_areas_are_shown(cast, client, offers):
    today = timezone.localdate()
    make_offer(cast.a.site, "Päättynyt", ends_on=today - datetime.timedelta(days=1))
    make_offer(cast.a.site, "Piilotettu", status=OfferStatus.HIDDEN)
    unlisted = make_offer(cast.a.site, "Ei julkinen")
    OfferListing.objects.create(offer=unlisted, is_public=False)
    html = client.get(f"/fi/areas/{cast.a.area.pk}/").content.decode()
    assert "Museon näyttely" in html
    for title in ("Päättynyt", "Piilotettu", "Ei julkinen"):
        assert title not in html
    cast.b.area.status = AreaStatus.ENDED
    cast.b.area.save()
    assert client.get(f"/fi/areas/{cast.b.area.pk}/").status_code == 404
    assert "Kurssi" not in client.get("/fi/offers/").content.decode()


def test_unknown_area_is_not_found(client, cast):
    assert client.get("/fi/areas/999999/").status_code == 404


@pytest.mark.parametrize("query,expected,absent", [
    ("", ["Museon näyttely", "Uinti", "Kurssi"], []),
    ("category=sports", ["Uinti"], ["Museon näyttely", "Kurssi"]),
    ("municipality=205", ["Kurssi"], ["Uinti"]),
    ("children=on", ["Museon näyttely"], ["Uinti", "Kurssi"]),
    ("text=N%C3%A4yttely", ["Museon näyttely"], ["Uinti"]),
    ("text=exhibition", ["Museon näyttely"], ["Uinti"]),
    ("text=Pool", ["Uinti"], ["Kurssi"]),
    ("category=nonsense", ["Museon näyttely", "Uinti"], []),
])
def test_offer_search_filters(cast, client, offers, query, expected, absent):
    for site in (cast.a.site, cast.a.site2):
        site.municipality = cast.a.area.municipalities.get()
        site.save()
    cast.b.site.municipality = cast.b.area.municipalities.get(code="205")
    cast.b.site.save()
    html = client.get(f"/fi/offers/?{query}").content.decode()
    audit(html)
    for title in expected:
        assert title in html
    for title in absent:
        assert title not in html


def test_offer_search_is_paginated(cast, client):
    for i in range(45):
        make_offer(cast.a.site, f"Tapahtuma {i:02d}")
    first = client.get("/fi/offers/").content.decode()
    assert "45 tarjousta löytyi" in first and "Sivu 1/3" in first and 'rel="next"' in first
    third = client.get("/fi/offers/?page=3").content.decode()
    assert third.count('class="offer-card"') == 5
    assert client.get("/fi/offers/?page=abc").status_code == 200


def test_a_change_shows_at_once(cast, client, offers, login):
    assert "Museon näyttely" in client.get("/fi/offers/").content.decode()
    OfferListing.objects.create(offer=offers["museum"], is_public=False)
    assert "Museon näyttely" not in client.get("/fi/offers/").content.decode()


def test_public_pages_take_few_queries(cast, client, offers, django_assert_max_num_queries):
    for i in range(30):
        make_offer(cast.a.site2 if i % 2 else cast.a.site, f"Tarjous {i}")
    with django_assert_max_num_queries(8):
        client.get(f"/fi/areas/{cast.a.area.pk}/")
    with django_assert_max_num_queries(6):
        client.get("/fi/offers/?text=Tarjous")
    with django_assert_max_num_queries(5):
        client.get("/fi/")


def test_sitemap_and_robots_for_search_engines(cast, client):
    sitemap = client.get("/sitemap.xml")
    assert sitemap["Content-Type"] == "application/xml"
    body = sitemap.content.decode()
    for lang in ("fi", "sv", "en"):
        assert f"<loc>http://testserver/{lang}/areas/{cast.a.area.pk}/</loc>" in body
        assert f"<loc>http://testserver/{lang}/offers/</loc>" in body
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots and "Disallow: /accounts/" in robots


def test_area_page_lists_a_limited_number_and_links_to_the_rest(cast, client, settings,
                                                                monkeypatch):
    monkeypatch.setattr("kaikukanta.public.selectors.AREA_PAGE_OFFERS", 3)
    from kaikukanta.public import selectors

    for i in range(5):
        make_offer(cast.a.site, f"Konsertti {i}")
    groups = selectors.area_venues(cast.a.area, limit=3)
    assert groups[0].more == 2 and sum(len(v.offers) for v in groups[0].items) == 3
    html = client.get(f"/en/areas/{cast.a.area.pk}/").content.decode()
    assert f"/en/offers/?area={cast.a.area.pk}&amp;category=culture" in html
    listed = client.get(f"/en/offers/?area={cast.a.area.pk}&category=culture").content.decode()
    assert "5 offers found" in listed and "Offers in the area Espoo" in listed
    make_offer(cast.b.site, "Konsertti B")
    other = client.get(f"/en/offers/?area={cast.b.area.pk}").content.decode()
    assert "Konsertti B" in other and "Konsertti 0" not in other
