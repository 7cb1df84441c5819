"""Server-rendered, accessible SVG bar charts (no script, no inline style).

Each chart has role="img", a <title> and a <desc> that says in words what it shows, and
the page puts the same numbers in a table beside it. Hidden cells ("<5", "–") get no bar.
"""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kaikukanta.lib.formatting import cell as cell_text
from kaikukanta.stats.tables import Table

BAR_H = 22
GAP = 8
LABEL_W = 210
BAR_W = 330
VALUE_W = 70


def bar_chart(table: Table, column: int = 0, prefix: str = "chart") -> SafeString:
    """A horizontal bar chart of one figure column of `table`."""
    ident = f"{prefix}-{table.key}"
    rows = [(label, cells[column]) for label, cells in table.rows]
    visible = [c.value for _label, c in rows if c.visible and isinstance(c.value, int | float)]
    top = max(visible, default=0) or 1
    height = len(rows) * (BAR_H + GAP) + GAP
    width = LABEL_W + BAR_W + VALUE_W
    col_title = table.columns[column + 1]
    desc = _("%(figure)s: %(values)s.") % {
        "figure": col_title,
        "values": "; ".join(f"{label} {cell_text(cell)}" for label, cell in rows),
    }
    parts = []
    for i, (label, cell) in enumerate(rows):
        y = GAP + i * (BAR_H + GAP)
        w = round(BAR_W * cell.value / top) if cell.visible and cell.value else 0
        short = label if len(label) <= 30 else label[:29] + "…"
        parts.append(format_html(
            '<g><text x="{}" y="{}" class="chart-label" text-anchor="end">{}</text>'
            '<rect x="{}" y="{}" width="{}" height="{}" class="chart-bar{}"></rect>'
            '<text x="{}" y="{}" class="chart-value">{}</text></g>',
            LABEL_W - 6, y + BAR_H - 6, short,
            LABEL_W, y, w, BAR_H, "" if cell.visible else " chart-bar-hidden",
            LABEL_W + w + 6, y + BAR_H - 6, cell_text(cell),
        ))
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        'viewBox="0 0 {w} {h}" width="100%" aria-labelledby="{i}-title {i}-desc">'
        '<title id="{i}-title">{t}</title><desc id="{i}-desc">{d}</desc>{body}</svg>',
        w=width, h=height, i=ident, t=f"{table.title} – {col_title}", d=desc,
        body=mark_safe("".join(parts)),  # noqa: S308 (each part escaped by format_html)
    )

