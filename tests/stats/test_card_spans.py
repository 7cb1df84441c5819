"""The card spans (`stats.cardspan`) give the dashboards' card and holder figures without
reading the cards: they equal the figures counted from the cards (`card_counts_scan`,
`_live_holder_rows`) for periods of whole months and of odd days, for the whole network,
areas, distributors, units and municipalities, and a rebuild, after registrations,
renewals, inactivations, corrections, updates, moves, replacements, voiding, retention and
direct saves."""

from __future__ import annotations

import datetime
import random

import pytest
from django.db.models import F

from kaikukanta.cards import services as card_services
from kaikukanta.cards.models import Card, CardKind, CardStatus, Gender, LifeSituation
from kaikukanta.lib.scope import SYSTEM
from kaikukanta.lib.targets import TargetKind
from kaikukanta.network import services as network_services
from kaikukanta.network.models import Unit
from kaikukanta.ops.retention import retention_apply
from kaikukanta.stats import cardspan, selectors
from kaikukanta.stats.models import CardSpan, HolderPlaceSpan, HolderSpan
from kaikukanta.stats.scopes import Period, Target
from kaikukanta.stats.selectors import CARD_FIGURES
from tests.factories import make_card

D = datetime.date


@pytest.fixture
def stock(cast):
    """Printed personal numbers in area a's stock."""
    batch = card_services.batch_create(scope=SYSTEM, area=cast.a.area, count=8)
    return list(batch.cards.order_by("number").values_list("number", flat=True))


TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


def spans():
    def rows(model):
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
        return sorted(model.objects.values_list(*fields))

    return rows(CardSpan), rows(HolderSpan), rows(HolderPlaceSpan)


def _summed(rows: list[dict], group: str) -> dict:
    """Rows per group without the all-zero ones ({group: figures})."""
    out = {}
    for r in rows:
        figures = {k: r[k] or 0 for k in CARD_FIGURES} | {
            f"k_{k}": r[f"k_{k}"] or 0 for k in CARD_FIGURES}
        if any(figures.values()):
            g = out.setdefault(r[group] or None, dict.fromkeys(figures, 0))
            for k, v in figures.items():
                g[k] += v
    return out


def _total(rows: dict) -> dict:
    out: dict = {}
    for figures in rows.values():
        for k, v in figures.items():
            out[k] = out.get(k, 0) + v
    return out


def build(cast, stock_numbers):
    """Cards over eight years in both areas, changed in every way a card changes."""
    a, b = cast.a, cast.b
    rng = random.Random(16)
    munis = list(a.area.municipalities.all()) + list(b.area.municipalities.all())
    cards = []
    for i in range(40):
        side = a if i % 3 else b
        issued = TODAY - datetime.timedelta(days=rng.randint(0, 8 * 365))
        card = make_card(side.unit, issued_on=issued, birth_year=1940 + i % 60,
                         children=i % 6,
                         kind=CardKind.COMMUNITY if i % 11 == 0 else CardKind.PERSONAL)
        if card.kind == CardKind.PERSONAL:
            card.gender = list(Gender.values)[i % 4] if i % 5 else ""
            card.life_situation = list(LifeSituation.values)[i % 7] if i % 4 else ""
            card.municipality = munis[i % len(munis)] if i % 6 else None
        if i % 7 == 3:  # inactivated some day of its validity, or on its first day
            card.status = CardStatus.INACTIVE
            card.inactivated_on = min(TODAY, card.issued_on + datetime.timedelta(
                days=0 if i % 2 else rng.randint(1, 500)))
        card.save()
        cards.append(card)
    # the services, today: registration, renewal, update, correction, inactivation, move,
    # replacement
    registered = [card_services.card_register(
        scope=SYSTEM, unit=a.unit, number=n, birth_year=1970 + k, postal_code="02100",
        children=k, issued_on=TODAY - datetime.timedelta(days=3 * k))
        for k, n in enumerate(stock_numbers[:4])]
    card_services.card_renew(scope=SYSTEM, card=registered[0], early=True)
    card_services.card_update(scope=SYSTEM, card=registered[1], children=4,
                              gender=Gender.WOMAN, life_situation=LifeSituation.STUDENT)
    card_services.card_correct(scope=SYSTEM, card=registered[2], birth_year=1990,
                               postal_code="02100")
    card_services.card_inactivate(scope=SYSTEM, card=registered[3], reason="lost")
    renewable = next(c for c in cards if c.status == CardStatus.ACTIVE
                     and c.valid_until >= TODAY)
    card_services.card_renew(scope=SYSTEM, card=renewable, early=True)
    second = network_services.unit_create(scope=SYSTEM, organisation=a.distributor_org,
                                          name="Second office")
    card_services.card_move(scope=SYSTEM, card=registered[1], unit=second)
    card_services.card_move(scope=SYSTEM, card=cards[1], unit=b.unit)  # to another area
    card_services.card_replace(scope=SYSTEM, card=registered[2], new_number=stock_numbers[4])
    card_services.card_void(scope=SYSTEM, card=Card.objects.get(number=stock_numbers[5]))
    return cards


def periods():
    """Whole months, quarters and years, and periods of odd days (about edges: the first
    and last day of a month, of a year, and a leap day)."""
    out = [Period.year(y) for y in range(TODAY.year - 8, TODAY.year + 2)]
    for y in (TODAY.year - 2, TODAY.year - 1, TODAY.year):
        out += [Period(D(y, m, 1), (D(y + (m == 12), m % 12 + 1, 1) - DAY)) for m in (1, 2, 6, 12)]
        out += [Period(D(y, 3, 1), D(y, 6, 30)), Period(D(y, 7, 1), D(y, 9, 30))]
    rng = random.Random(7)
    for _ in range(60):
        start = TODAY - datetime.timedelta(days=rng.randint(0, 9 * 365))
        out.append(Period(start, start + datetime.timedelta(days=rng.choice(
            [0, 1, 13, 30, 31, 58, 200, 365, 700]))))
    out += [Period(D(2024, 2, 29), D(2024, 3, 1)), Period(D(2023, 12, 31), D(2024, 1, 1)),
            Period(TODAY, TODAY), Period(TODAY - DAY, TODAY + 40 * DAY)]
    return out


def targets(cast):
    """Both areas, every unit (the second office a card moved to included), both
    distributors and every municipality of both areas."""
    return [Target(TargetKind.NATIONAL), Target(TargetKind.AREA, cast.a.area),
            Target(TargetKind.AREA, cast.b.area),
            Target(TargetKind.DISTRIBUTOR, cast.a.distributor_org),
            Target(TargetKind.DISTRIBUTOR, cast.b.distributor_org)] + [
        Target(TargetKind.UNIT, u) for u in Unit.objects.filter(
            organisation__in=[cast.a.distributor_org, cast.b.distributor_org])] + [
        Target(TargetKind.MUNICIPALITY, m) for m in (
            list(cast.a.area.municipalities.all()) + list(cast.b.area.municipalities.all()))]


def clean(d: dict) -> dict:
    return {t: {v: n for v, n in c.items() if n} for t, c in d.items()}


def check(cast) -> int:
    """Every target and period: spans == counted from the cards, the card figures and the
    holder tables. Returns how many of the comparisons had cards (holders) in them."""
    nonzero = 0
    for p in periods():
        q = p.previous()
        for target in targets(cast):
            group = "area_id" if target.kind == TargetKind.NATIONAL else "unit_id"
            got = _summed(selectors.card_counts(target, p, q), group)
            want = _summed(selectors.card_counts_scan(target, p, q), group)
            if target.kind == TargetKind.MUNICIPALITY:  # one row, not one per unit
                got, want = _total(got), _total(want)
            assert got == want, (target.kind, target.pk, p)
            nonzero += bool(want)
            counts, keys = selectors._span_holder_counts(target, p)
            w_counts, w_keys = selectors.holder_counts(selectors._live_holder_rows(target, p))
            assert clean(counts) == clean(w_counts), (target.kind, target.pk, p)
            assert clean(keys) == clean(w_keys), (target.kind, target.pk, p)
            nonzero += bool(clean(w_counts)["age"])
    return nonzero


def test_spans_equal_the_cards_and_a_rebuild(cast, stock):
    build(cast, stock)
    assert check(cast) > 200  # most comparisons counted cards
    kept = spans()
    assert kept[0] and kept[1]
    cardspan.rebuild()
    assert spans() == kept


def test_retention_changes_no_span_and_keeps_figures(cast, stock):
    cards = build(cast, stock)
    # some cards expired long ago (retention coarsens them)
    for i in range(6):
        issued = D(TODAY.year - 8, 1 + i, 3)
        card = make_card(cast.a.unit if i % 2 else cast.b.unit, issued_on=issued,
                         valid_until=issued + 200 * DAY, birth_year=1950 + i, children=i)
        card.gender, card.life_situation = Gender.MAN, LifeSituation.PENSIONER
        card.save()
    before = spans()
    assert retention_apply().counts["cards coarsened"] >= 6
    assert spans() == before
    cardspan.rebuild()
    assert spans() == before
    # a coarsened card changed later (inactivated) still counts as the old query does
    old = Card.objects.filter(holder_coarsened_on__isnull=False).first()
    old.status, old.inactivated_on = CardStatus.INACTIVE, old.valid_until - 10 * DAY
    old.save()
    assert check(cast) > 200
    changed = spans()
    cardspan.rebuild()
    assert spans() == changed
    assert cards


def test_queryset_update_is_caught_by_a_rebuild_only(cast, stock):
    """Writes that bypass save() (bulk loads) are not seen until rollup_rebuild(): the
    test proves the check above can fail."""
    from kaikukanta.stats.services import rollup_rebuild

    build(cast, stock)
    p = Period.year(TODAY.year)
    national = Target(TargetKind.NATIONAL)
    unit = Target(TargetKind.UNIT, cast.a.unit)
    Card.objects.filter(unit=cast.a.unit).update(valid_until=F("issued_on"))
    stale = _total(_summed(selectors.card_counts(national, p, p.previous()), "area_id"))
    truth = _total(_summed(selectors.card_counts_scan(national, p, p.previous()), "area_id"))
    assert stale != truth
    holders = clean(selectors.holder_counts(selectors._live_holder_rows(unit, p))[0])
    assert clean(selectors._span_holder_counts(unit, p)[0]) != holders
    rollup_rebuild()
    assert _total(_summed(selectors.card_counts(national, p, p.previous()), "area_id")) == truth
    assert clean(selectors._span_holder_counts(unit, p)[0]) == holders


def test_dashboard_reads_no_card_rows(cast, stock, django_assert_max_num_queries):
    """Every dashboard's card figures and exact holder tables come from the spans: no
    statement reads the cards."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    build(cast, stock)
    p = Period(D(TODAY.year - 1, 2, 12), D(TODAY.year - 1, 5, 19))
    for target in targets(cast):
        with CaptureQueriesContext(connection) as ctx:
            selectors.card_counts(target, p, p.previous())
            selectors._span_holder_counts(target, p)
        assert not any("cards_card" in q["sql"] for q in ctx.captured_queries)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_and_inactivations_keep_spans_equal_to_a_rebuild(cast):
    """Four writers at once on the same unit, day and holder facts (the same span rows):
    every change counts once and no writer deadlocks."""
    import threading

    from django.db import connection

    numbers = list(card_services.batch_create(scope=SYSTEM, area=cast.a.area, count=12)
                   .cards.order_by("number").values_list("number", flat=True))
    older = [make_card(cast.a.unit, issued_on=TODAY - 30 * DAY) for _ in range(4)]
    barrier = threading.Barrier(4)
    errors: list = []

    def work(k):
        try:
            barrier.wait()
            for n in numbers[k::4]:
                card_services.card_register(scope=SYSTEM, unit=cast.a.unit, number=n,
                                            birth_year=1980, postal_code="02100", children=1)
            card_services.card_inactivate(scope=SYSTEM, card=older[k], reason="lost")
        except Exception as exc:  # pragma: no cover - shown in the assertion
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    p = Period(TODAY, TODAY)
    national = Target(TargetKind.NATIONAL)
    got = _total(_summed(selectors.card_counts(national, p, p.previous()), "area_id"))
    assert got["reg_p"] == 12 and got["ina_p"] == 4
    assert got == _total(_summed(selectors.card_counts_scan(national, p, p.previous()),
                                 "area_id"))
    kept = spans()
    cardspan.rebuild()
    assert spans() == kept
