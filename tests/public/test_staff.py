"""Who may change what the public sees: coordinators their areas, venues their offers and
sites; everyone else gets 404 (out of scope) or 403 (visible, not theirs)."""

import pytest

from kaikukanta.audit.models import AuditEntry
from kaikukanta.public.models import AreaPage, OfferListing, UnitListing
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def _user(cast, path):
    obj = cast
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


@pytest.mark.parametrize("who,status", [
    ("a.culture", 200), ("a.welfare", 200), ("national", 200),
    ("b.culture", 404), ("a.venue", 403), ("a.distributor", 403), ("outsider", 404),
])
def test_area_page_edit_matrix(cast, client, who, status):
    sign_in(client, _user(cast, who))
    url = f"/public/areas/{cast.a.area.pk}/"
    assert client.get(url).status_code == status
    response = client.post(url, {"text_fi": "Uusi teksti", "feedback_email": "p@a.test"})
    assert response.status_code == (302 if status == 200 else status)
    saved = AreaPage.objects.filter(area=cast.a.area).first()
    assert (saved is not None and saved.text_fi == "Uusi teksti") == (status == 200)


def test_coordinators_change_shows_at_once_and_is_audited(cast, client):
    sign_in(client, cast.a.culture)
    client.post(f"/public/areas/{cast.a.area.pk}/", {"text_sv": "Hej Esbo",
                                                      "name_sv": "Esbo",
                                                      "contact_email": "k@esbo.test"})
    html = client.get(f"/sv/areas/{cast.a.area.pk}/").content.decode()
    assert "Hej Esbo" in html and "Kaikukortet: Esbo" in html and "k@esbo.test" in html
    assert AuditEntry.objects.filter(action="public.area_page_saved",
                                     area=cast.a.area).count() == 1


def test_bad_input_is_refused_and_changes_nothing(cast, client):
    sign_in(client, cast.a.culture)
    response = client.post(f"/public/areas/{cast.a.area.pk}/",
                           {"text_fi": "x", "feedback_email": "not an address"})
    assert response.status_code == 400 and "error-summary" in response.content.decode()
    assert not AreaPage.objects.exists()


def test_venue_chooses_which_offers_are_public(cast, client, offers):
    sign_in(client, cast.a.venue)
    html = client.get("/public/venue/").content.decode()
    assert "Museum exhibition" in html and "Kurssi" not in html
    # only the museum stays public; the pool offer goes off the pages
    response = client.post("/public/venue/", {"venue": cast.a.venue_org.pk,
                                               "public": [offers["museum"].pk]})
    assert response.status_code == 302
    assert OfferListing.objects.get(offer=offers["swim"]).is_public is False
    assert "Uinti" not in client.get("/fi/offers/").content.decode()
    # another venue's offer id in the form changes nothing there
    client.post("/public/venue/", {"venue": cast.a.venue_org.pk,
                                   "public": [offers["course"].pk]})
    assert not OfferListing.objects.filter(offer=offers["course"]).exists()


@pytest.mark.parametrize("who,status", [
    ("b.venue", 404), ("a.site_staff", 403), ("a.culture", 403), ("outsider", 403),
])
def test_others_cannot_change_a_venues_offers(cast, client, offers, who, status):
    sign_in(client, _user(cast, who))
    response = client.post("/public/venue/", {"venue": cast.a.venue_org.pk, "public": []})
    assert response.status_code == status
    assert not OfferListing.objects.exists()


@pytest.mark.parametrize("who,site,status", [
    ("a.venue", "a.site", 200), ("a.culture", "a.site", 200), ("a.welfare", "a.unit", 200),
    ("a.welfare", "a.site", 404), ("a.venue", "a.unit", 404), ("b.venue", "a.site", 404),
    ("a.site_staff", "a.site2", 403), ("a.distributor", "a.unit", 403),
])
def test_unit_listing_matrix(cast, client, who, site, status):
    sign_in(client, _user(cast, who))
    unit = _user(cast, site)
    url = f"/public/units/{unit.pk}/"
    assert client.get(url).status_code == status
    client.post(url, {"street_address": "Tie 1", "postal_code": "02100",
                      "post_office": "Espoo", "step_free": "on",
                      "service_kind": "social_office"})
    listing = UnitListing.objects.filter(unit=unit).first()
    assert (listing is not None and listing.street_address == "Tie 1") == (status == 200)


def test_navigation_shows_the_public_tasks_to_the_right_roles(cast, client):
    from kaikukanta.accounts.scope import scope_for_user
    from kaikukanta.lib.navigation import navigation_for

    keys = lambda u: {i["key"] for i in navigation_for(scope_for_user(u))}  # noqa: E731
    assert "public_areas" in keys(cast.a.culture) and "public_venue" not in keys(cast.a.culture)
    assert "public_venue" in keys(cast.a.venue) and "public_areas" not in keys(cast.a.venue)
    assert not {"public_areas", "public_venue"} & keys(cast.a.distributor)
