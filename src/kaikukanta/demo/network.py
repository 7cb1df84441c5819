"""Demo network: three areas from the presentation, their organisations and a user for
every role. Idempotent: objects are looked up by name before they are made."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from kaikukanta.accounts.models import Membership, Role, User
from kaikukanta.demo.context import DEMO_PASSWORD, DemoContext
from kaikukanta.geo.models import Municipality, WellbeingCounty
from kaikukanta.lib.scope import SYSTEM
from kaikukanta.network import services
from kaikukanta.network.models import (
    Area,
    AreaStatus,
    OperatingModelVersion,
    Organisation,
    OrganisationKind,
    Sector,
    SellerLink,
    SellerLinkStatus,
    Unit,
)

AREAS = [
    # name, municipality codes, county code, status, since
    ("Espoo", ["049"], None, AreaStatus.PERMANENT, datetime.date(2015, 3, 1)),
    ("Kainuu", ["205", "765", "290", "777", "105", "578", "620", "697"], "20",
     AreaStatus.PERMANENT, datetime.date(2016, 9, 1)),
    ("Oulu", ["564"], None, AreaStatus.TRIAL, datetime.date(2024, 1, 15)),
]

ORGANISATIONS = [
    # key, area, kind, sector, name, units (name, municipality)
    ("dist_espoo_social", "Espoo", OrganisationKind.DISTRIBUTOR, Sector.PUBLIC,
     "Länsi-Uudenmaan hyvinvointialue, sosiaalipalvelut",
     [("Espoon keskuksen sosiaalitoimisto", "049"), ("Leppävaaran aikuissosiaalityö", "049")]),
    ("dist_espoo_ngo", "Espoo", OrganisationKind.DISTRIBUTOR, Sector.THIRD,
     "Espoon mielenterveysyhdistys", [("Meriemyn klubitalo", "049")]),
    ("dist_kainuu", "Kainuu", OrganisationKind.DISTRIBUTOR, Sector.PUBLIC,
     "Kainuun hyvinvointialue",
     [("Kajaanin aikuissosiaalityö", "205"), ("Sotkamon perhetyö", "765"),
      ("Kuhmon etsivä nuorisotyö", "290")]),
    ("dist_oulu", "Oulu", OrganisationKind.DISTRIBUTOR, Sector.PUBLIC,
     "Pohjois-Pohjanmaan hyvinvointialue, Oulun sosiaalipalvelut",
     [("Oulun työvoiman palvelukeskus", "564")]),
    ("venue_espoo_city", "Espoo", OrganisationKind.VENUE, Sector.PUBLIC,
     "Espoon kaupungin kulttuuripalvelut",
     [("Espoon modernin taiteen museo EMMA", "049"), ("Espoon kaupunginmuseo KAMU", "049"),
      ("Leppävaaran uimahalli", "049")]),
    ("venue_espoo_theatre", "Espoo", OrganisationKind.VENUE, Sector.THIRD,
     "Espoon Teatteri", [("Espoon Teatteri, Revontulihalli", "049")]),
    ("venue_kainuu", "Kainuu", OrganisationKind.VENUE, Sector.PUBLIC,
     "Kajaanin kaupunki, kulttuuri ja liikunta",
     [("Kajaanin kaupunginteatteri", "205"), ("Kajaanin uimahalli", "205"),
      ("Kajaanin kansalaisopisto", "205")]),
    ("venue_oulu", "Oulu", OrganisationKind.VENUE, Sector.PUBLIC,
     "Oulun kaupunki, kulttuuripalvelut",
     [("Oulun taidemuseo", "564"), ("Oulun kaupunginteatteri", "564")]),
    ("seller", "Espoo", OrganisationKind.TICKET_SELLER, Sector.PRIVATE,
     "Lippupiste Demo Oy", [("Lippupiste Demo Oy", None)]),
]

USERS = [
    # key, email, name, role, scope key (area name / org key / (org key, unit index))
    ("national", "kaikukeskus@demo.kaikukanta.fi", "Kaisa Kansallinen", Role.NATIONAL_ADMIN,
     None),
    ("culture_espoo", "kulttuuri.espoo@demo.kaikukanta.fi", "Kalle Kulttuuri",
     Role.CULTURE_COORDINATOR, "Espoo"),
    ("welfare_espoo", "hyvinvointi.espoo@demo.kaikukanta.fi", "Hilkka Hyvinvointi",
     Role.WELFARE_COORDINATOR, "Espoo"),
    ("culture_kainuu", "kulttuuri.kainuu@demo.kaikukanta.fi", "Kerttu Kainuu",
     Role.CULTURE_COORDINATOR, "Kainuu"),
    ("welfare_kainuu", "hyvinvointi.kainuu@demo.kaikukanta.fi", "Heikki Kainuu",
     Role.WELFARE_COORDINATOR, "Kainuu"),
    ("distributor_espoo", "jakaja.espoo@demo.kaikukanta.fi", "Jaana Jakaja",
     Role.DISTRIBUTOR_STAFF, ("dist_espoo_social", 0)),
    ("distributor_kainuu", "jakaja.kainuu@demo.kaikukanta.fi", "Jussi Jakaja",
     Role.DISTRIBUTOR_STAFF, ("dist_kainuu", 0)),
    ("venue_espoo", "kohde.espoo@demo.kaikukanta.fi", "Vilma Vastaanotto", Role.VENUE_STAFF,
     "venue_espoo_city"),
    ("venue_kainuu_site", "uimahalli.kajaani@demo.kaikukanta.fi", "Ulla Uimahalli",
     Role.VENUE_STAFF, ("venue_kainuu", 1)),
    ("seller", "lipunmyynti@demo.kaikukanta.fi", "Lauri Lipunmyyjä", Role.SELLER_STAFF,
     "seller"),
]
# Oulu's coordinator holds both sides, as in small areas.
OULU_BOTH = ("oulu", "vastuuhenkilo.oulu@demo.kaikukanta.fi", "Olli Oulu")


def _area(ctx: DemoContext, name: str, codes, county, status, since) -> Area:
    area = Area.objects.filter(name=name).first()
    if area is None:
        area = services.area_create(
            scope=SYSTEM, name=name, municipalities=Municipality.objects.filter(code__in=codes),
            status=status, status_since=since,
            wellbeing_county=WellbeingCounty.objects.get(code=county) if county else None,
        )
    ctx[f"area_{name.lower()}"] = area
    return area


def _user(ctx: DemoContext, email: str, name: str, label: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, name=name)
    ctx.logins.append((label, email))
    return user


def load(ctx: DemoContext) -> None:
    for name, codes, county, status, since in AREAS:
        _area(ctx, name, codes, county, status, since)

    for key, area_name, kind, sector, name, units in ORGANISATIONS:
        area = ctx[f"area_{area_name.lower()}"]
        org = Organisation.objects.filter(home_area=area, name=name).first()
        if org is None:
            first_name, first_muni = units[0]
            org = services.organisation_create(
                scope=SYSTEM, name=name, kind=kind, sector=sector, home_area=area,
                contact_name="Demo Yhteyshenkilö",
                contact_email=f"{key.replace('_', '.')}@demo.kaikukanta.fi",
                contact_phone="+358 40 000 0000", first_unit_name=first_name,
                first_unit_municipality=Municipality.objects.filter(code=first_muni).first(),
            )
            for unit_name, muni in units[1:]:
                services.unit_create(
                    scope=SYSTEM, organisation=org, name=unit_name,
                    municipality=Municipality.objects.filter(code=muni).first(),
                )
        ctx[key] = org
        ctx[f"{key}_units"] = list(Unit.objects.filter(organisation=org).order_by("id"))

    # The ticket seller sells for venues in two areas.
    for venue_key in ("venue_espoo_city", "venue_kainuu"):
        link = SellerLink.objects.filter(seller=ctx["seller"], venue=ctx[venue_key]).first()
        if link is None:  # asking again would log another request
            link = services.seller_link_request(scope=SYSTEM, seller=ctx["seller"],
                                                venue=ctx[venue_key])
        if link.status != SellerLinkStatus.APPROVED:
            services.seller_link_decide(scope=SYSTEM, link=link, approve=True)

    if not OperatingModelVersion.objects.exists():
        services.operating_model_publish(
            scope=SYSTEM, version="2021-12", published_on=datetime.date(2021, 12, 8),
            summary_fi="Kaikukortin valtakunnallinen toimintamalli (päivitetty 8.12.2021).",
            summary_sv="Kaikukortets nationella verksamhetsmodell (uppdaterad 13.1.2022).",
            summary_en="The national operating model of Kaikukortti (updated 8 Dec 2021).",
        )

    for key, email, name, role, scope in USERS:
        where = scope if isinstance(scope, str) and scope in {a[0] for a in AREAS} else None
        if where is None and scope is not None:
            org_key = scope[0] if isinstance(scope, tuple) else scope
            where = ctx[org_key].name
            if isinstance(scope, tuple):
                where = ctx[f"{org_key}_units"][scope[1]].name
        label = f"{Role(role).label}" + (f" ({where})" if where else "")
        user = _user(ctx, email, name, label)
        fields: dict = {"role": role}
        if role in (Role.CULTURE_COORDINATOR, Role.WELFARE_COORDINATOR):
            fields["area"] = ctx[f"area_{scope.lower()}"]
        elif isinstance(scope, tuple):
            org = ctx[scope[0]]
            fields["organisation"] = org
            fields["unit"] = ctx[f"{scope[0]}_units"][scope[1]]
        elif scope is not None:
            fields["organisation"] = ctx[scope]
        Membership.objects.get_or_create(user=user, **fields)
        ctx[f"user_{key}"] = user

    key, email, name = OULU_BOTH
    both_sides = _("Area coordinator, both sides")
    user = _user(ctx, email, name, f"{both_sides} (Oulu)")
    for role in (Role.CULTURE_COORDINATOR, Role.WELFARE_COORDINATOR):
        Membership.objects.get_or_create(user=user, role=role, area=ctx["area_oulu"])
    ctx["user_coordinator_oulu"] = user
