"""Demo offers for every demo venue and a realistic year of uses.

The last week is recorded through `services.use_record` (so the statistics hooks and the
audit log see it like any desk use); the year before it is bulk-inserted for speed, with
the same area / card_area / category rules, and the per-date ticket counters are rebuilt
afterwards. The statistics app rebuilds its aggregates from the rows, so the bulk part
does not call the hooks. Four desk cards with fixed numbers are printed with the logins.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.cards import numbers
from kaikukanta.cards.models import (
    Card,
    CardEvent,
    CardEventKind,
    CardKind,
    CardStatus,
    InactiveReason,
)
from kaikukanta.cards.validity import validity_end
from kaikukanta.demo.context import DemoContext
from kaikukanta.geo.models import Municipality
from kaikukanta.lib.errors import DomainError
from kaikukanta.lib.scope import SYSTEM
from kaikukanta.usage import services
from kaikukanta.usage.models import Category, Offer, OfferKind, Use, UseSource, UseStatus

# venue key, unit index, title fi / sv / en, category, kind, cap per date, restrictions
OFFERS = [
    ("venue_espoo_city", 0, "EMMAn näyttelyt", "EMMAs utställningar", "EMMA exhibitions",
     Category.CULTURE, OfferKind.ADMISSION, None, ""),
    ("venue_espoo_city", 1, "KAMUn perusnäyttely", "KAMUs basutställning",
     "KAMU permanent exhibition", Category.CULTURE, OfferKind.ADMISSION, None, ""),
    ("venue_espoo_city", 1, "Tiedetiistai", "Vetenskapstisdag", "Science Tuesday",
     Category.SCIENCE, OfferKind.EVENT, 20, ""),
    ("venue_espoo_city", 2, "Uinti", "Simning", "Swimming", Category.SPORTS,
     OfferKind.ADMISSION, None, ""),
    ("venue_espoo_theatre", 0, "Kevään näytelmät", "Vårens pjäser", "Spring plays",
     Category.CULTURE, OfferKind.EVENT, 10, "Ei ensi-iltoja"),
    ("venue_kainuu", 0, "Teatterin näytökset", "Teaterföreställningar", "Theatre shows",
     Category.CULTURE, OfferKind.EVENT, 8, ""),
    ("venue_kainuu", 1, "Uimahalli", "Simhallen", "Swimming hall", Category.SPORTS,
     OfferKind.ADMISSION, None, ""),
    ("venue_kainuu", 2, "Kansalaisopiston kurssit", "Medborgarinstitutets kurser",
     "Adult education courses", Category.EDUCATION, OfferKind.COURSE_SEASON, None, ""),
    ("venue_oulu", 0, "Taidemuseon näyttelyt", "Konstmuseets utställningar",
     "Art museum exhibitions", Category.CULTURE, OfferKind.ADMISSION, None, ""),
    ("venue_oulu", 1, "Kaupunginteatteri", "Stadsteatern", "City theatre", Category.CULTURE,
     OfferKind.EVENT, 8, "Ei ensi-iltoja"),
]

# Desk cards with fixed numbers (payload + check character), for trying the desk.
DESK_CARDS = {
    "valid": "DESK2KA",
    "expired": "DESKEXP",
    "inactive": "DESKNAK",
    "community": "DESKYHT",
}

DESK_CARD_LABELS = {
    "valid": _("Desk card: valid, 2 children"),
    "expired": _("Desk card: expired"),
    "inactive": _("Desk card: inactivated"),
    "community": _("Desk card: community card"),
}

AREA_FACTS = {  # area key: (municipality codes, postal codes)
    "espoo": (["049"], ["02100", "02600", "02650", "02230"]),
    "kainuu": (["205", "765"], ["87100", "87500", "88600"]),
    "oulu": (["564"], ["90100", "90500", "90570"]),
}


def _offers(ctx: DemoContext) -> list[Offer]:
    out = []
    for key, unit_index, fi, sv, en, category, kind, cap, restrictions in OFFERS:
        venue = ctx[key]
        site = ctx[f"{key}_units"][unit_index]
        offer = Offer.objects.filter(venue=venue, site=site, title_fi=fi).first()
        if offer is None:
            offer = services.offer_create(
                scope=SYSTEM, venue=venue, site=site, title_fi=fi, title_sv=sv, title_en=en,
                category=category, kind=kind, cap_per_date=cap, restrictions=restrictions,
                children_allowed=kind not in (OfferKind.COURSE, OfferKind.COURSE_SEASON),
            )
        out.append(offer)
    return out


def _desk_cards(ctx: DemoContext, today: datetime.date) -> dict[str, Card]:
    unit = ctx["dist_espoo_social_units"][0]
    area = ctx["area_espoo"]
    espoo = Municipality.objects.filter(code="049").first()
    cards = {}
    for key, payload in DESK_CARDS.items():
        number = payload + numbers.check_character(payload)
        issued = today - datetime.timedelta(days=30 if key != "expired" else 420)
        card, _created = Card.objects.get_or_create(number=number, defaults={
            "kind": CardKind.COMMUNITY if key == "community" else CardKind.PERSONAL,
            "status": CardStatus.INACTIVE if key == "inactive" else CardStatus.ACTIVE,
            "unit": unit, "area": area, "issued_on": issued,
            "valid_until": validity_end(issued),
            "registered_at": timezone.now(),
            "birth_year": None if key == "community" else 1975,
            "postal_code": "" if key == "community" else "02100",
            "municipality": None if key == "community" else espoo,
            "children": 2 if key == "valid" else 0,
            "inactivated_on": today - datetime.timedelta(days=10) if key == "inactive" else None,
            "inactive_reason": InactiveReason.LOST if key == "inactive" else "",
        })
        cards[key] = card
        ctx.logins.append((str(DESK_CARD_LABELS[key]), card.display_number))
    return cards


def _card_pool(ctx: DemoContext, rng: random.Random, today: datetime.date) -> list[Card]:
    """Registered demo cards; when the card registry's demo made few, make some here."""
    pool = list(Card.objects.filter(status=CardStatus.ACTIVE).exclude(
        number__startswith="DESK"))
    if len(pool) >= 150:
        return pool
    new, events = [], []
    for area_key, count in (("espoo", 140), ("kainuu", 80), ("oulu", 40)):
        units = [u for k in ctx.objects if k.startswith("dist_") and k.endswith("_units")
                 for u in ctx[k] if u.organisation.home_area == ctx[f"area_{area_key}"]]
        codes, postcodes = AREA_FACTS[area_key]
        munis = list(Municipality.objects.filter(code__in=codes))
        for i in range(count):
            issued = today - datetime.timedelta(days=rng.randint(0, 520))
            community = i % 40 == 0
            new.append(Card(
                number=numbers.generate(), status=CardStatus.ACTIVE,
                kind=CardKind.COMMUNITY if community else CardKind.PERSONAL,
                unit=rng.choice(units), area=ctx[f"area_{area_key}"], issued_on=issued,
                valid_until=issued + datetime.timedelta(days=364),
                registered_at=timezone.now(),
                birth_year=None if community else rng.randint(1940, 2009),
                postal_code="" if community else rng.choice(postcodes),
                municipality=None if community or not munis else rng.choice(munis),
                children=0 if community else rng.choices([0, 1, 2, 3], [55, 20, 17, 8])[0],
            ))
    Card.objects.bulk_create(new, batch_size=500)
    for card in Card.objects.filter(number__in=[c.number for c in new]):
        events.append(CardEvent(card=card, kind=CardEventKind.REGISTERED, on=card.issued_on,
                                unit_id=card.unit_id, valid_until=card.valid_until))
    CardEvent.objects.bulk_create(events, batch_size=500)
    return list(Card.objects.filter(number__in=[c.number for c in new])) + pool


def _history(ctx, offers, pool, rng, today) -> None:
    by_area: dict[int, list[Card]] = {}
    for card in pool:
        by_area.setdefault(card.area_id, []).append(card)
    taken: set[tuple] = set()
    per_date: dict[tuple, int] = {}
    rows: list[Use] = []
    recent: list[dict] = []
    for back in range(365, -1, -1):
        day = today - datetime.timedelta(days=back)
        weekend = day.weekday() >= 5
        for offer in offers:
            venue = offer.venue
            base = 2.6 if weekend else 1.0
            if offer.kind == OfferKind.EVENT and day.weekday() not in (3, 4, 5):
                continue  # shows on Thursday to Saturday
            if offer.kind == OfferKind.COURSE_SEASON and day.month not in (1, 8, 9):
                continue  # course seasons start in January and in autumn
            for _n in range(int(rng.expovariate(1 / (1.3 * base)))):
                local = rng.random() < 0.8
                area_cards = by_area.get(venue.home_area_id) if local else None
                cards = area_cards or pool
                card = rng.choice(cards)
                if not (card.issued_on <= day <= card.valid_until):
                    continue
                if (card.pk, offer.pk, day) in taken:
                    continue
                children = 0
                if offer.children_allowed and card.children and rng.random() < 0.6:
                    children = rng.randint(1, card.children)
                if card.kind == CardKind.COMMUNITY and offer.children_allowed:
                    children = rng.randint(2, 8)
                tickets = 1 + children
                if offer.cap_per_date and per_date.get((offer.pk, day), 0) + tickets > \
                        offer.cap_per_date:
                    continue
                taken.add((card.pk, offer.pk, day))
                per_date[(offer.pk, day)] = per_date.get((offer.pk, day), 0) + tickets
                companion = rng.random() < 0.03
                if back <= 6:
                    recent.append({"card": card, "offer": offer, "day": day,
                                   "children": children, "companion": companion})
                    continue
                backfilled = rng.random() < 0.04
                cancelled = rng.random() < 0.01
                at = timezone.make_aware(datetime.datetime.combine(
                    day + datetime.timedelta(days=rng.randint(1, 20) if backfilled else 0),
                    datetime.time(rng.randint(10, 19), rng.randint(0, 59))))
                seller = None
                if venue == ctx["venue_espoo_city"] or venue == ctx["venue_kainuu"]:
                    seller = ctx["seller"] if rng.random() < 0.1 else None
                rows.append(Use(
                    card=card, offer=offer, venue=venue, site=offer.site, seller=seller,
                    area_id=venue.home_area_id, card_area_id=card.area_id,
                    category=offer.category, event_date=day, children=children,
                    companion=companion,
                    status=UseStatus.CANCELLED if cancelled else UseStatus.RECORDED,
                    source=UseSource.BACKFILL if backfilled else UseSource.DESK,
                    backfilled=backfilled, recorded_at=at,
                    cancelled_at=at + datetime.timedelta(minutes=5) if cancelled else None,
                ))
    created = Use.objects.bulk_create(rows, batch_size=1000)
    for use, row in zip(created, rows, strict=True):
        use.recorded_at = row.recorded_at
    # auto_now_add stamped "now" on insert: put the real recording times back.
    Use.objects.bulk_update(created, ["recorded_at"], batch_size=1000)
    services.offer_counts_rebuild(offers=offers)
    staff = {ctx["venue_espoo_city"].pk: ctx["user_venue_espoo"],
             ctx["venue_kainuu"].pk: ctx["user_venue_kainuu_site"]}
    for r in recent:  # the last week through the service, like the desk
        venue = r["offer"].venue
        try:
            services.use_record(
                scope=scope_for_user(staff[venue.pk]) if venue.pk in staff else SYSTEM,
                site=r["offer"].site,
                card_number=r["card"].number, event_date=r["day"], offer=r["offer"],
                children=r["children"], companion=r["companion"],
            )
        except DomainError:
            continue


def load(ctx: DemoContext) -> None:
    rng = random.Random(20261127)
    today = timezone.localdate()
    offers = _offers(ctx)
    _desk_cards(ctx, today)
    venues = [ctx[k] for k in ("venue_espoo_city", "venue_espoo_theatre", "venue_kainuu",
                               "venue_oulu")]
    if Use.objects.filter(venue__in=venues).exists():
        return  # the year of uses is already there
    pool = _card_pool(ctx, rng, today)
    _history(ctx, offers, pool, rng, today)
