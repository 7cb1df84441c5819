"""The person's cache (accounts/scope.py): a signed-in person's user row, scope and desk
sites are kept between requests, and every change to them takes effect on the very next
request (a removed membership, a deactivated account, a changed role, organisation, site,
seller link or offer)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaikukanta.accounts import services as account_services
from kaikukanta.accounts.models import Membership
from kaikukanta.lib.roles import Role
from kaikukanta.lib.scope import SYSTEM
from kaikukanta.network import services as network_services
from kaikukanta.usage.models import Category, Offer, OfferKind
from tests.conftest import sign_in

DESK = reverse("usage:desk")


@pytest.fixture(autouse=True, params=["django.contrib.sessions.backends.db",
                                      "kaikukanta.accounts.sessions"])
def session_engine(request, settings):
    """Every test here with database sessions and with the engine a server with Redis
    uses (`cached_db` reading the person's entry ahead with the session, lib/readahead.py)."""
    settings.SESSION_ENGINE = request.param
    return request.param


def _tables(queries) -> str:
    return " ".join(q["sql"] for q in queries.captured_queries)


def _desk(client, site):
    return client.get(DESK, {"site": site.pk})


def test_cache_is_on_in_the_suite(settings):
    assert settings.PERSON_CACHE  # so every test below (and the suite) runs through it


def test_second_request_reads_no_user_memberships_or_sites(cast, client):
    sign_in(client, cast.a.venue, second_factor=False)
    assert _desk(client, cast.a.site).status_code == 200
    with CaptureQueriesContext(connection) as q:
        assert _desk(client, cast.a.site).status_code == 200
    sql = _tables(q)
    assert "accounts_user" not in sql and "accounts_membership" not in sql
    assert "FROM \"network_unit\"" not in sql and "FROM \"usage_offer\"" not in sql


def test_removed_membership_loses_the_desk_on_the_next_request(cast, client):
    sign_in(client, cast.a.venue)
    assert _desk(client, cast.a.site).status_code == 200
    Membership.objects.filter(user=cast.a.venue).delete()
    assert _desk(client, cast.a.site).status_code == 403


def test_deactivated_user_is_signed_out_on_the_next_request(cast, client):
    sign_in(client, cast.a.venue)
    assert _desk(client, cast.a.site).status_code == 200
    account_services.user_set_active(scope=SYSTEM, user=cast.a.venue, is_active=False)
    r = _desk(client, cast.a.site)
    assert r.status_code == 302 and reverse("accounts:login") in r["Location"]


def test_changed_role_takes_effect_on_the_next_request(cast, client):
    """Whole-venue staff narrowed to the other site: the first site is out of scope."""
    sign_in(client, cast.a.venue)
    assert _desk(client, cast.a.site).status_code == 200
    m = Membership.objects.get(user=cast.a.venue)
    m.unit = cast.a.site2
    m.save()
    assert _desk(client, cast.a.site).status_code == 404
    assert _desk(client, cast.a.site2).status_code == 200


def test_new_membership_takes_effect_on_the_next_request(cast, client):
    sign_in(client, cast.b.venue)
    assert _desk(client, cast.a.site).status_code == 404
    Membership.objects.create(user=cast.b.venue, role=Role.VENUE_STAFF,
                              organisation=cast.a.venue_org)
    assert _desk(client, cast.a.site).status_code == 200


def test_deactivated_site_leaves_the_desk_on_the_next_request(cast, client):
    sign_in(client, cast.a.venue)
    assert _desk(client, cast.a.site2).status_code == 200
    network_services.unit_update(scope=SYSTEM, unit=cast.a.site2, name=cast.a.site2.name,
                                 municipality=cast.a.site2.municipality, is_active=False)
    # the venue has one active site left: the desk opens it without asking
    r = client.get(DESK)
    assert r.status_code == 200 and cast.a.site2.name not in r.content.decode()
    assert _desk(client, cast.a.site2).status_code in (403, 404)


def test_deactivated_organisation_loses_the_desk_on_the_next_request(cast, client):
    sign_in(client, cast.a.venue)
    assert _desk(client, cast.a.site).status_code == 200
    org = cast.a.venue_org
    network_services.organisation_update(
        scope=SYSTEM, organisation=org, name=org.name, sector=org.sector,
        contact_name=org.contact_name, contact_email=org.contact_email, is_active=False)
    assert _desk(client, cast.a.site).status_code in (403, 404)


def test_changed_offer_shows_on_the_next_request(cast, client):
    offer = Offer.objects.create(venue=cast.a.venue_org, site=cast.a.site, title_fi="Näyttely",
                                 title_sv="Utställning", title_en="Exhibition",
                                 category=Category.CULTURE, kind=OfferKind.ADMISSION)
    sign_in(client, cast.a.venue)
    assert "Exhibition" in _desk(client, cast.a.site).content.decode()
    Offer.objects.create(venue=cast.a.venue_org, site=cast.a.site, title_fi="Konsertti",
                         title_sv="Konsert", title_en="Concert", category=Category.CULTURE,
                         kind=OfferKind.ADMISSION)
    offer.status = "closed"
    offer.save()
    body = _desk(client, cast.a.site).content.decode()
    assert "Concert" in body and "Exhibition" not in body


def test_changed_version_from_another_process_is_seen(cast, client):
    """A bump made by another process (here: written straight into the cache) makes the
    entry stale; what counts is the shared version, not this process's memory."""
    from django.core.cache import cache

    sign_in(client, cast.a.venue)
    assert _desk(client, cast.a.site).status_code == 200
    Membership.objects.filter(user=cast.a.venue).delete()  # as if in another process …
    cache.set(f"person:ver:{cast.a.venue.pk}", "old")  # … whose bump we then overwrite
    cache.set(f"person:ver:{cast.a.venue.pk}", "other-process")
    assert _desk(client, cast.a.site).status_code == 403


@pytest.mark.parametrize("engine", ["django.contrib.sessions.backends.cached_db",
                                    "django.contrib.sessions.backends.db",
                                    "kaikukanta.accounts.sessions"])
def test_signed_out_session_is_revoked(cast, client, settings, engine):
    """Sessions stay revocable with the production session engine: after signing out,
    the old session cookie opens nothing."""
    settings.SESSION_ENGINE = engine
    sign_in(client, cast.a.venue)
    assert _desk(client, cast.a.site).status_code == 200
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("accounts:logout"))
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    r = _desk(client, cast.a.site)
    assert r.status_code == 302 and reverse("accounts:login") in r["Location"]


def test_without_the_setting_nothing_is_cached(cast, client, settings):
    settings.PERSON_CACHE = False
    sign_in(client, cast.a.venue, second_factor=False)
    _desk(client, cast.a.site)
    with CaptureQueriesContext(connection) as q:
        _desk(client, cast.a.site)
    assert "accounts_membership" in _tables(q) and "accounts_user" in _tables(q)


def test_cache_keeps_no_password_hash_and_a_new_password_signs_out(cast, client):
    from django.core.cache import cache

    sign_in(client, cast.a.venue)
    assert _desk(client, cast.a.site).status_code == 200
    assert _desk(client, cast.a.site).status_code == 200  # served from the cache
    entry = cache.get(f"person:entry:{cast.a.venue.pk}")
    assert entry is not None and cast.a.venue.password not in repr(entry)
    user = cast.a.venue
    user.set_password("a whole new long password 123")
    user.save()
    r = _desk(client, cast.a.site)
    assert r.status_code == 302 and reverse("accounts:login") in r["Location"]


def test_cached_record_fields_follow_the_card_and_the_language(cast, client):
    """The desk's record fields are cached as HTML per what they show: a card with
    children gets its children's choices, one without none, and each language its own."""
    from tests.usage.conftest import mk

    Offer.objects.create(venue=cast.a.venue_org, site=cast.a.site, title_fi="Näyttely",
                         title_sv="Utställning", title_en="Exhibition",
                         category=Category.CULTURE, kind=OfferKind.ADMISSION)
    sign_in(client, cast.a.venue)
    two, none = mk(cast.a.unit, children=2), mk(cast.a.unit, children=0)
    for card, children in ((two, True), (none, False), (two, True)):
        body = client.get(DESK, {"site": cast.a.site.pk,
                                 "number": card.display_number}).content.decode()
        form = body.split('id="desk-record"')[1].split("</form>")[0]
        assert ('name="children"' in form) is children
        assert f'value="{card.number}"' in form or card.display_number in form
    client.cookies["django_language"] = "sv"
    body = client.get(DESK, {"site": cast.a.site.pk, "number": two.display_number})
    form = body.content.decode().split('id="desk-record"')[1].split("</form>")[0]
    assert "Utställning" in form and "Exhibition" not in form
