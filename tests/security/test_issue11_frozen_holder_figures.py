"""Issue 11 §4, the residual: a late change moved only one holder's cells.

The cell key method hides the size of a change, not the change itself: a card entered late
for an ended month (backfill), a long-expired card renewed, or a card's facts corrected,
changed only that card's cells, so comparing a table before and after, knowing whose card
it was, showed which cell moved. Holder figures are now published per month and year once
the period's late entries are in (`stats.publication`: 61 days after it ends) and never
recomputed. These tests change a card after publication, in each of those ways, and compare
every path that shows holder figures: the dashboards of every card scope, the CSV and XLSX
exports, the PDF report and the public open-data annual table. Each failed on the code
before the publication (which counted holders from the cards as they are now).
"""

from __future__ import annotations

import datetime
import io
import random
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from openpyxl import load_workbook

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.cards import services as card_services
from kaikukanta.cards.models import Card, Gender, LifeSituation
from kaikukanta.lib.cellkey import KEY_RANGE
from kaikukanta.lib.formatting import day as day_text
from kaikukanta.stats import pdf, publication
from kaikukanta.stats.models import Publication, PublishedHolders
from kaikukanta.stats.scopes import Period, Target
from kaikukanta.stats.selectors import dashboard
from tests.conftest import sign_in
from tests.factories import make_card
from tests.stats.conftest import make_use

HOLDER_TABLES = ("age", "children", "gender", "life_situation")
# a lone card's own record key that the cell key method turns into +2: its cell shows "<5"
# rather than a perturbed 0, so a change of that one card would be seen for certain
LOUD_KEY = KEY_RANGE - 1


def _today() -> datetime.date:
    return timezone.localdate()


def _last_year() -> int:
    return _today().year - 1


def _targets(a) -> list[Target]:
    return [Target("area", a.area), Target("distributor", a.distributor_org),
            Target("unit", a.unit), Target("municipality", a.area.municipalities.get())]


def _card(a, issued_on, rng=None, **facts) -> Card:
    rng = rng or random.Random(0)
    c = make_card(a.unit, issued_on=issued_on,
                  birth_year=facts.pop("birth_year", rng.randint(1955, 2000)),
                  children=facts.pop("children", rng.randint(0, 3)))
    c.gender = facts.pop("gender", rng.choice([Gender.WOMAN, Gender.MAN]))
    c.life_situation = facts.pop("life_situation", rng.choice([LifeSituation.WORKING,
                                                                LifeSituation.PENSIONER]))
    c.stats_key = facts.pop("stats_key", rng.randrange(KEY_RANGE))
    c.municipality = a.area.municipalities.get()
    for k, v in facts.items():
        setattr(c, k, v)
    c.save()
    return c


def _crowd(a, n=30, seed=1):
    """Holders valid through the whole of last year (and its every month)."""
    rng = random.Random(seed)
    return [_card(a, datetime.date(_last_year(), 1, 2), rng) for _ in range(n)]


def _lone(a, issued_on, **extra) -> Card:
    """The holder an attacker knows: the only one aged 75+, with four children, of another
    gender and a life situation nobody else has."""
    return _card(a, issued_on, birth_year=1940, children=4, gender=Gender.OTHER,
                 life_situation=LifeSituation.STUDENT, stats_key=LOUD_KEY, **extra)


def _holder_view(target, period) -> dict:
    d = dashboard(target=target, period=period, exact=False)
    return {k: ([(label, [c.shown for c in cells]) for label, cells in d.table(k).rows],
                [c.shown for c in d.table(k).total or []]) for k in HOLDER_TABLES}


def _csv_tables(client, url, period_query) -> dict:
    return {k: client.get(f"{url}?{period_query}&table={k}").content for k in HOLDER_TABLES}


def _xlsx_tables(client, url, period_query) -> dict:
    out = {}
    for k in HOLDER_TABLES:
        book = load_workbook(io.BytesIO(client.get(f"{url}?{period_query}&table={k}").content),
                             read_only=True)
        out[k] = [[list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets]
    return out


def _every_path(cast, client, monkeypatch, year_period: Period) -> dict:
    """What every path shows of the holders for last year (and for the last 400 days)."""
    a = cast.a
    seen: dict = {}
    recent = Period(_today() - datetime.timedelta(days=400), _today())
    for target in _targets(a):
        seen[("dashboard", target.kind, "year")] = _holder_view(target, year_period)
        seen[("dashboard", target.kind, "recent")] = _holder_view(target, recent)
    area_url = f"/stats/area/{a.area.pk}/export"
    query = f"start={year_period.start}&end={year_period.end}"
    seen["csv"] = _csv_tables(client, f"{area_url}.csv", query)
    seen["xlsx"] = _xlsx_tables(client, f"{area_url}.xlsx", query)
    captured = []
    monkeypatch.setattr(pdf, "to_pdf",
                        lambda tables, *args: captured.append(tables) or b"%PDF-1.4")
    assert client.get(f"/stats/area/{a.area.pk}/report-{_last_year()}.pdf").status_code == 200
    seen["pdf"] = [(t.key, t.note, [(label, [c.shown for c in cells]) for label, cells in t.rows])
                   for t in captured[0] if t.key in HOLDER_TABLES]
    annual = client.get("/api/public/v1/annual").json()["results"]
    seen["open data"] = [(r["year"], r["cards_registered"], r["cards_used"]) for r in annual]
    return seen


@pytest.fixture
def coordinator(cast, client):
    sign_in(client, cast.a.welfare)
    return client


def _published_state():
    return (sorted(Publication.objects.values_list("dataset", "start", "end", "figures")),
            sorted(PublishedHolders.objects.values_list(
                "publication__start", "area_id", "unit_id", "municipality_id", "age_band",
                "children", "gender", "life_situation", "cards", "stats_key")))


def test_issue11_renewing_a_long_expired_card_changes_no_published_holder_figure(
        cast, coordinator, monkeypatch):
    a = cast.a
    _crowd(a)
    # expired before last year began: not a holder of last year
    lone = _lone(a, datetime.date(_last_year() - 2, 6, 1))
    for c in Card.objects.all()[:8]:
        make_use(c, a.site, datetime.date(_last_year(), 3, 3))
    year = Period.year(_last_year())
    before = _every_path(cast, coordinator, monkeypatch, year)
    card_services.card_renew(scope=scope_for_user(a.distributor), card=lone)
    # the renewal is real: the national admin's live, exact table now counts the holder
    exact = dashboard(target=Target("area", a.area), period=year, exact=True)
    ages = {label: [c.shown for c in cells] for label, cells in exact.table("age").rows}
    assert ages["75+"] == [1]
    assert _every_path(cast, coordinator, monkeypatch, year) == before


def test_issue11_correcting_a_card_changes_no_published_holder_figure(
        cast, coordinator, monkeypatch):
    a = cast.a
    _crowd(a)
    lone = _lone(a, datetime.date(_last_year(), 2, 1))
    year = Period.year(_last_year())
    before = _every_path(cast, coordinator, monkeypatch, year)
    gender = dict(before[("dashboard", "area", "year")]["gender"][0])
    assert gender[str(Gender.OTHER.label)] == ["<5"]  # the lone holder is in the tables
    card_services.card_update(scope=scope_for_user(a.distributor), card=lone, children=0,
                              gender=Gender.WOMAN, life_situation=LifeSituation.WORKING)
    assert _every_path(cast, coordinator, monkeypatch, year) == before


def test_issue11_a_late_entry_after_publication_changes_no_published_holder_figure(
        cast, coordinator, monkeypatch):
    """A card of last year that reaches the registry only now (an import, a correction of
    its issue date, or a backfill beyond what the forms allow)."""
    a = cast.a
    _crowd(a)
    year = Period.year(_last_year())
    before = _every_path(cast, coordinator, monkeypatch, year)
    late = _lone(a, datetime.date(_last_year(), 6, 1))
    make_use(late, a.site, datetime.date(_last_year(), 6, 2))
    assert _every_path(cast, coordinator, monkeypatch, year) == before


def test_issue11_a_backfilled_registration_is_never_in_a_published_month(
        cast, postal_codes, coordinator, monkeypatch):
    """The registration form's backfill reaches 60 days back; a month is published only 61
    days after it ends, so no backfill can land in a published month."""
    a = cast.a
    _crowd(a)
    stock = card_services.batch_create(scope=scope_for_user(a.welfare), area=a.area, count=1)
    year = Period.year(_last_year())
    before = _every_path(cast, coordinator, monkeypatch, year)
    card = card_services.card_register(
        scope=scope_for_user(a.distributor), unit=a.unit, number=stock.cards.get().number,
        birth_year=1940, postal_code="02100", children=4, gender=Gender.OTHER,
        life_situation=LifeSituation.STUDENT,
        issued_on=_today() - datetime.timedelta(days=60))
    Card.objects.filter(pk=card.pk).update(stats_key=LOUD_KEY)
    assert card.issued_on.replace(day=1) < _today().replace(day=1)  # an ended month
    assert _every_path(cast, coordinator, monkeypatch, year) == before
    # its month is shown as not published yet
    month = publication.month_of(card.issued_on)
    d = dashboard(target=Target("area", a.area), period=month, exact=False)
    assert all(c.shown == 0 for _label, cells in d.table("age").rows for c in cells)
    assert day_text(publication.published_on(month)) in d.table("age").note


def test_issue11_rebuild_stats_keeps_the_published_snapshot(cast, coordinator, monkeypatch):
    a = cast.a
    cards = _crowd(a)
    for c in cards[:10]:
        make_use(c, a.site, datetime.date(_last_year(), 5, 5))
    year = Period.year(_last_year())
    before = _every_path(cast, coordinator, monkeypatch, year)
    call_command("publish_statistics", stdout=io.StringIO())  # every due month as well
    published = _published_state()
    assert published[0] and published[1]
    lone = _lone(a, datetime.date(_last_year(), 4, 1))
    make_use(lone, a.site, datetime.date(_last_year(), 4, 2))
    Card.objects.filter(pk=cards[0].pk).update(birth_year=1941, gender=Gender.OTHER)
    call_command("rebuild_stats", stdout=io.StringIO())
    call_command("publish_statistics", stdout=io.StringIO())
    assert _published_state() == published
    assert _every_path(cast, coordinator, monkeypatch, year) == before


def test_issue11_a_month_is_published_only_after_its_late_entries(cast):
    a = cast.a
    may = Period(datetime.date(2025, 5, 1), datetime.date(2025, 5, 31))
    assert publication.published_on(may) == datetime.date(2025, 7, 31)  # 31 May + 61 days
    assert not publication.is_due(may, datetime.date(2025, 7, 30))
    assert publication.is_due(may, datetime.date(2025, 7, 31))
    _crowd(a, n=10)
    # a whole year not yet due shows its latest published month
    pub = publication.holders_publication(Period.year(2025), datetime.date(2025, 12, 1))
    assert (pub.start, pub.end) == (datetime.date(2025, 9, 1), datetime.date(2025, 9, 30))
    assert publication.holders_publication(Period.year(2025), datetime.date(2026, 3, 2)).end \
        == datetime.date(2025, 12, 31)
    assert publication.holders_publication(may, datetime.date(2025, 7, 30)) is None


def test_issue11_publishing_is_done_once_and_counts_only_personal_registered_cards(cast):
    a = cast.a
    y = _today().year - 2  # a year that is published whatever today's date
    rng = random.Random(9)
    for _ in range(12):
        _card(a, datetime.date(y, 1, 2), rng)
    make_card(a.unit, issued_on=datetime.date(y, 1, 2), kind="community", birth_year=None)
    made = publication.publish_due(_today())
    assert made >= 24  # every due month since, and the years
    assert publication.publish_due(_today()) == 0
    pub = Publication.objects.get(start=datetime.date(y, 1, 1), end=datetime.date(y, 12, 31))
    assert sum(pub.holders.values_list("cards", flat=True)) == 12
    assert pub.figures == {"cards_registered": 13, "cards_used": 0}


def test_issue11_national_admin_keeps_live_exact_holder_counts(cast):
    a = cast.a
    _crowd(a, n=6)
    year = Period.year(_last_year())
    dashboard(target=Target("area", a.area), period=year, exact=False)  # published now
    _lone(a, datetime.date(_last_year(), 3, 1))
    d = dashboard(target=Target("area", a.area), period=year, exact=True)
    assert d.table("age").total[0].shown == 7


def test_issue11_the_annual_table_marks_years_not_yet_published(cast, client):
    sign_in(client, cast.national)
    this = _today().year
    page = client.get(f"/stats/annual/?first={this - 1}&last={this}").content.decode()
    assert f"{this} (" in page  # "(alustava)" in Finnish: preliminary
    assert f"{this - 1} (" not in page or not publication.is_due(Period.year(this - 1),
                                                                 _today())


@pytest.mark.django_db(transaction=True)
def test_issue11_concurrent_first_readers_publish_a_month_once(cast):
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL only")
    _crowd(cast.a, n=5)
    month = publication.month_of(datetime.date(_last_year(), 4, 1))
    barrier = threading.Barrier(4)
    errors = []

    def read():
        try:
            barrier.wait()
            publication.publish(publication.HOLDERS, month, publication.holders_build,
                                _today())
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    pub = Publication.objects.get(start=month.start)
    assert sum(pub.holders.values_list("cards", flat=True)) == 5
