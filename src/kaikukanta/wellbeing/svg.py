"""An accessible SVG chart of means with their 95 % intervals (no script, no inline style;
the page shows the same numbers in a table). Hidden means get no mark."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kaikukanta.lib.formatting import number
from kaikukanta.wellbeing.figures import FEW, Mean

ROW_H = 34
LABEL_W = 170
PLOT_W = 360
PAD = 24


def interval_chart(ident: str, title: str, rows: Sequence[tuple[str, Mean]], *,
                   low: float, high: float) -> SafeString:
    def x(v: float) -> float:
        return round(LABEL_W + PLOT_W * (v - low) / (high - low), 1)

    parts = []
    for i, (label, m) in enumerate(rows):
        y = PAD + i * ROW_H + ROW_H / 2
        parts.append(format_html(
            '<text x="{}" y="{}" class="chart-label" text-anchor="end">{}</text>',
            LABEL_W - 8, y + 4, label))
        if m.visible:
            parts.append(format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" class="chart-ci"></line>'
                '<circle cx="{}" cy="{}" r="5" class="chart-dot"></circle>'
                '<text x="{}" y="{}" class="chart-value">{}</text>',
                x(m.low), x(m.high), y, y, x(m.mean), y, x(high) + 6, y + 4, number(m.mean, 1)))
        else:
            parts.append(format_html('<text x="{}" y="{}" class="chart-value">{}</text>',
                                     LABEL_W + 4, y + 4, FEW))
    # the axis: low, (0 when inside), high
    axis_y = PAD + len(rows) * ROW_H
    ticks = sorted({low, high, 0.0} if low < 0 < high else {low, (low + high) / 2, high})
    parts.append(format_html('<line x1="{}" x2="{}" y1="{}" y2="{}" class="chart-axis"></line>',
                             x(low), x(high), axis_y, axis_y))
    for t in ticks:
        parts.append(format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" class="chart-grid"></line>'
            '<text x="{}" y="{}" class="chart-label" text-anchor="middle">{}</text>',
            x(t), x(t), PAD - 6, axis_y, x(t), axis_y + 16, number(round(t))))
    desc = "; ".join(
        _("%(label)s: mean %(mean)s, 95%% interval %(low)s to %(high)s") % {
            "label": label, "mean": number(m.mean, 1), "low": number(m.low, 1),
            "high": number(m.high, 1)}
        if m.visible else f"{label}: {FEW}" for label, m in rows)
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        'viewBox="0 0 {w} {h}" width="100%" aria-labelledby="{i}-title {i}-desc">'
        '<title id="{i}-title">{t}</title><desc id="{i}-desc">{d}</desc>{body}</svg>',
        w=LABEL_W + PLOT_W + 60, h=axis_y + 26, i=ident, t=title, d=desc,
        body=mark_safe("".join(parts)),  # noqa: S308 (each part escaped by format_html)
    )
