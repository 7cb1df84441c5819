"""Dashboard figures against a small dataset computed by hand (cross-area uses, a
backfilled use and a cancelled one included)."""

import datetime

import pytest
from django.utils import translation

from kaikukanta.lib import formatting
from kaikukanta.stats.scopes import Period, Target
from kaikukanta.stats.selectors import dashboard
from tests.factories import make_card
from tests.stats.conftest import cancel_use, make_use

Y = 2025
P = Period.year(Y)


def figures(table):
    return {label: [c.shown for c in cells] for label, cells in table.rows}


def total(table):
    return [c.shown for c in table.total]


@pytest.fixture
def data(cast):
    a, b = cast.a, cast.b
    cards_a = [make_card(a.unit, issued_on=datetime.date(Y, 1, 10), children=i % 3,
                         birth_year=1950 + 10 * i) for i in range(6)]
    old = make_card(a.unit, issued_on=datetime.date(Y - 1, 3, 1))
    cards_b = [make_card(b.unit, issued_on=datetime.date(Y, 2, 1)) for _ in range(2)]
    for i, c in enumerate(cards_a):
        make_use(c, a.site, datetime.date(Y, 3, 3), children=[2, 1, 0, 0, 0, 0][i])
    make_use(cards_a[0], b.site, datetime.date(Y, 4, 1), category="sports")
    for c in cards_b:
        make_use(c, a.site, datetime.date(Y, 5, 5), category="science")
    make_use(old, a.site, datetime.date(Y - 1, 6, 1))
    make_use(cards_a[2], a.site2, datetime.date(Y, 1, 20), category="education",
             backfilled=True)
    cancelled = make_use(cards_a[3], a.site2, datetime.date(Y, 6, 6), companion=True)
    cancel_use(cancelled)
    return cast


def test_national_figures_exact(data):
    d = dashboard(target=Target("national"), period=P, exact=True)
    s = figures(d.table("summary"))
    assert s["Cards registered in the period"] == [8, 1]
    assert s["Cards valid during the period"] == [9, 1]
    assert s["Cards used at least once"] == [8, 1]
    assert s["Share of valid cards used (%)"] == [round(100 * 8 / 9, 1), 100.0]
    assert s["Uses (holders' tickets)"] == [10, 1]
    assert s["Children's tickets"] == [3, 0]
    assert s["Companion tickets"] == [0, 0]  # the only companion ticket was cancelled
    cat = figures(d.table("category"))
    assert cat == {"Culture": [6, 3], "Education": [1, 0], "Science": [2, 0], "Sports": [1, 0]}
    assert total(d.table("category")) == [10, 3]
    assert sum(r[0] for r in figures(d.table("month")).values()) == 10
    assert figures(d.table("weekday"))["Monday"] == [9, 3]  # 20 Jan, 3 Mar, 5 May 2025
    areas = figures(d.table("areas"))
    assert areas["Espoo"][:3] == [305274, 7, 9]
    assert areas["Kainuu"][:3] == [36297 + 10354, 2, 1]
    # per 1,000 residents: two decimals, never rounded to a whole 0 (7 cards in 305,274)
    assert areas["Espoo"][3:] == [round(1000 * 7 / 305274, 2), round(1000 * 9 / 305274, 2)]
    with translation.override("fi"):
        per = [formatting.cell(c) for c in dict(d.table("areas").rows)["Espoo"]]
    assert per == ["305\xa0274", "7", "9", "0,02", "0,03"]


def test_area_figures_and_cross_area(data):
    a = data.a
    d = dashboard(target=Target("area", a.area), period=P, exact=True)
    s = figures(d.table("summary"))
    assert s["Uses (holders' tickets)"] == [9, 1]
    assert s["Cards used at least once"] == [6, 1]  # the area's own cards, anywhere
    assert s["Residents"] == [305274, 305274]
    assert s["Uses per 1,000 residents"][0] == round(1000 * 9 / 305274, 2)
    assert figures(d.table("visitors")) == {"Espoo (this area)": [7, 3], "Kainuu": [2, 0]}
    assert figures(d.table("travel")) == {"Espoo (this area)": [7, 3], "Kainuu": [1, 0]}
    units = figures(d.table("units"))
    assert units[str(a.unit)] == [6, 7, 6]
    ages = figures(d.table("age"))
    assert ages["65–74"] == [1]  # born 1950
    assert sum(v[0] for v in ages.values()) == 7


def test_same_figures_suppressed_for_coordinator(data):
    d = dashboard(target=Target("area", data.a.area), period=P, exact=False)
    cat = d.table("category")
    # science: 2 uses of 2 holders, education: 1 of 1 -> "<5"; culture hidden so that the
    # total (9) minus the visible cells does not give them back
    # children's tickets: 3 tickets of 2 holders, so the whole column is "<5"
    assert figures(cat) == {"Culture": ["–", "<5"], "Education": ["<5", 0],
                            "Science": ["<5", 0], "Sports": [0, 0]}
    assert total(cat) == [9, "<5"]
    s = figures(d.table("summary"))
    # a count of holders: perturbed by the cell key method (6 ± 2; 1 card -> 0 … 3)
    assert s["Cards used at least once"][0] in ("<5", 5, 6, 7, 8)
    assert s["Cards used at least once"][1] in ("<5", 0)


def test_venue_sees_uses_only(data):
    d = dashboard(target=Target("site", data.a.site2), period=P, exact=False)
    keys = [t.key for t in d.tables]
    assert "age" not in keys and "units" not in keys
    s = figures(d.table("summary"))
    assert s["Uses (holders' tickets)"] == ["<5", 0]
    assert "Cards registered in the period" not in s


def test_custom_period_counts_from_uses(data):
    d = dashboard(target=Target("national"), period=Period(datetime.date(Y, 3, 1),
                                                            datetime.date(Y, 4, 30)), exact=True)
    s = figures(d.table("summary"))
    assert s["Uses (holders' tickets)"] == [7, 0]
    assert s["Cards used at least once"] == [6, 0]


def test_municipality_counts_its_residents(cast, geo, login):
    b = cast.b
    kajaani, sotkamo = geo.municipalities["205"], geo.municipalities["765"]
    residents = [make_card(b.unit, issued_on=datetime.date(Y, 1, 3)) for _ in range(6)]
    other = make_card(b.unit, issued_on=datetime.date(Y, 1, 3))
    for c in residents:
        c.municipality = kajaani
        c.save()
        make_use(c, cast.a.site, datetime.date(Y, 5, 2))  # used in another area
    other.municipality = sotkamo
    other.save()
    make_use(other, b.site, datetime.date(Y, 5, 2))
    d = dashboard(target=Target("municipality", kajaani), period=P, exact=True)
    s = figures(d.table("summary"))
    assert s["Cards valid during the period"] == [6, 0]
    assert s["Uses (holders' tickets)"] == [6, 0]
    assert s["Residents"] == [36297, 36297]
    client = login(b.welfare)
    assert client.get(f"/stats/municipality/{kajaani.pk}/?year={Y}").status_code == 200
    assert client.get(f"/stats/municipality/{kajaani.pk}/report-{Y}.pdf").content[:4] == b"%PDF"
    assert "/stats/municipality/205/" in client.get("/stats/").content.decode()
    assert login(cast.a.culture).get(f"/stats/municipality/{kajaani.pk}/").status_code == 404
    assert login(b.venue).get(f"/stats/municipality/{kajaani.pk}/").status_code == 404
    assert login(cast.national).get("/stats/municipality/564/").status_code == 404  # no area


def test_many_uses_of_few_holders_stay_hidden(cast):
    """60 uses by two holders are "uses of fewer than 5 holders", however many uses."""
    a = cast.a
    heavy = [make_card(a.unit, issued_on=datetime.date(Y, 1, 1)) for _ in range(2)]
    for c in heavy:
        for i in range(30):
            make_use(c, a.site, datetime.date(Y, 1, 2) + datetime.timedelta(days=i),
                     children=1)
    for _ in range(6):
        make_use(make_card(a.unit, issued_on=datetime.date(Y, 1, 1)), a.site2,
                 datetime.date(Y, 3, 3))
    d = dashboard(target=Target("area", a.area), period=P, exact=False)
    places = figures(d.table("places"))
    # the big cell of two holders is "<5"; the six holders' cell is hidden with it ("–")
    assert places[f"{a.site} – admission without an offer"] == ["<5", "<5"]
    assert places[f"{a.site2} – admission without an offer"] == ["–", 0]
    assert total(d.table("places")) == [66, "<5"]
    jan = figures(d.table("month"))["January 2025"]
    assert jan == ["<5", "<5"]
    assert figures(dashboard(target=Target("area", a.area), period=P, exact=True)
                   .table("places"))[f"{a.site} – admission without an offer"] == [60, 60]


def test_renewals_and_inactivations(cast):
    from kaikukanta.cards.models import CardEvent, CardEventKind, CardStatus

    a = cast.a
    card = make_card(a.unit, issued_on=datetime.date(Y - 1, 6, 1))
    CardEvent.objects.create(card=card, kind=CardEventKind.RENEWED, on=datetime.date(Y, 5, 30),
                             unit=a.unit, valid_until=datetime.date(Y + 1, 5, 30))
    gone = make_card(a.unit, issued_on=datetime.date(Y, 2, 1), status=CardStatus.INACTIVE)
    gone.inactivated_on = datetime.date(Y, 3, 1)
    gone.save()
    for target in (Target("area", a.area), Target("unit", a.unit), Target("national")):
        s = figures(dashboard(target=target, period=P, exact=True).table("summary"))
        assert s["Cards renewed"] == [1, 0], target.kind
        assert s["Cards inactivated"] == [1, 0], target.kind
    s = figures(dashboard(target=Target("area", cast.b.area), period=P,
                          exact=True).table("summary"))
    assert s["Cards renewed"] == [0, 0]


def test_municipality_renewals_equal_the_events_joined_to_their_cards(cast):
    """A municipality's renewals, read from the events with a look-up of each card, are
    those of the events joined to their cards (counts and record keys), per period."""
    from django.db.models import Count, Q, Sum

    from kaikukanta.cards.models import CardEvent, CardEventKind
    from kaikukanta.lib.targets import TargetKind
    from kaikukanta.stats.selectors import municipality_renewals

    a = cast.a
    munis = list(a.area.municipalities.order_by("pk")) + list(
        cast.b.area.municipalities.order_by("pk"))
    for i in range(9):
        card = make_card(a.unit, issued_on=datetime.date(Y - 2, 6, 1))
        card.municipality = munis[i % len(munis)]
        card.save(update_fields=["municipality"])
        for on in (datetime.date(Y - 1, 3, 1 + i), datetime.date(Y, 5, 1 + i)):
            if (i + on.year) % 3:
                CardEvent.objects.create(card=card, kind=CardEventKind.RENEWED, on=on,
                                         unit=a.unit, valid_until=on)
        CardEvent.objects.create(card=card, kind=CardEventKind.UPDATED,
                                 on=datetime.date(Y, 5, 2), unit=a.unit)
    p = Period(datetime.date(Y, 1, 1), datetime.date(Y, 12, 31))
    q = p.previous()
    seen = 0
    for m in munis:
        joined = CardEvent.objects.filter(kind=CardEventKind.RENEWED,
                                          card__municipality=m).aggregate(
            p=Count("pk", filter=Q(on__gte=p.start, on__lte=p.end)),
            q=Count("pk", filter=Q(on__gte=q.start, on__lte=q.end)),
            kp=Sum("card__stats_key", filter=Q(on__gte=p.start, on__lte=p.end), default=0),
            kq=Sum("card__stats_key", filter=Q(on__gte=q.start, on__lte=q.end), default=0))
        assert municipality_renewals(Target(TargetKind.MUNICIPALITY, m), p, q) == joined
        seen += joined["p"] + joined["q"]
    assert seen >= 9


def test_grouped_holder_count_equals_the_sub_query_per_cell(cast):
    """`capped_holders_by` (one grouped statement, used by the places table) gives the same
    capped holders as `capped_holders` (a sub-query per cell) for every kind of cell: one
    holder, several, many uses of few holders, over five, with and without children's
    tickets and an offer, and a big cell settled without counting."""
    from django.db.models import Count, Q

    from kaikukanta.stats.holders import capped_holders, capped_holders_by
    from kaikukanta.usage.models import Use, UseStatus

    a = cast.a
    day = datetime.date(Y, 2, 1)
    cards = [make_card(a.unit, issued_on=datetime.date(Y, 1, 1)) for _ in range(9)]
    for i, c in enumerate(cards[:7]):  # seven holders at the first site, some with children
        make_use(c, a.site, day + datetime.timedelta(days=i), children=i % 2)
    for i in range(12):  # twelve uses of two holders at the second site
        make_use(cards[7 + i % 2], a.site2, day + datetime.timedelta(days=i))
    make_use(cards[0], a.site2, day, children=2)
    uses = Use.objects.filter(status=UseStatus.RECORDED)
    groups = list(uses.values("site_id", "offer_id").annotate(
        u=Count("pk"), w=Count("pk", filter=Q(children__gt=0))).order_by("site_id"))
    assert len(groups) == 2
    for bound in (1, 2, 6, 20):
        by_cell = capped_holders(uses, [
            ((g["site_id"], g["offer_id"]), Q(site_id=g["site_id"], offer__isnull=True),
             g["u"], g["w"]) for g in groups], bound)
        grouped = capped_holders_by(uses, ("site_id", "offer_id"), [
            ((g["site_id"], g["offer_id"]), (g["site_id"], g["offer_id"]), g["u"], g["w"])
            for g in groups], bound)
        assert grouped == by_cell
    assert grouped[(a.site.pk, None)] == {"h": 5, "hc": 3}
    assert grouped[(a.site2.pk, None)] == {"h": 3, "hc": 1}


def test_holders_read_once_equal_a_sub_query_per_cell(cast, django_assert_num_queries):
    """The capped holders of an area's category, weekday and month cells (`use_tables`)
    are the same whether each cell reads the area's uses itself or they are read once for
    all (`read_once`; None: once when two cells or more are counted), with and without
    children's tickets, for bounds that settle some cells without counting; each way is
    one statement."""
    from django.db.models import Count, Q

    from kaikukanta.stats.holders import capped_holders
    from kaikukanta.usage.models import Use, UseStatus

    a, b = cast.a, cast.b
    day = datetime.date(Y, 3, 2)
    cards = [make_card(a.unit, issued_on=datetime.date(Y, 1, 1)) for _ in range(8)]
    for i, c in enumerate(cards):
        for j in range(i % 3 + 1):  # one to three uses each, on different weekdays
            make_use(c, a.site if j % 2 else a.site2, day + datetime.timedelta(days=i + 5 * j),
                     children=(i + j) % 3)
    make_use(cards[0], b.site, day)  # another area's use: not the area's
    uses = Use.objects.filter(status=UseStatus.RECORDED, area_id=a.area.pk)
    p = Period(day, day + datetime.timedelta(days=40))
    cells = []
    for key, q in ([(("cat", c), Q(category=c)) for c in ("culture", "sports")]
                   + [(("wd", w), Q(event_date__iso_week_day=w)) for w in range(1, 8)]
                   + [(("month", m), Q(event_date__month=m)) for m in (3, 4)]):
        got = uses.filter(q).aggregate(u=Count("pk"), w=Count("pk", filter=Q(children__gt=0)))
        cells.append((key, q, got["u"], got["w"]))
    assert sum(u for _k, _q, u, _w in cells if _k[0] == "wd") == 15
    period_uses = uses.filter(event_date__gte=p.start, event_date__lte=p.end)
    for bound in (1, 2, 3):
        answers = []
        for once in (False, True, None):
            with django_assert_num_queries(1):
                answers.append(capped_holders(period_uses, cells, bound, read_once=once))
        assert answers[0] == answers[1] == answers[2], bound
    assert answers[0][("wd", day.isoweekday())]["h"] >= 1
    assert any(0 < v["h"] < 5 for v in answers[0].values())
