"""A unit's first five cards by day and category (`UnitDayCards`) answer the holders behind
every use figure of the unit and distributor dashboards (up to five) exactly as counting
them from the uses does, and stay equal to a rebuild after records, cancellations, a
file's uses and a card's move to another unit."""

import datetime
import threading

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from kaikukanta.cards.models import CardEvent, CardEventKind
from kaikukanta.lib.scope import SYSTEM
from kaikukanta.lib.targets import TargetKind
from kaikukanta.stats import hooks, selectors, services, unitcards
from kaikukanta.stats.holders import capped_holders
from kaikukanta.stats.models import UnitDayCards
from kaikukanta.stats.scopes import Period, Target
from kaikukanta.usage.models import Use, UseStatus
from tests.factories import make_card
from tests.stats.conftest import cancel_use, make_use
from tests.stats.test_rollup import snapshot

day = datetime.date
CATS = ("culture", "sports")


def from_uses(target: Target, p: Period) -> dict:
    """The capped holders of each cell counted from the uses (no bound: every cell is
    counted)."""
    uses = Use.objects.filter(status=UseStatus.RECORDED, event_date__gte=p.start,
                              event_date__lte=p.end).filter(target.use_q())
    cells = [(("cat", c), Q(category=c)) for c in CATS]
    cells += [(("wd", w), Q(event_date__iso_week_day=w)) for w in range(1, 8)]
    cells += [(("total", None), Q()), (("companion", None), Q(companion=True))]
    got = capped_holders(uses, [(k, q, 1, 1) for k, q in cells], bound=10**6)
    got[("companion", None)]["hc"] = 0
    return got


def from_rows(target: Target, p: Period) -> dict:
    return unitcards.cells_capped(selectors._unit_ids(target), [(p.start, p.end)], [
        *[(("cat", c), lambda _d, cat, c=c: cat == c, False) for c in CATS],
        *[(("wd", w), lambda d, _c, w=w: d.isoweekday() == w, False) for w in range(1, 8)],
        (("total", None), lambda _d, _c: True, False),
        (("companion", None), lambda _d, _c: True, True)])


def build(cast):
    """Eight cards of the first unit (more than five in a cell), one of the second; uses
    on three days in March 2025 with children's and companion tickets; cancellations of a
    card in a cell's first five (its only use there, and one of two), a file's uses, and
    the second card's move to a new unit of the same distributor."""
    from kaikukanta.network import services as network_services

    a, b = cast.a, cast.b
    cards = [make_card(a.unit) for _ in range(8)] + [make_card(b.unit)]
    made = {}
    for i, card in enumerate(cards):
        for d in (3, 4, 10):
            if (i + d) % 3:
                made[(i, d)] = make_use(card, a.site if i % 2 else b.site, day(2025, 3, d),
                                        category=CATS[(i * d) % 2], children=(i + d) % 2,
                                        companion=i % 4 == 1)
    make_use(cards[0], a.site, day(2025, 3, 4), category=CATS[0])
    cancel_use(made[(1, 3)])  # the first card of its cells
    cancel_use(made[(0, 4)])  # one of the card's two uses there
    batch = []
    for i, d in ((2, 3), (5, 11), (8, 11)):
        use = make_use(cards[i], a.site, day(2025, 3, d), hook=False, children=1,
                       companion=True)
        use.card = cards[i]
        batch.append(use)
    hooks.on_uses_recorded(batch)
    second = network_services.unit_create(scope=SYSTEM, organisation=a.distributor_org,
                                          name="Second office")
    card = cards[1]
    card.unit = second
    card.save()
    hooks.on_card_event(card, CardEvent.objects.create(
        card=card, kind=CardEventKind.MOVED, on=day(2025, 3, 20), unit=second))
    return second


def test_first_cards_equal_holders_from_uses_for_every_period(cast):
    second = build(cast)
    targets = [Target(TargetKind.UNIT, cast.a.unit), Target(TargetKind.UNIT, cast.b.unit),
               Target(TargetKind.UNIT, second),
               Target(TargetKind.DISTRIBUTOR, cast.a.distributor_org)]
    seen = set()
    for s in range(1, 13):
        for e in range(s, 13):
            p = Period(day(2025, 3, s), day(2025, 3, e))
            for target in targets:
                want = from_uses(target, p)
                assert from_rows(target, p) == want, (target.kind, target.pk, p)
                seen |= {v["h"] for v in want.values()}
    assert seen == {0, 1, 2, 3, 4, 5}  # from none to capped
    # two spans at once (a period and its comparison period, as the summary reads them)
    for spans in [((3, 3), (10, 10)), ((4, 4), (11, 12)), ((1, 2), (5, 9))]:
        uses = Use.objects.filter(status=UseStatus.RECORDED, card__unit=cast.a.unit).filter(
            Q(event_date__range=(day(2025, 3, spans[0][0]), day(2025, 3, spans[0][1])))
            | Q(event_date__range=(day(2025, 3, spans[1][0]), day(2025, 3, spans[1][1]))))
        want = capped_holders(uses, [("all", Q(), 1, 1)], bound=10**6)["all"]
        got = unitcards.cells_capped([cast.a.unit.pk], [
            (day(2025, 3, s), day(2025, 3, e)) for s, e in spans],
            [("all", lambda _d, _c: True, False)])["all"]
        assert got == want, spans
    incremental = snapshot()
    services.rollup_rebuild()
    assert snapshot() == incremental


def test_unit_dashboard_reads_no_uses(cast):
    build(cast)
    target = Target(TargetKind.UNIT, cast.a.unit)
    p = Period(day(2025, 3, 1), day(2025, 3, 12))
    with CaptureQueriesContext(connection) as ctx:
        d = selectors.dashboard(target=target, period=p, exact=False)
    assert [q for q in ctx.captured_queries if "stats_unitdaycards" in q["sql"]]
    assert not [q for q in ctx.captured_queries if "usage_use" in q["sql"]]
    # sports' two uses stand for fewer than five holders (the rows say so): shown as
    # small, and culture's uses hidden beside it, as the total is shown
    states = {label: cells[0].state for label, cells in d.table("category").rows}
    assert (states["Sports"], states["Culture"]) == ("small", "hidden")


def test_lists_hold_the_five_smallest_ids(cast):
    cards = sorted([make_card(cast.a.unit) for _ in range(7)], key=lambda c: -c.pk)
    uses = [make_use(card, cast.a.site, day(2025, 3, 3)) for card in cards]
    ids = sorted(c.pk for c in cards)
    row = UnitDayCards.objects.get()
    assert unitcards.parse(row.cards) == ids[:5]
    assert (row.cards_children, row.cards_companion) == ("", "")
    cancel_use(next(u for u in uses if u.card_id == ids[0]))  # the sixth moves up
    assert unitcards.parse(UnitDayCards.objects.get().cards) == ids[1:6]
    for use in uses:
        if use.card_id != ids[0]:
            cancel_use(use)
    assert not UnitDayCards.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_uses_keep_every_first_card(cast):
    """Eight threads record uses of eight cards in the same cell at once: the cell's list
    is the five smallest ids of them, as a rebuild makes it."""
    cards = [make_card(cast.a.unit) for _ in range(8)]
    start = threading.Barrier(len(cards))
    errors = []

    def record(card):
        from django.db import transaction

        try:
            start.wait()
            with transaction.atomic():
                make_use(card, cast.a.site, day(2025, 3, 3))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(c,)) for c in cards]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert unitcards.parse(UnitDayCards.objects.get().cards) == sorted(c.pk for c in cards)[:5]
