"""Demo: wellbeing-meter answers for a few hundred cards and mood-meter answers for many
demo visits (idempotent: loaded once).

The dashboards show whole ended years only, and the demo's cards were issued in the last
18 months, so a set of older cards (issued the year before last and renewed last year)
gives the paired change something to show. Answers are written in bulk, as a year of
distributors' and holders' answers would have left them.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from kaikukanta.cards import services as card_services
from kaikukanta.cards.models import Card, CardEvent, CardEventKind, CardKind, CardStatus
from kaikukanta.cards.validity import validity_end
from kaikukanta.demo.context import DemoContext
from kaikukanta.lib.scope import SYSTEM
from kaikukanta.stats import hooks
from kaikukanta.usage.models import Use, UseStatus
from kaikukanta.wellbeing.figures import years_open
from kaikukanta.wellbeing.models import Channel, MoodAnswer, MoodReceipt, WellbeingAnswer
from kaikukanta.wellbeing.questions import who5_score

SEED = 20251117
OLDER_CARDS_PER_UNIT = 40
ISSUE_SHARE = 0.6  # of the demo's cards answer at issue
RENEWAL_SHARE = 0.7  # of those answer again at renewal
MOOD_SHARE = 0.5  # of the visits get a mood answer


def _items(rng: random.Random, lift: float = 0.0) -> dict:
    base = rng.choice([1, 2, 2, 3, 3, 3, 4])
    return {f"who{i}": max(0, min(5, base + rng.choice([-1, 0, 0, 1])
                                  + (1 if rng.random() < lift else 0))) for i in range(1, 6)}


def _answer(card: Card, tp: int, day: datetime.date, rng: random.Random,
            lift: float = 0.0) -> WellbeingAnswer:
    items = _items(rng, lift)
    return WellbeingAnswer(
        card=card, time_point=tp, month=day.replace(day=1), area_id=card.area_id,
        municipality_id=card.municipality_id, score=who5_score(items),
        channel=rng.choice([Channel.SCREEN, Channel.SCREEN, Channel.PAPER, Channel.OMA]),
        often=rng.choice([None, 0, 1, 1, 2, 3]) if tp == 0 else rng.choice([1, 2, 2, 3, 3]),
        cost=rng.choice([None, 2, 3, 3, 4]) if tp == 0 else rng.choice([1, 2, 2, 3]),
        belong=rng.choice([None, 1, 2, 2, 3]) if tp == 0 else rng.choice([2, 3, 3, 4]),
        **items)


def _older_cards(ctx: DemoContext, rng: random.Random, today: datetime.date) -> list[tuple]:
    """Cards issued the year before the newest shown year and renewed in the shown year:
    (card, issued, renewed)."""
    out = []
    first = datetime.date(years_open(today)[0] - 1, 1, 1)
    for key in ("dist_espoo_social", "dist_kainuu"):
        for unit in ctx[f"{key}_units"][:1]:
            area = unit.organisation.home_area
            munis = list(area.municipalities.all())
            batch = card_services.batch_create(scope=SYSTEM, area=area,
                                               count=OLDER_CARDS_PER_UNIT)
            stock = list(batch.cards.order_by("number"))
            events = []
            for card in stock:
                issued = first + datetime.timedelta(days=rng.randint(0, 300))
                renewed = validity_end(issued) - datetime.timedelta(days=rng.randint(0, 20))
                card.status = CardStatus.ACTIVE
                card.unit, card.area = unit, area
                card.issued_on, card.valid_until = issued, validity_end(renewed)
                card.registered_at = timezone.make_aware(
                    datetime.datetime.combine(issued, datetime.time(10, 0)))
                card.birth_year = rng.randint(today.year - 80, today.year - 18)
                card.municipality = rng.choice(munis) if munis else None
                card.postal_code = ""
                events += [CardEvent(card=card, kind=CardEventKind.REGISTERED, on=issued,
                                     unit=unit, valid_until=validity_end(issued)),
                           CardEvent(card=card, kind=CardEventKind.RENEWED, on=renewed,
                                     unit=unit, valid_until=card.valid_until)]
                out.append((card, issued, renewed))
            Card.objects.bulk_update(stock, ["status", "unit", "area", "issued_on",
                                             "valid_until", "registered_at", "birth_year",
                                             "municipality", "postal_code"])
            CardEvent.objects.bulk_create(events)
            for event in events:
                hooks.on_card_event(event.card, event)
    if out:  # the cards were written in bulk, past their save(): their spans anew
        from kaikukanta.stats import cardspan

        cardspan.rebuild()
    return out


def load(ctx: DemoContext) -> None:
    if WellbeingAnswer.objects.exists() or MoodReceipt.objects.exists():
        return
    rng = random.Random(SEED)
    today = timezone.localdate()
    answers: list[WellbeingAnswer] = []
    for card, issued, renewed in _older_cards(ctx, rng, today):
        if rng.random() < 0.8:
            answers.append(_answer(card, 0, issued, rng))
            if rng.random() < 0.8:
                answers.append(_answer(card, 1, renewed, rng, lift=0.35))
    renewals = dict(CardEvent.objects.filter(kind=CardEventKind.RENEWED,
                                             card__kind=CardKind.PERSONAL)
                    .values_list("card_id", "on"))
    answered = {a.card_id for a in answers}
    cards = (Card.objects.filter(kind=CardKind.PERSONAL, status=CardStatus.ACTIVE,
                                 issued_on__isnull=False, area__isnull=False)
             .exclude(pk__in=answered).order_by("pk"))
    for card in cards:
        if rng.random() >= ISSUE_SHARE:
            continue
        answers.append(_answer(card, 0, card.issued_on, rng))
        if card.pk in renewals and rng.random() < RENEWAL_SHARE:
            answers.append(_answer(card, 1, renewals[card.pk], rng, lift=0.3))
    WellbeingAnswer.objects.bulk_create(answers, batch_size=500)

    receipts, moods = [], []
    uses = (Use.objects.filter(status=UseStatus.RECORDED, card__kind=CardKind.PERSONAL)
            .select_related("site").order_by("pk"))
    for use in uses:
        if rng.random() >= MOOD_SHARE:
            continue
        receipts.append(MoodReceipt(use_id=use.pk))
        moods.append(MoodAnswer(
            venue_id=use.venue_id, site_id=use.site_id, offer_id=use.offer_id,
            area_id=use.area_id, municipality_id=use.site.municipality_id,
            category=use.category, month=use.event_date.replace(day=1),
            face=rng.choice([5, 5, 5, 4, 4, 4, 4, 3, 3, 2, 1]),
            again=rng.choice(["yes", "yes", "yes", "yes", "maybe", "no", ""])))
    rng.shuffle(moods)  # no order of the rows follows the visits
    MoodReceipt.objects.bulk_create(receipts, batch_size=500)
    MoodAnswer.objects.bulk_create(moods, batch_size=500)
    ctx.notes.append(f"Wellbeing demo: {len(answers)} wellbeing answers, {len(moods)} mood "
                     "answers (dashboards under /wellbeing/ show whole ended years).")
