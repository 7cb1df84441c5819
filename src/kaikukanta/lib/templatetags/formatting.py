"""Template filters of `kaikukanta.lib.formatting`: {% load formatting %}, then
{{ n|num }}, {{ rate|num:4 }}, {{ c|cell }} (a statistics cell), {{ rows|cell_rows }} (a
statistics table's body rows) and {{ d|day }}."""

import html

from django import template
from django.utils.safestring import mark_safe

from kaikukanta.lib import formatting

register = template.Library()


@register.filter
def num(value, decimals=None):
    return formatting.number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def cell(value):
    return formatting.cell(value)


@register.filter
def cell_rows(rows):
    """A statistics table's body rows, (label, cells) each, as table rows with the cells
    as `cell` shows them (a suppressed one marked). Made here rather than by a template
    loop: a municipality's table of places has a thousand rows, whose loop in the
    template took about a third of the page's time."""
    write = formatting.cell_writer()
    return mark_safe("\n    ".join(_row(label, cells, write)  # noqa: S308
                                   for label, cells in rows))


def _escape(text) -> str:
    """`conditional_escape` without its lazy-text wrapper (the same text; a third of the
    time of a thousand-row table went to the wrapper)."""
    if hasattr(text, "__html__"):
        return text.__html__()
    return html.escape(str(text))


def _row(label, cells, write) -> str:
    """One row: every value in it is escaped."""
    tds = "".join(
        f'<td class="num{"" if c.visible else " suppressed"}">{_escape(write(c))}</td>'
        for c in cells
    )
    return f'<tr><th scope="row">{_escape(label)}</th>{tds}</tr>'


@register.filter
def day(value):
    return formatting.day(value)
