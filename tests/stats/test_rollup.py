"""The incremental hooks keep the rollups equal to a full rebuild from the uses."""

import datetime
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from kaikukanta.cards.models import CardEvent, CardEventKind
from kaikukanta.lib.scope import SYSTEM
from kaikukanta.stats import hooks, services
from kaikukanta.stats.models import (
    CardMonthUse,
    CardsUsedYear,
    CardYearUse,
    MunicipalityPlaceHolders,
    UnitDayCards,
    UseAreaDay,
    UseCrossDay,
    UsedMonthArea,
    UsedMonthMunicipality,
    UsedMonthUnit,
    UseMunicipalityDay,
    UseMunicipalityPlaceDay,
    UseMunicipalityPlaceMonth,
    UseSiteDay,
    UseSiteMonth,
    UseUnitDay,
)
from tests.factories import make_card
from tests.stats.conftest import cancel_use, make_use

D = datetime.date(2025, 3, 3)


def snapshot():
    def rows(model, fields):
        return sorted(model.objects.values_list(*fields))

    return (
        rows(UseAreaDay, ["day", "area_id", "category", "uses", "children", "companions",
                          "with_children"]),
        rows(UseCrossDay, ["day", "area_id", "card_area_id", "uses", "children", "companions"]),
        rows(CardYearUse, ["card_id", "year", "card_area_id", "unit_id", "uses"]),
        rows(CardsUsedYear, ["year", "card_area_id", "cards", "most_uses"]),
        rows(UseSiteDay, ["day", "area_id", "venue_id", "site_id", "offer_id", "seller_id",
                          "category", "uses", "children", "companions"]),
        rows(UseUnitDay, ["day", "unit_id", "category", "uses", "children", "companions"]),
        rows(CardMonthUse, ["card_id", "card_area_id", "month", "unit_id", "municipality_id",
                            "uses", "stats_key", "first_day", "last_day", "prev_day",
                            "next_month"]),
        rows(UsedMonthArea, ["card_area_id", "month", "prev", "cards", "key_sum"]),
        rows(UsedMonthUnit, ["unit_id", "month", "prev", "cards", "key_sum"]),
        rows(UseSiteMonth, ["month", "area_id", "venue_id", "site_id", "offer_id", "seller_id",
                            "category", "uses", "children", "companions", "with_children"]),
        rows(UseMunicipalityDay, ["day", "municipality_id", "category", "uses", "children",
                                  "companions", "with_children"]),
        rows(UseMunicipalityPlaceMonth, ["month", "municipality_id", "site_id", "offer_id",
                                         "uses", "children", "companions", "with_children"]),
        rows(UseMunicipalityPlaceDay, ["day", "municipality_id", "site_id", "offer_id",
                                       "uses", "children", "companions", "with_children"]),
        rows(UsedMonthMunicipality, ["municipality_id", "month", "prev", "cards", "key_sum"]),
        rows(MunicipalityPlaceHolders, ["year", "municipality_id", "site_id", "offer_id",
                                        "holders", "holders_children"]),
        rows(UnitDayCards, ["unit_id", "day", "category", "cards", "cards_children",
                            "cards_companion"]),
    )


def test_hooks_equal_rebuild(cast):
    a, b = cast.a, cast.b
    cards = [make_card(a.unit) for _ in range(3)] + [make_card(b.unit)]
    u1 = make_use(cards[0], a.site, D, children=2, companion=True)
    make_use(cards[0], b.site, D, category="sports")
    make_use(cards[1], a.site, D - datetime.timedelta(days=400), backfilled=True)
    u4 = make_use(cards[2], a.site2, D)
    make_use(cards[3], a.site, D, offer=None, seller=a.seller_org)
    cancel_use(u1)
    cancel_use(u4)  # the card's only use of the year: no longer "used"
    incremental = snapshot()
    assert incremental[0], "the hooks wrote rows"
    assert (2025, a.area.pk, 2) not in [r[:3] for r in incremental[3]]
    services.rollup_rebuild()
    assert snapshot() == incremental
    assert sum(r[3] for r in incremental[0]) == 3  # three recorded uses left
    assert {(y, ar): n for y, ar, n, _most in incremental[3]} == {
        (2025, a.area.pk): 1, (2024, a.area.pk): 1, (2025, b.area.pk): 1}


def test_bulk_data_needs_rebuild_and_ranges_work(cast):
    card = make_card(cast.a.unit)
    make_use(card, cast.a.site, D, hook=False)
    make_use(card, cast.a.site, D + datetime.timedelta(days=40), hook=False)
    assert not UseAreaDay.objects.exists()
    services.rollup_rebuild(start=D, end=D)
    assert list(UseAreaDay.objects.values_list("day", "uses")) == [(D, 1)]
    # the year's card count is recomputed whole, from every use of 2025
    assert CardYearUse.objects.get().uses == 2
    call_command("rebuild_stats", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert UseAreaDay.objects.count() == 2


def test_rebuild_of_some_days(cast):
    card = make_card(cast.a.unit)
    make_use(card, cast.a.site, D)
    UseAreaDay.objects.update(uses=99)  # damage
    services.rollup_rebuild(days=[D])
    assert UseAreaDay.objects.get().uses == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_uses_are_all_counted(cast):
    """Eight threads record uses in the same daily cell at once: no count is lost."""
    cards = [make_card(cast.a.unit) for _ in range(8)]
    start = threading.Barrier(len(cards))
    errors = []

    def record(card):
        from django.db import transaction

        try:
            start.wait()
            with transaction.atomic():
                make_use(card, cast.a.site, D)
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
    assert UseAreaDay.objects.get().uses == 8
    assert CardsUsedYear.objects.get().cards == 8


def test_card_move_moves_its_uses_to_the_new_unit(cast):
    from kaikukanta.network import services as network_services

    new_unit = network_services.unit_create(scope=SYSTEM, organisation=cast.a.distributor_org,
                                            name="Second office")
    card = make_card(cast.a.unit)
    make_use(card, cast.a.site, D)
    assert list(UseUnitDay.objects.values_list("unit_id", "uses")) == [(cast.a.unit.pk, 1)]
    card.unit = new_unit
    card.save()
    event = CardEvent.objects.create(card=card, kind=CardEventKind.MOVED, on=D, unit=new_unit)
    hooks.on_card_event(card, event)
    assert list(UseUnitDay.objects.values_list("unit_id", "uses")) == [(new_unit.pk, 1)]
    before = snapshot()
    services.rollup_rebuild()
    assert snapshot() == before


def test_the_most_uses_of_one_card_follows_records_and_cancellations(cast):
    """`CardsUsedYear.most_uses` (the privacy rule's bound) grows with a card's uses and,
    when the card that had the most loses one, is read again from the other cards: equal
    to a rebuild at every step."""
    from kaikukanta.stats.scopes import Period
    from kaikukanta.stats.selectors import max_uses_per_card

    a = cast.a
    top, other = make_card(a.unit), make_card(a.unit)
    top_uses = [make_use(top, a.site, D + datetime.timedelta(days=i)) for i in range(3)]
    other_uses = [make_use(other, a.site, D + datetime.timedelta(days=i)) for i in range(2)]
    year = Period(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))

    def most() -> int:
        return CardsUsedYear.objects.get(year=2025, card_area_id=a.area.pk).most_uses

    def equal_to_rebuild() -> None:
        incremental = snapshot()
        services.rollup_rebuild()
        assert snapshot() == incremental

    assert most() == 3 and max_uses_per_card(year) == 3 * 2
    equal_to_rebuild()
    cancel_use(other_uses[0])  # not the top card: unchanged
    assert most() == 3
    equal_to_rebuild()
    cancel_use(top_uses[0])  # the top card: read again, 2 (either card)
    assert most() == 2
    equal_to_rebuild()
    cancel_use(top_uses[1])
    cancel_use(other_uses[1])  # the other card's last use: one card fewer
    assert most() == 1
    assert CardsUsedYear.objects.get(year=2025, card_area_id=a.area.pk).cards == 1
    equal_to_rebuild()


@pytest.mark.postgres
def test_a_cards_next_use_in_a_year_updates_its_year_row_heap_only(cast):
    """No index holds the card-year row's use count (stats 0025): the update each
    recorded use makes to it writes no index entry (a heap-only update), and the most uses
    of one card comes from `CardsUsedYear`."""
    card = make_card(cast.a.unit)
    make_use(card, cast.a.site, D)

    def updates() -> tuple[int, int]:
        with connection.cursor() as cur:
            cur.execute("SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables "
                        "WHERE relname = %s", [CardYearUse._meta.db_table])
            return cur.fetchone()

    before = updates()
    for i in range(1, 4):
        make_use(card, cast.a.site, D + datetime.timedelta(days=i))
    after = updates()
    assert after[0] - before[0] == 3
    assert after[1] - before[1] == 3  # all heap-only
    assert CardYearUse.objects.get().uses == 4
    assert CardsUsedYear.objects.get().most_uses == 4


def test_rebuild_leaves_the_day_rollups_in_the_order_they_are_read(cast):
    """A whole rebuild puts the daily area rows (and the other `READ_ORDER` tables) in
    the order of the index the dashboards read them by (PostgreSQL: a period's days are
    then a few adjacent pages, not rows spread over the whole table), and changes no
    figure; elsewhere it leaves the order alone."""
    for i, day in enumerate((D, D - datetime.timedelta(days=40), D + datetime.timedelta(days=9),
                             D - datetime.timedelta(days=3))):
        make_use(make_card(cast.a.unit if i % 2 else cast.b.unit),
                 cast.a.site if i % 3 else cast.b.site, day)
    before = snapshot()
    services.rollup_rebuild()
    assert snapshot() == before
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        for _table, index in services.READ_ORDER:
            cur.execute("SELECT i.indisclustered FROM pg_index i JOIN pg_class c "
                        "ON c.oid = i.indexrelid WHERE c.relname = %s", [index])
            assert cur.fetchone() == (True,), index
        cur.execute("SELECT day, area_id, category FROM stats_useareaday ORDER BY ctid")
        stored = cur.fetchall()
    assert len(stored) > 3
    assert stored == sorted(stored)
