"""The PDF reports, checked by rendering them (pypdfium2): no text box lies on another,
wide tables go landscape, every page has its running head and page number, and the numbers
read back in the report's language."""

from __future__ import annotations

import datetime
import re

import pypdfium2 as pdfium
import pytest
from django.utils import translation

from kaikukanta.lib import formatting
from kaikukanta.stats import pdf, selectors
from kaikukanta.stats.privacy import Cell
from kaikukanta.stats.scopes import Period, Target
from kaikukanta.stats.tables import Table, column_table
from tests.factories import make_card
from tests.stats.conftest import make_use

Y = 2025


def text_boxes(page) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Every run of text on a page with its box (left, bottom, right, top)."""
    tp = page.get_textpage()
    boxes = []
    for i in range(tp.count_rects()):
        box = tp.get_rect(i)
        text = tp.get_text_bounded(*box).strip()
        if text:
            boxes.append((text, box))
    return boxes


def overlaps(boxes) -> list[tuple[str, str]]:
    """Pairs of text runs whose boxes cover each other by more than a hair (a line's
    descenders may touch the next line's ascenders: 1 pt is allowed)."""
    bad = []
    for i, (t1, (l1, b1, r1, u1)) in enumerate(boxes):
        for t2, (l2, b2, r2, u2) in boxes[i + 1:]:
            w = min(r1, r2) - max(l1, l2)
            h = min(u1, u2) - max(b1, b2)
            if w > 1 and h > 1:
                bad.append((t1, t2))
    return bad


def page_texts(data: bytes) -> list[tuple[str, float, float, list]]:
    doc = pdfium.PdfDocument(data)
    out = []
    for page in doc:
        text = page.get_textpage().get_text_range().replace("\r", "")
        out.append((text, page.get_width(), page.get_height(), text_boxes(page)))
    return out


def flat(text: str) -> str:
    """Text with every kind of space as one plain space (a no-break space groups thousands)."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


LONG_HEADINGS = [f"Uses of holders in category number {i} (children's tickets too)"
                 for i in range(1, 12)]


def wide_table() -> Table:
    labels = ["Kainuu", "Keski-Uusimaa", "Pohjois-Pohjanmaa & <Oulu>"]
    cols = [(h, [587643 * (i + 1), 12, 0], None, None) for i, h in enumerate(LONG_HEADINGS)]
    return column_table("wide", "A wide table", "Area", labels, cols, exact=True)


def per_1000_table() -> Table:
    t = Table(key="per", title="Per 1,000 residents", columns=["Area", "Cards per 1,000"],
              chart=True)
    t.rows = [("Kainuu", [Cell(12.346, decimals=2)]), ("Espoo", [Cell(0.5, decimals=2)])]
    return t


@pytest.mark.parametrize("lang,big,small", [("fi", "587 643", "0,50"),
                                             ("sv", "6 464 073", "12,35"),
                                             ("en", "587,643", "0.50")])
def test_wide_table_fits_landscape_without_overlap_and_numbers_read_back(lang, big, small):
    with translation.override(lang):
        data = pdf.to_pdf([per_1000_table(), wide_table()], "Kaikukortti 2025: Kainuu",
                          "Sub", "Area: Kainuu · 1.1.2025–31.12.2025", "The rule.")
    pages = page_texts(data)
    assert len(pages) >= 2
    for n, (text, width, height, boxes) in enumerate(pages, start=1):
        assert not overlaps(boxes), overlaps(boxes)[:3]
        t = flat(text)
        assert "Area: Kainuu · 1.1.2025–31.12.2025" in t  # the running head on every page
        assert re.search(rf"\b{n} / {len(pages)}\b", t)  # page n / N
        for _box_text, (left, bottom, right, top) in boxes:  # nothing outside the page
            assert left >= 0 and right <= width and bottom >= 0 and top <= height
    wide_pages = [(t, w, h) for t, w, h, _b in pages if "A wide table" in t]
    assert wide_pages and all(w > h for _t, w, h in wide_pages)  # landscape
    everything = flat(" ".join(t for t, *_ in pages))
    assert big in everything and small in everything
    # the chart of the per-1,000 table: each bar's label and value beside the table's own
    first = flat(pages[0][0])
    assert first.count("Espoo") == 2 and first.count(small) == 2
    assert "Pohjois-Pohjanmaa & <Oulu>" in everything  # a name shows as written
    if lang != "en":
        assert not re.search(r"\d\.\d", everything.split("1.1.2025")[0])


@pytest.fixture
def busy_area(cast):
    cards = [make_card(cast.a.unit, issued_on=datetime.date(Y, 1, 5)) for _ in range(12)]
    for i, c in enumerate(cards):
        make_use(c, cast.a.site, datetime.date(Y, 2, 3 + i % 5),
                 category="science" if i % 3 else "culture", children=i % 2)
    return cast


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_area_report_renders_cleanly_and_its_numbers_read_back(busy_area, login, lang,
                                                                settings):
    client = login(busy_area.national)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    area = busy_area.a.area
    r = client.get(f"/stats/area/{area.pk}/report-{Y}.pdf")
    assert r.status_code == 200
    pages = page_texts(r.content)
    with translation.override(lang):
        d = selectors.dashboard(target=Target("area", area), period=Period.year(Y), exact=True)
        period = str(d.period)
    everything = flat(" ".join(t for t, *_ in pages))
    for text, _w, _h, boxes in pages:
        assert not overlaps(boxes), overlaps(boxes)[:3]
        assert f"{area.name} · {period}" in flat(text)
    for t in d.tables:
        assert flat(t.title) in everything
        for label, cells in t.rows[:5]:
            with translation.override(lang):
                shown = [flat(formatting.cell(c)) for c in cells]
            assert " ".join(shown) in everything, (t.title, label, shown)


def test_formatting_helper_per_language():
    value, rate, day = 6463073, 0.0105, datetime.date(2026, 11, 30)
    from decimal import Decimal

    with translation.override("fi"):
        assert formatting.number(value) == "6\xa0463\xa0073"
        assert formatting.number(Decimal("0.010500")) == "0,0105"
        assert formatting.number(12.3456) == "12,35"
        assert formatting.day(day) == "30.11.2026"
    with translation.override("sv"):
        assert formatting.number(Decimal("69000000.00")) == "69\xa0000\xa0000,00"
        assert formatting.day(day) == "30.11.2026"
    with translation.override("en"):
        assert formatting.number(value) == "6,463,073"
        assert formatting.day(day) == "30 Nov 2026"
        assert formatting.number("<5") == "<5"
        assert formatting.csv_number(rate) == "0,01" and formatting.csv_number(
            rate, 4) == "0,0105" and formatting.csv_number(587643) == "587643"
