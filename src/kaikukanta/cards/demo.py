"""Demo cards: a few hundred registered cards across the demo units (some expired, some
renewed, some inactivated, one replaced), community cards, mobile-only cards and an
unused printed batch in every area, so the demo distributor can register a card.

Idempotent: when the demo areas already have card stock nothing is made again. The past
is written in bulk (services refuse dates older than 60 days, as they should); today's
steps (the replacement, community and mobile cards, the unused batches) go through the
services. Random choices are seeded, so every fresh demo looks the same.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone
from django.utils.translation import gettext

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.cards import services
from kaikukanta.cards.models import (
    Card,
    CardBatch,
    CardEvent,
    CardEventKind,
    CardKind,
    CardStatus,
    Gender,
    InactiveReason,
    LifeSituation,
    PreferredLanguage,
)
from kaikukanta.cards.validity import validity_end
from kaikukanta.demo.context import DemoContext
from kaikukanta.geo.models import Municipality, PostalCode
from kaikukanta.lib.scope import SYSTEM
from kaikukanta.stats import hooks

SEED = 20250129  # Kaikukanta 2.0 launch day
CARDS_PER_UNIT = 45
UNUSED_PER_AREA = 25

# A few real postal codes, so the demo shows the postal-code rules: codes in the demo
# areas, and some outside every area (Helsinki, Vantaa, Tampere, Turku). Loaded only when
# no postal-code table is present.
DEMO_POSTAL_CODES = [
    ("02100", "ESPOO", "ESBO", "049"), ("02600", "ESPOO", "ESBO", "049"),
    ("02230", "ESPOO", "ESBO", "049"), ("02770", "ESPOO", "ESBO", "049"),
    ("87100", "KAJAANI", "KAJANA", "205"), ("87500", "KAJAANI", "KAJANA", "205"),
    ("88600", "SOTKAMO", "SOTKAMO", "765"), ("88900", "KUHMO", "KUHMO", "290"),
    ("89600", "SUOMUSSALMI", "SUOMUSSALMI", "777"), ("88300", "PALTAMO", "PALTAMO", "578"),
    ("90100", "OULU", "ULEÅBORG", "564"), ("90500", "OULU", "ULEÅBORG", "564"),
    ("00100", "HELSINKI", "HELSINGFORS", "091"), ("00530", "HELSINKI", "HELSINGFORS", "091"),
    ("01300", "VANTAA", "VANDA", "092"), ("33100", "TAMPERE", "TAMMERFORS", "837"),
    ("20100", "TURKU", "ÅBO", "853"),
]

DISTRIBUTOR_KEYS = ["dist_espoo_social", "dist_espoo_ngo", "dist_kainuu", "dist_oulu"]
AREA_KEYS = ["area_espoo", "area_kainuu", "area_oulu"]


def _postal_codes() -> None:
    if PostalCode.objects.exists():
        return
    munis = Municipality.objects.in_bulk([row[3] for row in DEMO_POSTAL_CODES])
    PostalCode.objects.bulk_create([
        PostalCode(code=code, name_fi=fi, name_sv=sv, municipality=munis[muni])
        for code, fi, sv, muni in DEMO_POSTAL_CODES if muni in munis
    ])


def _codes_by_area(area) -> list[tuple[str, Municipality | None]]:
    rows = list(PostalCode.objects.filter(municipality__in=area.municipalities.all())
                .select_related("municipality").order_by("code"))
    return [(r.code, r.municipality) for r in rows] or [("02100", None)]


def _weighted(rng: random.Random, choices, blank_weight: int = 2) -> str:
    values = [""] * blank_weight + list(choices.values)
    return rng.choice(values)


def _registered_history(ctx: DemoContext, rng: random.Random, today: datetime.date) -> None:
    """Cards registered over the last ~18 months, written in bulk with their events."""
    actor = ctx["user_distributor_espoo"]
    for key in DISTRIBUTOR_KEYS:
        for unit in ctx[f"{key}_units"]:
            area = unit.organisation.home_area
            codes = _codes_by_area(area)
            batch = services.batch_create(scope=SYSTEM, area=area, count=CARDS_PER_UNIT)
            stock = list(batch.cards.order_by("number"))
            events: list[CardEvent] = []
            for card in stock:
                issued = today - datetime.timedelta(days=rng.randint(0, 540))
                code, municipality = rng.choice(codes)
                card.status = CardStatus.ACTIVE
                card.unit = unit
                card.area = area
                card.issued_on = issued
                card.valid_until = validity_end(issued)
                card.backfilled = rng.random() < 0.05
                card.registered_at = timezone.make_aware(
                    datetime.datetime.combine(issued, datetime.time(9 + rng.randint(0, 7),
                                                                    rng.randint(0, 59))))
                card.birth_year = rng.randint(today.year - 85, today.year - 16)
                card.postal_code = code
                card.municipality = municipality
                card.children = rng.choice([0, 0, 0, 0, 1, 1, 2, 2, 3, 4])
                card.gender = _weighted(rng, Gender)
                card.life_situation = _weighted(rng, LifeSituation)
                card.preferred_language = _weighted(rng, PreferredLanguage, 1)
                events.append(CardEvent(card=card, kind=CardEventKind.REGISTERED, on=issued,
                                        unit=unit, valid_until=card.valid_until, by=actor))
                # Most cards older than a year were renewed; the rest have expired.
                if card.valid_until < today and rng.random() < 0.6:
                    renewed = card.valid_until - datetime.timedelta(days=rng.randint(0, 20))
                    card.valid_until = validity_end(renewed)
                    events.append(CardEvent(card=card, kind=CardEventKind.RENEWED, on=renewed,
                                            unit=unit, valid_until=card.valid_until, by=actor))
                elif rng.random() < 0.06:
                    day = min(today, issued + datetime.timedelta(days=rng.randint(10, 200)))
                    card.status = CardStatus.INACTIVE
                    card.inactivated_on = day
                    card.inactive_reason = rng.choice([
                        InactiveReason.LOST, InactiveReason.HOLDER_REQUEST,
                        InactiveReason.MOVED_AWAY, InactiveReason.STOLEN])
                    events.append(CardEvent(card=card, kind=CardEventKind.INACTIVATED, on=day,
                                            unit=unit, valid_until=card.valid_until, by=actor))
            Card.objects.bulk_update(stock, [
                "status", "unit", "area", "issued_on", "valid_until", "backfilled",
                "registered_at", "birth_year", "postal_code", "municipality", "children",
                "gender", "life_situation", "preferred_language", "inactivated_on",
                "inactive_reason"], batch_size=500)
            CardEvent.objects.bulk_create(events, batch_size=500)
            for event in events:
                hooks.on_card_event(event.card, event)


def _today_steps(ctx: DemoContext, rng: random.Random, today: datetime.date) -> None:
    """Steps done through the services today: a replacement, community and mobile cards."""
    distributor = ctx["user_distributor_espoo"]
    espoo_unit = ctx["dist_espoo_social_units"][0]
    espoo = ctx["area_espoo"]
    spare = services.batch_create(scope=SYSTEM, area=espoo, count=1)
    lost = (Card.objects.filter(unit=espoo_unit, status=CardStatus.ACTIVE,
                                valid_until__gte=today).order_by("number").first())
    if lost is not None:
        services.card_replace(scope=scope_for_user(distributor), card=lost,
                              new_number=spare.cards.get().number,
                              reason=InactiveReason.LOST)
    community = services.batch_create(scope=SYSTEM, area=espoo, count=6, kind=CardKind.COMMUNITY)
    numbers = list(community.cards.order_by("number").values_list("number", flat=True))
    for unit, number in zip(ctx["dist_espoo_social_units"], numbers, strict=False):
        # for every unit of the organisation, not only the demo distributor's own
        services.community_card_issue(scope=SYSTEM, unit=unit, number=number)
    services.community_card_issue(scope=scope_for_user(ctx["user_distributor_kainuu"]),
                                  unit=ctx["dist_kainuu_units"][0])
    for unit, user in ((espoo_unit, distributor),
                       (ctx["dist_kainuu_units"][0], ctx["user_distributor_kainuu"])):
        code, _municipality = _codes_by_area(unit.organisation.home_area)[0]
        services.card_register_mobile(scope=scope_for_user(user), unit=unit, birth_year=1990,
                                      postal_code=code, children=1)


def load(ctx: DemoContext) -> None:
    _postal_codes()
    areas = [ctx[key] for key in AREA_KEYS]
    if not CardBatch.objects.filter(area__in=areas).exists():
        rng = random.Random(SEED)
        today = timezone.localdate()
        _registered_history(ctx, rng, today)
        _today_steps(ctx, rng, today)
        for area in areas:
            services.batch_create(scope=scope_for_user(ctx["user_national"]), area=area,
                                  count=UNUSED_PER_AREA)
    unused = (Card.objects.filter(status=CardStatus.UNUSED, kind=CardKind.PERSONAL,
                                  batch__area=ctx["area_espoo"])
              .order_by("number").values_list("number", flat=True)[:3])
    if unused:
        from kaikukanta.cards.numbers import display

        label = gettext("Unused printed card numbers (%(area)s)") % {
            "area": ctx["area_espoo"].name}
        ctx.logins.append((label, ", ".join(display(n) for n in unused)))
