"""The standing cast: two areas, each with a coordinator on both sides, a distributor
unit, a venue with two sites and a ticket seller, plus a national admin and an outsider.

Every view test asks both "the right person can" and "the wrong person gets 404/403".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.db import connection

from kaikukanta.accounts.models import Membership, Role, User
from kaikukanta.geo.models import Municipality, PostalCode, WellbeingCounty
from kaikukanta.lib.scope import SYSTEM
from kaikukanta.network import services as network_services
from kaikukanta.network.models import AreaStatus, OrganisationKind, Sector

PASSWORD = "test-password-123"


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Counters kept in the cache (password resets, rate limits) start at zero."""
    from django.core.cache import cache

    cache.clear()


def pytest_collection_modifyitems(config, items):
    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL (runs in `make test` with DATABASE_URL)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


def make_user(email: str, role: str | None = None, **scope) -> User:
    user = User.objects.create_user(email, PASSWORD, name=email.split("@")[0], language="en")
    if role:
        Membership.objects.create(user=user, role=role, **scope)
    return user


@dataclass
class AreaCast:
    area: object
    culture: User
    welfare: User
    distributor_org: object
    unit: object
    distributor: User
    venue_org: object
    site: object
    site2: object
    venue: User
    site_staff: User
    seller_org: object
    seller: User


@pytest.fixture
def geo(db):
    """A few real municipalities and postal codes (no full load needed)."""
    county = WellbeingCounty.objects.create(code="20", name_fi="Kainuun hyvinvointialue",
                                            name_sv="Kajanalands välfärdsområde")
    u = WellbeingCounty.objects.create(code="03", name_fi="Länsi-Uudenmaan hyvinvointialue",
                                       name_sv="Västra Nylands välfärdsområde")
    rows = [
        ("049", "Espoo", "Esbo", "01", u, 305274),
        ("205", "Kajaani", "Kajana", "18", county, 36297),
        ("765", "Sotkamo", "Sotkamo", "18", county, 10354),
        ("564", "Oulu", "Uleåborg", "17", None, 211848),
    ]
    munis = {}
    for code, fi, sv, region, c, pop in rows:
        munis[code] = Municipality.objects.create(
            code=code, name_fi=fi, name_sv=sv, region_code=region, region_name_fi=fi,
            wellbeing_county=c, population=pop, population_year=2022,
        )
    return SimpleNamespace(municipalities=munis, kainuu_county=county)


@pytest.fixture
def postal_codes(geo):
    for code, name, muni in [("02100", "ESPOO", "049"), ("87100", "KAJAANI", "205"),
                             ("88600", "SOTKAMO", "765"), ("90100", "OULU", "564")]:
        PostalCode.objects.create(code=code, name_fi=name, name_sv=name,
                                  municipality=geo.municipalities[muni])


def _make_area(name: str, munis: list, county=None) -> AreaCast:
    area = network_services.area_create(
        scope=SYSTEM, name=name, municipalities=munis, status=AreaStatus.PERMANENT,
        status_since=datetime.date(2020, 1, 1), wellbeing_county=county,
    )
    slug = name.lower()

    def org(kind, label, sector=Sector.PUBLIC):
        return network_services.organisation_create(
            scope=SYSTEM, name=f"{label} {name}", kind=kind, sector=sector, home_area=area,
            contact_name="Contact", contact_email=f"contact.{kind}@{slug}.test",
        )

    dist = org(OrganisationKind.DISTRIBUTOR, "Social office")
    venue = org(OrganisationKind.VENUE, "Museum")
    site2 = network_services.unit_create(scope=SYSTEM, organisation=venue, name=f"Pool {name}")
    seller = org(OrganisationKind.TICKET_SELLER, "Tickets", Sector.PRIVATE)
    unit = dist.units.get()
    site = venue.units.exclude(pk=site2.pk).get()
    return AreaCast(
        area=area,
        culture=make_user(f"culture@{slug}.test", Role.CULTURE_COORDINATOR, area=area),
        welfare=make_user(f"welfare@{slug}.test", Role.WELFARE_COORDINATOR, area=area),
        distributor_org=dist,
        unit=unit,
        distributor=make_user(f"distributor@{slug}.test", Role.DISTRIBUTOR_STAFF,
                              organisation=dist, unit=unit),
        venue_org=venue,
        site=site,
        site2=site2,
        venue=make_user(f"venue@{slug}.test", Role.VENUE_STAFF, organisation=venue),
        site_staff=make_user(f"site@{slug}.test", Role.VENUE_STAFF, organisation=venue,
                             unit=site2),
        seller_org=seller,
        seller=make_user(f"seller@{slug}.test", Role.SELLER_STAFF, organisation=seller),
    )


@pytest.fixture
def cast(geo):
    """Two areas (a: Espoo, b: Kainuu), a national admin and an outsider."""
    a = _make_area("Espoo", [geo.municipalities["049"]])
    b = _make_area("Kainuu", [geo.municipalities["205"], geo.municipalities["765"]],
                   geo.kainuu_county)
    link = network_services.seller_link_request(scope=SYSTEM, seller=a.seller_org,
                                                venue=a.venue_org)
    network_services.seller_link_decide(scope=SYSTEM, link=link, approve=True)
    return SimpleNamespace(
        a=a,
        b=b,
        national=make_user("national@kaikukeskus.test", Role.NATIONAL_ADMIN),
        outsider=make_user("outsider@example.test"),
    )


def sign_in(client, user, *, second_factor: bool = True):
    """Sign `user` in on the test `client`, the way every test should.

    With `second_factor` (the default) the session is also marked as verified the way
    django-otp does it (`django_otp.login`): the user gets a confirmed TOTP app if they
    have none, and its id is stored in the session. National admins and coordinators
    reach no page without it. `second_factor=False` signs in with the password only.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user, backend="kaikukanta.accounts.backends.EmailBackend")
    if second_factor:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def totp_code(user, *, confirmed: bool = True) -> str:
    """The code the user's authenticator app would show now (for passing the second
    factor through the real forms). Never the step already used: the app's next code
    is accepted too (one step of tolerance)."""
    import time

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=confirmed).latest("pk")
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def login(client):
    """`login(user)` signs in on the test client with the second factor (see sign_in)."""

    def _login(user, **kwargs):
        return sign_in(client, user, **kwargs)

    return _login
