"""Demo public side: area texts and addresses, places' addresses and accessibility, one
offer kept off the public pages, and the cross-border area Tornio–Haaparanta with
Haparanda in Sweden (a municipality abroad with its own postal-code format)."""

from __future__ import annotations

import datetime

from kaikukanta.demo.context import DemoContext
from kaikukanta.geo.models import Municipality, WellbeingCounty
from kaikukanta.geo.services import municipality_abroad_save
from kaikukanta.lib.scope import SYSTEM
from kaikukanta.network import services as network
from kaikukanta.network.models import Area, AreaStatus, Organisation, OrganisationKind, Sector
from kaikukanta.public.models import AreaPage, OfferListing, ServiceKind, UnitListing
from kaikukanta.usage.models import Category, Offer, OfferKind

TEXTS = {
    "Espoo": ("Espoossa Kaikukortin saa sosiaalipalveluista ja Meriemyn klubitalolta. "
              "Kortilla pääsee museoihin, teatteriin ja uimahalliin.",
              "I Esbo får du Kaikukortet från socialtjänsten och klubbhuset Meriemy.",
              "In Espoo you get the card from the social services and the Meriemy club "
              "house."),
    "Kainuu": ("Kainuussa kortti toimii kaikissa kahdeksassa kunnassa.",
               "I Kajanaland gäller kortet i alla åtta kommuner.",
               "In Kainuu the card works in all eight municipalities."),
    "Oulu": ("Oulussa Kaikukortti on kokeilussa vuonna 2024.",
             "I Uleåborg prövas Kaikukortet år 2024.",
             "In Oulu the card is being tried out in 2024."),
    "Tornio–Haaparanta": ("Kaikukortti toimii rajan molemmin puolin: Torniossa ja "
                          "Ruotsin Haaparannalla.",
                          "Kaikukortet gäller på båda sidor om gränsen: i Torneå och i "
                          "Haparanda.",
                          "The card works on both sides of the border: in Tornio and in "
                          "Haparanda, Sweden."),
}

SERVICE_KINDS = {
    "Espoon keskuksen sosiaalitoimisto": ServiceKind.SOCIAL_OFFICE,
    "Leppävaaran aikuissosiaalityö": ServiceKind.SOCIAL_OFFICE,
    "Meriemyn klubitalo": ServiceKind.CLUB_HOUSE,
    "Kajaanin aikuissosiaalityö": ServiceKind.SOCIAL_OFFICE,
    "Sotkamon perhetyö": ServiceKind.FAMILY_WORK,
    "Kuhmon etsivä nuorisotyö": ServiceKind.YOUTH_OUTREACH,
    "Oulun työvoiman palvelukeskus": ServiceKind.EMPLOYMENT,
    "Tornion aikuissosiaalityö": ServiceKind.SOCIAL_OFFICE,
}

ADDRESSES = {
    "Espoon modernin taiteen museo EMMA": ("Ahertajantie 5", "02100", "Espoo", True, True,
                                           "Hissi kaikkiin kerroksiin."),
    "Espoon kaupunginmuseo KAMU": ("Ahertajantie 5", "02100", "Espoo", True, False, ""),
    "Leppävaaran uimahalli": ("Veräjäpellonkatu 15", "02650", "Espoo", True, False,
                              "Hiljainen tunti arkisin klo 8–9."),
    "Kajaanin kaupunginteatteri": ("Pohjolankatu 11", "87100", "Kajaani", False, True, ""),
    "Haparanda simhall": ("Västra Esplanaden 6", "953 31", "Haparanda", True, False, ""),
}


def _haparanda_area(ctx: DemoContext) -> Area:
    haparanda = municipality_abroad_save(
        code="SE-2583", country="SE", name_fi="Haaparanta", name_sv="Haparanda",
        name_en="Haparanda", population=9586, population_year=2023,
        postal_code_format="NNN NN", postal_code_prefix="953",
        region_name_fi="Norrbotten (Ruotsi)")
    area = Area.objects.filter(name="Tornio–Haaparanta").first()
    if area is None:
        area = network.area_create(
            scope=SYSTEM, name="Tornio–Haaparanta",
            municipalities=[Municipality.objects.get(code="851"), haparanda],
            status=AreaStatus.PERMANENT, status_since=datetime.date(2019, 9, 1),
            wellbeing_county=WellbeingCounty.objects.filter(code="21").first())
    orgs = [
        ("Lapin hyvinvointialue, Tornion sosiaalipalvelut", OrganisationKind.DISTRIBUTOR,
         Sector.PUBLIC, "Tornion aikuissosiaalityö", "851"),
        ("Haparanda kommun, kultur och fritid", OrganisationKind.VENUE, Sector.PUBLIC,
         "Haparanda simhall", "SE-2583"),
    ]
    for name, kind, sector, unit, code in orgs:
        org = Organisation.objects.filter(home_area=area, name=name).first()
        if org is None:
            org = network.organisation_create(
                scope=SYSTEM, name=name, kind=kind, sector=sector, home_area=area,
                contact_name="Demo Yhteyshenkilö", contact_email="tornio@demo.kaikukanta.fi",
                first_unit_name=unit,
                first_unit_municipality=Municipality.objects.get(code=code))
        if kind == OrganisationKind.VENUE:
            site = org.units.get()
            Offer.objects.get_or_create(
                venue=org, site=site, title_fi="Uinti Haaparannalla",
                defaults={"title_sv": "Simning i Haparanda", "title_en": "Swimming in "
                          "Haparanda", "category": Category.SPORTS,
                          "kind": OfferKind.ADMISSION})
    return area


def load(ctx: DemoContext) -> None:
    ctx["area_tornio"] = _haparanda_area(ctx)
    for area in Area.objects.filter(name__in=TEXTS):
        fi, sv, en = TEXTS[area.name]
        slug = area.name.lower().replace("–", "-").replace("ö", "o")
        AreaPage.objects.get_or_create(area=area, defaults={
            "text_fi": fi, "text_sv": sv, "text_en": en,
            "name_sv": {"Kainuu": "Kajanaland", "Oulu": "Uleåborg",
                        "Tornio–Haaparanta": "Torneå–Haparanda"}.get(area.name, "Esbo"
                                                                    if area.name == "Espoo"
                                                                    else ""),
            "contact_email": f"kaikukortti.{slug}@demo.kaikukanta.fi",
            "feedback_email": f"palaute.{slug}@demo.kaikukanta.fi"})
    from kaikukanta.network.models import Unit

    for unit in Unit.objects.filter(name__in=list(SERVICE_KINDS) + list(ADDRESSES)):
        defaults = {}
        if unit.name in SERVICE_KINDS:
            defaults["service_kind"] = SERVICE_KINDS[unit.name]
        if unit.name in ADDRESSES:
            street, code, town, step_free, loop, note = ADDRESSES[unit.name]
            defaults.update(street_address=street, postal_code=code, post_office=town,
                            step_free=step_free, induction_loop=loop, accessibility_fi=note)
        UnitListing.objects.get_or_create(unit=unit, defaults=defaults)
    # The theatre keeps its spring plays off the public pages in the demo.
    hidden = Offer.objects.filter(title_fi="Kevään näytelmät").first()
    if hidden is not None:
        OfferListing.objects.get_or_create(offer=hidden, defaults={"is_public": False})
