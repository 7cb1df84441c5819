"""Counts written by the fast path are those Django's number format writes, in every
language and after the format settings change."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import formats, translation

from kaikukanta.lib import formatting
from kaikukanta.stats.privacy import Cell

COUNTS = [0, 7, -7, 999, 1000, -1234, 587_643, 1_234_567, 10**12, -(10**9)]


def django_number(value, places=0) -> str:
    return formats.number_format(value, places, use_l10n=True, force_grouping=True)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_counts_and_cells_are_written_as_django_writes_them(lang):
    with translation.override(lang):
        write = formatting.cell_writer()
        for n in COUNTS:
            assert formatting.number(n) == django_number(n), (lang, n)
            assert formatting.number(n, 0) == django_number(n), (lang, n)
            assert write(Cell(n)) == formatting.cell(Cell(n)) == django_number(n), (lang, n)
        # not counts: the general path, as before
        assert write(Cell(12, decimals=2)) == formatting.cell(Cell(12, decimals=2))
        assert formatting.number(12, 2) == django_number(12, 2)
        assert write(Cell(Decimal("3.5"), decimals=1)) == django_number(Decimal("3.5"), 1)
        assert write(Cell(3, "small")) == "<5"
        assert write(Cell(3, "hidden")) == formatting.cell(Cell(3, "hidden"))
        assert formatting.number(True) == "True" and formatting.number(None) == ""


def test_a_changed_format_setting_is_followed(settings, monkeypatch):
    with translation.override("en"):
        assert formatting.number(1234567) == "1,234,567"
        formatting._GROUPING["en"] = "X"  # (what an earlier setting would have left)
        settings.NUMBER_GROUPING = 3  # any setting changed: looked up again
        assert formatting.number(1234567) == "1,234,567"
        # a language grouping otherwise than by threes takes Django's own path
        real = formats.get_format
        monkeypatch.setattr(formats, "get_format", lambda name, *a, **k: (
            (3, 2, 0) if name == "NUMBER_GROUPING" else real(name, *a, **k)))
        settings.NUMBER_GROUPING = (3, 2, 0)
        assert formatting.number(1234567) == django_number(1234567) == "12,34,567"
        assert formatting.cell_writer()(Cell(1234567)) == "12,34,567"


def test_table_rows_write_their_cells_in_the_language(cast):
    rows = [("Espoo", [Cell(1234567), Cell(3, "small"), Cell(2, "hidden")])]
    page = Template("{% load formatting %}{{ rows|cell_rows }}")
    with translation.override("fi"):
        html = page.render(Context({"rows": rows}))
    assert '<td class="num">1\xa0234\xa0567</td>' in html
    assert '<td class="num suppressed">&lt;5</td>' in html
    with translation.override("en"):
        assert "1,234,567" in page.render(Context({"rows": rows}))


def test_table_rows_escape_as_django_escapes():
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    from kaikukanta.lib.templatetags.formatting import _escape

    for text in ["<5", "Tom & Jerry's \"place\"", "–", "", 1234, gettext_lazy("Uses"),
                 mark_safe("<b>kept</b>")]:  # noqa: S308
        assert _escape(text) == conditional_escape(text), text
    page = Template("{% load formatting %}{{ rows|cell_rows }}")
    html = page.render(Context({"rows": [("<script>", [Cell(1)])]}))
    assert "<script>" not in html and "&lt;script&gt;" in html
