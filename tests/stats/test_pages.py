"""Who may open which statistics page (404 outside one's scope), exports and the PDF."""

import csv
import datetime
import io
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from tests.factories import make_card
from tests.stats.conftest import make_use

Y = 2025


def dashboards(cast):
    a = cast.a
    return {
        "national": "/stats/national/",
        "area": f"/stats/area/{a.area.pk}/",
        "distributor": f"/stats/distributor/{a.distributor_org.pk}/",
        "unit": f"/stats/unit/{a.unit.pk}/",
        "venue": f"/stats/venue/{a.venue_org.pk}/",
        "site": f"/stats/site/{a.site2.pk}/",
        "seller": f"/stats/seller/{a.seller_org.pk}/",
        "annual": "/stats/annual/",
        "costs": "/stats/costs/",
        "report": f"/stats/area/{a.area.pk}/report-{Y}.pdf",
    }


# role -> pages of area a it may open (all others: 404)
ALLOWED = {
    "national": {"national", "area", "distributor", "unit", "venue", "site", "seller", "annual",
                 "costs", "report"},
    "a.culture": {"area", "venue", "site", "seller", "report"},
    "a.welfare": {"area", "distributor", "unit", "report"},
    "a.distributor": {"unit"},
    "a.venue": {"venue", "site"},
    "a.site_staff": {"site"},
    "a.seller": {"seller"},
    "b.culture": set(),
    "b.welfare": set(),
    "b.venue": set(),
    "outsider": set(),
}


def user(cast, role):
    if "." in role:
        side, attr = role.split(".")
        return getattr(getattr(cast, side), attr)
    return getattr(cast, role)


@pytest.mark.parametrize("role", ALLOWED)
def test_permission_matrix(cast, login, role):
    client = login(user(cast, role))
    for page, url in dashboards(cast).items():
        status = client.get(url).status_code
        assert status == (200 if page in ALLOWED[role] else 404), (role, page, status)


def test_anonymous_is_sent_to_sign_in(client, cast):
    for url in dashboards(cast).values():
        assert client.get(url).status_code == 302


def test_unknown_or_wrong_kind_is_404(cast, login):
    client = login(cast.national)
    assert client.get("/stats/area/999999/").status_code == 404
    # a venue's site is not a distributor unit
    assert client.get(f"/stats/unit/{cast.a.site.pk}/").status_code == 404
    assert client.get(f"/stats/venue/{cast.a.distributor_org.pk}/").status_code == 404
    assert client.get("/stats/national/?start=2025-05-01&end=2025-01-01").status_code == 200


@pytest.fixture
def small_area(cast):
    """Eight holders in area a: enough for totals, with small cells in the categories."""
    cards = [make_card(cast.a.unit, issued_on=datetime.date(Y, 1, 5)) for _ in range(8)]
    for c in cards[:6]:
        make_use(c, cast.a.site, datetime.date(Y, 2, 3))
    for c in cards[6:]:
        make_use(c, cast.a.site, datetime.date(Y, 2, 4), category="science", children=1)
    return cast


def test_page_shows_rule_chart_and_suppressed_cells(small_area, login):
    client = login(small_area.a.culture)
    r = client.get(f"/stats/area/{small_area.a.area.pk}/?year={Y}")
    html = r.content.decode()
    assert 'role="img"' in html and "<title id=" in html and "<desc id=" in html
    assert "aria-labelledby" in html
    assert "fewer than 5 holders" in html
    assert "&lt;5" in html
    assert "style=" not in html and "<script>" not in html


def test_exports_parse_and_keep_suppression(small_area, login):
    a = small_area.a
    client = login(a.culture)
    r = client.get(f"/stats/area/{a.area.pk}/export.csv?year={Y}&table=category")
    assert r["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    body = {row[0]: row[1:] for row in rows if row and row[0] in (
        "Culture", "Science", "Total")}
    assert body == {"Culture": ["–", "0"], "Science": ["<5", "<5"], "Total": ["8", "<5"]}
    r = client.get(f"/stats/area/{a.area.pk}/export.xlsx?year={Y}")
    wb = load_workbook(io.BytesIO(r.content))
    assert len(wb.sheetnames) >= 8
    values = [[c.value for c in row] for row in wb["Uses by category"].iter_rows()]
    assert ["Science", "<5", "<5"] in values
    assert ["Total", 8, "<5"] in values
    # the national admin's export has the exact figures
    client = login(small_area.national)
    r = client.get(f"/stats/area/{a.area.pk}/export.xlsx?year={Y}&table=category")
    values = [[c.value for c in row] for row in load_workbook(
        io.BytesIO(r.content))["Uses by category"].iter_rows()]
    assert ["Science", 2, 2] in values and ["Culture", 6, 0] in values


def test_unknown_table_is_404(small_area, login):
    client = login(small_area.a.culture)
    assert client.get(f"/stats/area/{small_area.a.area.pk}/export.csv?table=nope"
                      ).status_code == 404


def test_pdf_report(small_area, login):
    client = login(small_area.a.welfare)
    r = client.get(f"/stats/area/{small_area.a.area.pk}/report-{Y}.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    assert login(small_area.national).get(f"/stats/national/report-{Y}.pdf").content[:4] == b"%PDF"


@pytest.mark.parametrize("who,page", [("national", "national"), ("a.culture", "area"),
                                      ("a.distributor", "unit"), ("a.venue", "venue"),
                                      ("a.site_staff", "site"), ("a.seller", "seller"),
                                      ("a.welfare", "distributor")])
def test_dashboard_query_budget(small_area, login, django_assert_max_num_queries, who, page):
    client = login(user(small_area, who))
    url = dashboards(small_area)[page] + f"?year={Y}"
    # 42: the places and cross-area tables count their small cells' holders in one
    # grouped statement each, over those cells' uses only, and the total's in another
    # (was one UNION of a sub-query per cell, which took over 30 s for a municipality at
    # national scale; the cross-area tables' over the area's whole period)
    with django_assert_max_num_queries(42):
        assert client.get(url).status_code == 200


def test_index_lists_dashboards(cast, login):
    r = login(cast.a.culture).get("/stats/")
    assert r.status_code == 200
    assert f"/stats/area/{cast.a.area.pk}/" in r.content.decode()
    r = login(cast.a.distributor).get("/stats/")
    assert r.status_code == 200
    assert f"Statistics: {cast.a.unit}" in r.content.decode()


def test_area_dashboard_links_its_municipalities_dashboards(cast, login):
    """Kainuu has two municipalities: its dashboard links both municipality dashboards, and
    the area's coordinator may open them; Espoo (one municipality) needs no such links."""
    client = login(cast.b.culture)
    body = client.get(f"/stats/area/{cast.b.area.pk}/?year={Y}").content.decode()
    links = [f"/stats/municipality/{m.pk}/?year={Y}" for m in cast.b.area.municipalities.all()]
    assert len(links) == 2 and all(link in body for link in links)
    assert client.get(links[0]).status_code == 200
    assert login(cast.a.culture).get(links[0]).status_code == 404  # not their area
    body = login(cast.a.culture).get(f"/stats/area/{cast.a.area.pk}/").content.decode()
    assert "/stats/municipality/" not in body


class _Tables(HTMLParser):
    """The statistics tables of a page: {key: [(row label, [(cell text, suppressed?)])]},
    the body's rows and then the total's."""

    def __init__(self):
        super().__init__()
        self.tables: dict = {}
        self.key = self.row = self.cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "caption" and (attrs.get("id") or "").startswith("caption-"):
            self.key = attrs["id"].removeprefix("caption-")
            self.tables[self.key] = []
        elif tag == "tr" and self.key:
            self.row = [None, []]
        elif tag in ("th", "td") and self.row is not None and attrs.get("scope") != "col" \
                and "colspan" not in attrs:
            self.cell = [tag, "", "suppressed" in (attrs.get("class") or "").split()]

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[1] += data

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self.cell is not None:
            kind, text, suppressed = self.cell
            if kind == "th":
                self.row[0] = text
            else:
                self.row[1].append((text, suppressed))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.row[0] is not None:
                self.tables[self.key].append((self.row[0], self.row[1]))
            self.row = None
        elif tag == "table":
            self.key = None


@pytest.mark.parametrize("who,exact", [("a.culture", False), ("national", True)])
@pytest.mark.parametrize("start,end", [("2025-01-12", "2025-03-19"), ("2025-02-02", "2025-02-20")])
def test_every_cell_on_the_page_is_the_dashboards(small_area, login, who, exact, start, end):
    """Each table cell of the area dashboard's page (custom and in-month periods,
    suppressed and exact) shows its figure as `formatting.cell` writes it and is marked
    suppressed exactly when the privacy rule hid it: the page's rendering may change,
    the cells may not."""
    from kaikukanta.lib import formatting
    from kaikukanta.lib.targets import TargetKind
    from kaikukanta.stats import selectors
    from kaikukanta.stats.scopes import Period, Target

    a, b = small_area.a, small_area.b
    visitors = [make_card(b.unit, issued_on=datetime.date(Y, 1, 5)) for _ in range(6)]
    for i, card in enumerate(visitors):
        make_use(card, a.site if i < 4 else a.site2, datetime.date(Y, 2, 10 + i),
                 children=i % 2)
    html = login(user(small_area, who)).get(
        f"/stats/area/{a.area.pk}/?start={start}&end={end}").content.decode()
    parser = _Tables()
    parser.feed(html)
    d = selectors.dashboard(target=Target(TargetKind.AREA, a.area),
                            period=Period(datetime.date.fromisoformat(start),
                                          datetime.date.fromisoformat(end)), exact=exact)
    want = {}
    for t in d.tables:
        rows = [(label, [(formatting.cell(c), not c.visible) for c in cells])
                for label, cells in t.rows]
        if t.total and t.rows:
            rows.append(("Total", [(formatting.cell(c), not c.visible) for c in t.total]))
        want[t.key] = rows
    assert parser.tables == want
    assert sum(len(rows) for rows in want.values()) > 30
    shown = [c for rows in want.values() for _label, cells in rows for c in cells]
    assert any(suppressed for _text, suppressed in shown) == (not exact)


def test_table_rows_escape_labels_and_mark_suppressed_cells():
    """The body rows made by the `cell_rows` filter: the label and every cell escaped, a
    suppressed cell marked, numbers in the language's format."""
    from django.template import Context, Template
    from django.utils import translation

    from kaikukanta.stats.privacy import Cell

    rows = [("<b>Sali</b> – Konsertti", [Cell(12345), Cell(3, "small"), Cell(7, "hidden")])]
    with translation.override("fi"):
        html = Template("{% load formatting %}{{ rows|cell_rows }}").render(
            Context({"rows": rows}))
    assert html == (
        '<tr><th scope="row">&lt;b&gt;Sali&lt;/b&gt; – Konsertti</th>'
        '<td class="num">12\xa0345</td><td class="num suppressed">&lt;5</td>'
        '<td class="num suppressed">–</td></tr>')
