"""Cards used at least once in any run of whole months, from the month histograms, equal
the distinct cards counted from the uses, and stay equal to a rebuild after records,
cancellations, backfills, file imports and card moves."""

import datetime

from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext

from kaikukanta.cards.models import Card, CardEvent, CardEventKind
from kaikukanta.lib.scope import SYSTEM
from kaikukanta.lib.targets import TargetKind
from kaikukanta.stats import hooks, selectors, services
from kaikukanta.stats.scopes import Period, Target
from kaikukanta.usage.models import Use, UseStatus
from tests.factories import make_card
from tests.stats.conftest import cancel_use, make_use
from tests.stats.test_rollup import snapshot

MONTHS = [datetime.date(2024, m, 1) for m in (1, 3, 4, 7, 12)] + [
    datetime.date(2025, m, 1) for m in (1, 2, 6)]


def month_periods():
    """Every run of whole months from January 2024 to June 2025 (171 periods)."""
    starts = [datetime.date(2024 + (i // 12), i % 12 + 1, 1) for i in range(18)]
    for i, a in enumerate(starts):
        for b in starts[i:]:
            end = (b.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
            yield Period(a, end - datetime.timedelta(days=1))


def counted(target: Target, p: Period) -> tuple[int, int]:
    """Distinct cards (and their key sum) counted straight from the uses."""
    uses = Use.objects.filter(status=UseStatus.RECORDED, event_date__gte=p.start,
                              event_date__lte=p.end).filter(target.used_cards_q())
    got = Card.objects.filter(pk__in=uses.values("card_id")).aggregate(
        n=Count("pk"), k=Sum("stats_key"))
    return got["n"], got["k"] or 0


def histogram(target: Target, p: Period) -> tuple[int, int]:
    got = selectors.used_in_months(target, p)[0]
    return got["n"] or 0, got["k"] or 0


def residents(cast) -> list:
    """The two areas' municipalities (Espoo; Kajaani and Sotkamo)."""
    return list(cast.a.area.municipalities.order_by("pk")) + list(
        cast.b.area.municipalities.order_by("pk"))


def build(cast):
    a, b = cast.a, cast.b
    cards = [make_card(a.unit) for _ in range(4)] + [make_card(b.unit)]
    munis = residents(cast)
    for i, card in enumerate(cards[1:]):  # the first card has no municipality
        card.municipality = munis[i % len(munis)]
        card.save(update_fields=["municipality"])
    made = []
    for i, card in enumerate(cards):
        for j, day in enumerate(MONTHS):
            if (i + j) % 3:  # every card gets a different pattern of months
                made.append(make_use(card, a.site if j % 2 else b.site,
                                     day + datetime.timedelta(days=i + j)))
    # a second use in a month already used, and a backfilled one filling a gap
    made.append(make_use(cards[0], a.site, MONTHS[1] + datetime.timedelta(days=20)))
    made.append(make_use(cards[1], a.site, datetime.date(2024, 5, 9), backfilled=True))
    cancel_use(made[0])  # a card's first month goes away
    cancel_use(made[3])  # a month in the middle
    cancel_use(made[-2])  # one of two uses in a month: the month stays
    return cards


def test_histograms_equal_distinct_cards_from_uses_for_every_month_run(cast):
    build(cast)
    targets = [Target(TargetKind.NATIONAL), Target(TargetKind.AREA, cast.a.area),
               Target(TargetKind.AREA, cast.b.area), Target(TargetKind.UNIT, cast.a.unit),
               Target(TargetKind.DISTRIBUTOR, cast.a.distributor_org)] + [
        Target(TargetKind.MUNICIPALITY, m) for m in residents(cast)]
    checked = 0
    for p in month_periods():
        for target in targets:
            assert histogram(target, p) == counted(target, p), (target.kind, p)
            checked += bool(counted(target, p)[0])
    assert checked > 300  # most of the periods had cards in them
    incremental = snapshot()
    services.rollup_rebuild()
    assert snapshot() == incremental


def test_dashboard_reads_months_not_uses(cast, django_assert_max_num_queries):
    build(cast)
    target = Target(TargetKind.AREA, cast.a.area)
    p, q = Period(datetime.date(2025, 1, 1), datetime.date(2025, 6, 30)), None
    q = p.previous()
    exact = selectors.cards_used(target, p, q, exact=True)
    assert (exact["p"], exact["q"]) == (counted(target, p)[0], counted(target, q)[0])
    perturbed = selectors.cards_used(target, p, q, exact=False)
    assert abs(perturbed["p"] - exact["p"]) <= 2
    # a period that is not whole months: the months' histograms and the edge months' rows
    odd = Period(datetime.date(2025, 1, 2), datetime.date(2025, 6, 30))
    assert selectors.used_in_months(target, odd) is None
    assert selectors.cards_used(target, odd, odd.previous())["p"] == counted(target, odd)[0]


def test_file_import_and_card_move_keep_histograms_equal_to_rebuild(cast):
    from kaikukanta.network import services as network_services

    cards = build(cast)
    # many uses at once, as the file import reports them
    batch = []
    for k, card in enumerate(cards):
        for day in (datetime.date(2024, 2, 14), datetime.date(2025, 3, 1 + k)):
            use = make_use(card, cast.a.site, day, hook=False)
            use.card = card
            batch.append(use)
    hooks.on_uses_recorded(batch)
    before_move = snapshot()
    services.rollup_rebuild()
    assert snapshot() == before_move
    new_unit = network_services.unit_create(scope=SYSTEM, organisation=cast.a.distributor_org,
                                            name="Second office")
    card = cards[0]
    card.unit = new_unit
    card.save()
    event = CardEvent.objects.create(card=card, kind=CardEventKind.MOVED,
                                     on=datetime.date(2025, 6, 1), unit=new_unit)
    hooks.on_card_event(card, event)
    moved = snapshot()
    services.rollup_rebuild()
    assert snapshot() == moved
    year = Period.year(2024)
    assert histogram(Target(TargetKind.UNIT, new_unit), year) == counted(
        Target(TargetKind.UNIT, new_unit), year)


def test_bulk_upserts_through_copy_equal_rebuild(cast, monkeypatch):
    """The file import's statistics go through COPY on PostgreSQL from BULK_FROM rows;
    with every batch that way, the rows still equal a rebuild (SQLite: executemany)."""
    monkeypatch.setattr(services, "BULK_FROM", 1)
    test_file_import_and_card_move_keep_histograms_equal_to_rebuild(cast)


def counted_pairs(target: Target, p: Period, by_unit: bool = False):
    """COUNT(DISTINCT card) straight from the uses, per card's area of the uses (a card
    used under two card's areas counts in each, as in the month histograms), with the
    cards' key sum; per the card's unit with `by_unit`."""
    uses = Use.objects.filter(status=UseStatus.RECORDED, event_date__gte=p.start,
                              event_date__lte=p.end).filter(target.used_cards_q())
    out: dict = {}
    for _card, _area, key, unit in set(uses.values_list(
            "card_id", "card_area_id", "card__stats_key", "card__unit_id")):
        acc = out.setdefault(unit if by_unit else None, [0, 0])
        acc[0] += 1
        acc[1] += key or 0
    if by_unit:
        return {u: tuple(v) for u, v in out.items()}
    return tuple(out.get(None, (0, 0)))


def day_periods(rng):
    """Random periods of days from December 2023 to July 2025: short ones inside a month,
    ones across a month's or a year's end, long ones with whole months inside, and
    whole months and years among them."""
    first = datetime.date(2023, 12, 1)
    out = [Period(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)),
           Period(datetime.date(2024, 2, 29), datetime.date(2024, 3, 1)),
           Period(datetime.date(2024, 12, 31), datetime.date(2025, 1, 1)),
           Period(datetime.date(2024, 3, 2), datetime.date(2024, 3, 30)),
           Period(datetime.date(2024, 2, 12), datetime.date(2025, 5, 19))]
    for length in [0, 1, 5, 20, 40, 70, 100, 200, 400] * 12:
        start = first + datetime.timedelta(days=rng.randrange(560))
        out.append(Period(start, start + datetime.timedelta(days=length + rng.randrange(30))))
    return out


def periods_equal_distinct_cards(cast, rng) -> int:
    """`used_in` equals COUNT(DISTINCT card) from the uses for every random period of
    `day_periods`, per target and per unit (exact and with the key sums); returns how
    many of the checks had cards."""
    targets = [Target(TargetKind.NATIONAL), Target(TargetKind.AREA, cast.a.area),
               Target(TargetKind.AREA, cast.b.area), Target(TargetKind.UNIT, cast.a.unit),
               Target(TargetKind.DISTRIBUTOR, cast.a.distributor_org)] + [
        Target(TargetKind.MUNICIPALITY, m) for m in residents(cast)]
    units = sorted(set(Card.objects.values_list("unit_id", flat=True)))
    checked = 0
    for p in day_periods(rng):
        for target in targets:
            want = counted_pairs(target, p)
            got = selectors.used_in(target, p)[0]
            assert (got["n"], got["k"]) == want, (target.kind, p)
            exact = selectors.cards_used(target, p, p, exact=True)
            assert exact == {"p": want[0], "q": want[0]}, (target.kind, p)
            checked += bool(want[0])
        by_unit = {r["unit_id"]: (r["n"], r["k"])
                   for r in selectors.used_in(Target(TargetKind.NATIONAL), p, units)
                   if r["n"]}
        assert by_unit == counted_pairs(Target(TargetKind.NATIONAL), p, by_unit=True), p
    return checked


def test_cards_used_in_any_period_equal_distinct_cards_from_uses(cast):
    """Proof by many random periods: the month histograms plus the edge months' cards not
    used in the months equal COUNT(DISTINCT card) over the period's uses, exact and
    with the key sum the perturbed count needs, per target and per unit; with uses
    backfilled and cancelled (`build`) and a card whose uses moved to another area."""
    import random

    cards = build(cast)
    mover = cards[2]
    mover.area = cast.b.area
    mover.save(update_fields=["area"])
    for day in (datetime.date(2024, 3, 10), datetime.date(2024, 7, 9),
                datetime.date(2025, 1, 30)):
        make_use(mover, cast.b.site, day)
    assert periods_equal_distinct_cards(cast, random.Random(16)) > 300  # 371 of 565
    # the national figure counts the mover once in each of its two areas
    both = Period(datetime.date(2024, 1, 1), datetime.date(2025, 6, 30))
    assert selectors.used_in(Target(TargetKind.NATIONAL), both)[0]["n"] == 6


def test_site_sums_of_any_period_equal_the_daily_rows(cast):
    """The places table's sums: monthly rows for the whole months, daily rows for the
    edges, equal to the daily rows of the whole period for every random period; and the
    monthly rows stay equal to a rebuild (they are in `snapshot`)."""
    import random

    from django.db.models import Q

    from kaikukanta.stats.models import UseSiteDay

    build(cast)
    make_use(Card.objects.first(), cast.a.site, datetime.date(2024, 3, 31), children=2)
    checked = 0
    for p in day_periods(random.Random(7)):
        for where in ({"area_id": cast.a.area.pk}, {"site_id": cast.b.site.pk}, {}):
            want = {(r["site_id"], r["offer_id"]): (r["u"], r["c"], r["w"])
                    for r in UseSiteDay.objects.filter(
                        Q(day__gte=p.start, day__lte=p.end), **where).values(
                        "site_id", "offer_id").annotate(
                        u=Sum("uses"), c=Sum("children"), w=Sum("with_children"))}
            got = {(r["site_id"], r["offer_id"]): (r["u"], r["c"], r["w"])
                   for r in selectors.site_sums(where, p, ("site_id", "offer_id"))}
            assert got == want, (where, p)
            checked += bool(want)
    assert checked > 150
    incremental = snapshot()
    services.rollup_rebuild()
    assert snapshot() == incremental


def test_periods_of_days_after_every_kind_of_write_equal_distinct_cards_and_rebuild(cast):
    """The card-month rows' days (first and last day used, last day before, next month)
    after records that open, widen and fill the gaps of months, cancellations of a
    month's first, last and only use, a file import, a card's move to another unit and
    holders moving to another municipality: `used_in` still equals COUNT(DISTINCT card)
    for random periods of days (national, areas, units, distributor, municipalities), and
    the rows equal a rebuild."""
    import random

    from kaikukanta.network import services as network_services

    cards = build(cast)
    day = datetime.date
    # a month's new first and last day, a new month between two used ones, and the card's
    # new first and last month
    made = [make_use(cards[0], cast.a.site, d) for d in (
        day(2024, 3, 1), day(2024, 3, 28), day(2024, 5, 31), day(2023, 12, 24),
        day(2025, 7, 2))]
    made += [make_use(cards[3], cast.b.site, d) for d in (day(2024, 4, 10), day(2024, 4, 20))]
    for use in (made[1], made[4], made[5], made[2]):  # a last day, a last month, a first day,
        cancel_use(use)  # the only use of a month between two others
    batch = []
    for k, card in enumerate(cards):
        for d in (day(2024, 2, 3 + k), day(2024, 2, 25), day(2024, 8, 30 - k)):
            use = make_use(card, cast.a.site, d, hook=False)
            use.card = card
            batch.append(use)
    hooks.on_uses_recorded(batch)
    new_unit = network_services.unit_create(scope=SYSTEM, organisation=cast.a.distributor_org,
                                            name="Third office")
    card = cards[1]
    card.unit = new_unit
    card.save()
    hooks.on_card_event(card, CardEvent.objects.create(
        card=card, kind=CardEventKind.MOVED, on=day(2025, 6, 1), unit=new_unit))
    # a resident of one municipality moves to another (its card-month rows go along), the
    # card without a municipality gets one, and one of another area's residents loses
    # theirs; then a use recorded for each, in their new municipalities
    espoo, kajaani, sotkamo = residents(cast)
    for card, muni in ((cards[1], kajaani), (cards[0], espoo), (cards[4], None)):
        card.refresh_from_db()
        card.municipality = muni
        card.save()
        make_use(card, cast.b.site, day(2024, 3, 15))
    assert periods_equal_distinct_cards(cast, random.Random(12)) > 300
    incremental = snapshot()
    services.rollup_rebuild()
    assert snapshot() == incremental


def test_periods_of_days_across_months_read_no_uses(cast):
    """A period of days that is not inside one month is counted from the month
    histograms and the card-month rows alone, for an area, per unit and for a
    municipality's residents; a municipality's places table sums its edge days from the
    daily place rows."""
    build(cast)
    area = Target(TargetKind.AREA, cast.a.area)
    residents_of = Target(TargetKind.MUNICIPALITY, residents(cast)[1])
    places = []
    for p in (Period(datetime.date(2024, 2, 12), datetime.date(2025, 5, 19)),
              Period(datetime.date(2024, 3, 5), datetime.date(2024, 4, 2))):
        with CaptureQueriesContext(connection) as seen:
            selectors.used_in(area, p)
            selectors.used_in(area, p, [cast.a.unit.pk])
            selectors.used_in(residents_of, p)
            places += selectors.municipality_place_sums(residents_of, p)
        assert seen.captured_queries
        assert not [q for q in seen.captured_queries if "usage_use" in q["sql"]], p
    assert places


def scanned_sums(target: Target, p: Period) -> tuple[dict, dict]:
    """A municipality's use sums counted straight from its residents' uses: per (day,
    category) and per (site, offer), each (uses, children's tickets, companion tickets,
    uses with children's tickets)."""
    uses = Use.objects.filter(status=UseStatus.RECORDED, event_date__gte=p.start,
                              event_date__lte=p.end).filter(target.use_q())
    by_day: dict = {}
    by_place: dict = {}
    for day, category, site, offer, children, companion in uses.values_list(
            "event_date", "category", "site_id", "offer_id", "children", "companion"):
        for acc in (by_day.setdefault((day, category), [0, 0, 0, 0]),
                    by_place.setdefault((site, offer or 0), [0, 0, 0, 0])):
            acc[0] += 1
            acc[1] += children
            acc[2] += bool(companion)
            acc[3] += children > 0
    return ({k: tuple(v) for k, v in by_day.items()},
            {k: (v[0], v[1], v[3]) for k, v in by_place.items()})


def scanned_holders(target: Target, p: Period) -> dict:
    """A municipality's residents' different cards per (site, offer) in the period, and
    those with children's tickets, counted from the uses."""
    uses = Use.objects.filter(status=UseStatus.RECORDED, event_date__gte=p.start,
                              event_date__lte=p.end).filter(target.use_q())
    cards: dict = {}
    for site, offer, card, children in uses.values_list("site_id", "offer_id", "card_id",
                                                        "children"):
        acc = cards.setdefault((site, offer or 0), (set(), set()))
        acc[0].add(card)
        if children:
            acc[1].add(card)
    return {k: (len(h), len(hc)) for k, (h, hc) in cards.items()}


def assert_place_holders_equal_the_scan(target: Target, p: Period, monkeypatch) -> int:
    """The places table's holders settled by the yearly holder counts are those of the
    uses (up to five), and the table is the one the scan of the uses alone makes. Returns
    how many cells the counts settled."""
    rows = selectors.municipality_place_sums(target, p)
    scanned = scanned_holders(target, p)
    settled = selectors.municipality_place_holders(target, p, rows)
    for key, got in settled.items():
        for measure, n in zip(("h", "hc"), scanned[key], strict=True):
            if measure in got:
                assert got[measure] == min(n, 5), (target.pk, p, key, measure)
    table = selectors.places_table(target, p, False).as_rows()
    with monkeypatch.context() as m:
        m.setattr(selectors, "municipality_place_holders", lambda *_a: {})
        assert selectors.places_table(target, p, False).as_rows() == table, (target.pk, p)
    return len(settled)


def assert_municipalities_equal_their_uses(cast, periods, monkeypatch=None) -> int:
    checked = 0
    settled = 0
    for p in periods:
        for m in residents(cast):
            target = Target(TargetKind.MUNICIPALITY, m)
            by_day, by_place = scanned_sums(target, p)
            got = {(r["day"], r["category"]): (r["u"], r["c"], r["k"], r["w"])
                   for r in selectors._sum_rows(target, p, ["day", "category"])}
            assert got == by_day, (m.pk, p)
            places = {(r["site_id"], r["offer_id"]): (r["u"], r["c"], r["w"])
                      for r in selectors.municipality_place_sums(target, p)}
            assert places == by_place, (m.pk, p)
            want = counted_pairs(target, p)
            assert (selectors.used_in(target, p)[0]["n"], selectors.used_in(target, p)[0]["k"]
                    ) == want, (m.pk, p)
            checked += bool(want[0])
            if monkeypatch is not None:
                settled += assert_place_holders_equal_the_scan(target, p, monkeypatch)
    assert monkeypatch is None or settled, "the yearly holder counts settled some cells"
    return checked


def test_municipality_rollups_follow_records_imports_and_municipality_changes(cast, monkeypatch):
    """A municipality's residents' figures (uses by day and category, by site and offer,
    cards used at least once) from its rollups equal the scan of its residents' uses, for
    random periods of days, after records, cancellations, backfills, a file import and
    cards moving to another municipality (their uses and months go with them: the
    municipality is the card's now); and the rollups equal a rebuild at each step."""
    import random

    cards = build(cast)
    batch = []
    for k, card in enumerate(cards):
        use = make_use(card, cast.b.site, datetime.date(2025, 3, 2 + k), hook=False,
                       children=k % 2)
        use.card = card
        batch.append(use)
    hooks.on_uses_recorded(batch)
    periods = day_periods(random.Random(11))[:40] + [Period.year(2024), Period.year(2025)]
    assert assert_municipalities_equal_their_uses(cast, periods, monkeypatch) > 40
    imported = snapshot()
    services.rollup_rebuild()
    assert snapshot() == imported
    espoo, kajaani, sotkamo = residents(cast)
    # a resident of Kajaani moves to Espoo (another area: a correction of the holder's
    # details, no unit move), and the card without a municipality gets one
    mover = Card.objects.filter(municipality=kajaani).first()
    before = selectors.used_in(Target(TargetKind.MUNICIPALITY, espoo), Period.year(2024))[0]
    mover.municipality = espoo
    mover.save()
    nobody = cards[0]
    nobody.refresh_from_db()
    nobody.municipality = sotkamo
    nobody.save()
    after = selectors.used_in(Target(TargetKind.MUNICIPALITY, espoo), Period.year(2024))[0]
    assert after["n"] > before["n"]
    assert assert_municipalities_equal_their_uses(cast, periods, monkeypatch) > 40
    moved = snapshot()
    services.rollup_rebuild()
    assert snapshot() == moved


def test_yearly_place_holders_settle_a_period_inside_the_year(cast, monkeypatch):
    """Seven residents at one site and offer (one of them twice, one with children's
    tickets): a period inside the year keeps all their uses, so the year's counts settle
    its cell at five holders (uses 8 less 1 repeated use); the children's column is one
    holder (one use, one holder in the year); both as the scan of the uses gives them."""
    espoo = residents(cast)[0]
    cards = [make_card(cast.a.unit) for _ in range(7)]
    for i, card in enumerate(cards):
        card.municipality = espoo
        card.save(update_fields=["municipality"])
        make_use(card, cast.a.site, datetime.date(2025, 3, 10 + i), children=int(i == 0))
    make_use(cards[1], cast.a.site, datetime.date(2025, 4, 2))
    target = Target(TargetKind.MUNICIPALITY, espoo)
    p = Period(datetime.date(2025, 3, 5), datetime.date(2025, 4, 20))
    rows = selectors.municipality_place_sums(target, p)
    assert [(r["u"], r["w"]) for r in rows] == [(8, 1)]
    settled = selectors.municipality_place_holders(target, p, rows)
    assert list(settled.values()) == [{"h": 5, "hc": 1}]
    assert assert_place_holders_equal_the_scan(target, p, monkeypatch) == 1
    # a period that leaves out three of them: 5 uses less 1 repeated is 4 or 5 holders,
    # counted; the children's column is still settled
    short = Period(datetime.date(2025, 3, 5), datetime.date(2025, 3, 14))
    assert list(selectors.municipality_place_holders(
        target, short, selectors.municipality_place_sums(target, short)).values()) == [
        {"hc": 1}]
    assert assert_place_holders_equal_the_scan(target, short, monkeypatch) == 1
    # at another site, two residents once each in June, no other use there that year (no
    # repeated use): June's two uses are two holders, settled without reading the uses
    for card in cards[2:4]:
        make_use(card, cast.b.site, datetime.date(2025, 6, 1 + cards.index(card)))
    june = Period(datetime.date(2025, 6, 1), datetime.date(2025, 6, 30))
    rows = selectors.municipality_place_sums(target, june)
    assert [(r["site_id"], r["u"]) for r in rows] == [(cast.b.site.pk, 2)]
    assert selectors.municipality_place_holders(target, june, rows) == {
        (cast.b.site.pk, 0): {"h": 2}}
    with CaptureQueriesContext(connection) as seen:
        table = selectors.places_table(target, june, False)
    assert not [q for q in seen.captured_queries if "usage_use" in q["sql"]]
    assert table.as_rows()[1][1:] == ["<5", 0]
    assert assert_place_holders_equal_the_scan(target, june, monkeypatch) == 1
    # one of them again in August (one repeated use in the year): June has one or two
    # holders, counted from the uses
    make_use(cards[2], cast.b.site, datetime.date(2025, 8, 1))
    assert selectors.municipality_place_holders(
        target, june, selectors.municipality_place_sums(target, june)) == {}
    assert assert_place_holders_equal_the_scan(target, june, monkeypatch) == 0
    whole = Period.year(2025)
    assert list(selectors.municipality_place_holders(
        target, whole, selectors.municipality_place_sums(target, whole)).values()) == [
        {"h": 5, "hc": 1}, {"h": 2, "hc": 0}]


def test_periods_inside_a_month_equal_distinct_cards_with_uses_around_them(cast,
                                                                         django_assert_num_queries):
    """A period inside one month is counted from the month's card-month rows: a card with
    a use inside, one used only before and after it twice (its first and last day) or
    three times (one probe finds none between), a use between cancelled, another on the
    first day at a second site, and a file's uses (one backfilled) filling the middle;
    every period of days inside the month equals COUNT(DISTINCT card), for each target
    and per unit, in one statement of the card-month rows; the rows equal a rebuild."""
    a, b = cast.a, cast.b
    day = datetime.date
    cards = [make_card(a.unit) for _ in range(5)] + [make_card(b.unit)]
    made = {}
    for i, days in enumerate([(2, 15, 28), (2, 28), (5, 15, 25), (12,), (3, 27), (4, 26)]):
        for d in days:
            made[(i, d)] = make_use(cards[i], a.site if d % 2 else b.site, day(2024, 3, d))
    make_use(cards[1], a.site, day(2024, 3, 2))  # twice on its first day: three uses
    make_use(cards[5], a.site, day(2024, 3, 4))
    cancel_use(made[(2, 15)])  # its only use between the first and the last day
    batch = []
    for card, d, backfilled in ((cards[4], 14, True), (cards[5], 18, False)):
        use = make_use(card, a.site if d % 2 else b.site, day(2024, 3, d), hook=False,
                       backfilled=backfilled)
        use.card = card
        batch.append(use)
    hooks.on_uses_recorded(batch)
    targets = [Target(TargetKind.NATIONAL), Target(TargetKind.AREA, a.area),
               Target(TargetKind.AREA, b.area), Target(TargetKind.UNIT, a.unit),
               Target(TargetKind.DISTRIBUTOR, a.distributor_org)]
    units = sorted({card.unit_id for card in cards})
    seen = set()
    for s in range(2, 31):
        for e in range(s, 31):
            p = Period(day(2024, 3, s), day(2024, 3, e))
            for target in targets:
                want = counted_pairs(target, p)
                # a distributor's units are looked up first
                with django_assert_num_queries(1 + (target.kind == TargetKind.DISTRIBUTOR)):
                    got = selectors.used_in(target, p)[0]
                assert (got["n"], got["k"]) == want, (target.kind, p)
                seen.add(want[0])
            by_unit = {r["unit_id"]: (r["n"], r["k"])
                       for r in selectors.used_in(Target(TargetKind.NATIONAL), p, units)
                       if r["n"]}
            assert by_unit == counted_pairs(Target(TargetKind.NATIONAL), p, by_unit=True), p
    # 10–20 March: the first card (15th), the fourth (12th) and the file's two (14th, 18th)
    assert selectors.used_in(Target(TargetKind.NATIONAL),
                             Period(day(2024, 3, 10), day(2024, 3, 20)))[0]["n"] == 4
    assert len(seen) > 5
    incremental = snapshot()
    services.rollup_rebuild()
    assert snapshot() == incremental
