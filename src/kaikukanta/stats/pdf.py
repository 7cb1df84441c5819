"""The yearly PDF report an area or municipality attaches to its wellbeing report.

Laid out so that every table fits: a table with many columns turns its page to landscape,
headings wrap inside their columns (never over each other), long tables repeat their
heading row. Every page names what the report is about and its period and is numbered
"page n / N". Tables the dashboard draws as a chart get the same bar chart here. Numbers
are written in the report's language (`lib.formatting`); every text that reportlab reads
as markup passes `lib.untrusted.pdf_text`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.utils.translation import gettext as _

from kaikukanta.lib.formatting import cell as cell_text
from kaikukanta.lib.untrusted import pdf_text
from kaikukanta.stats.tables import Table

# Tables with more columns than this go on landscape pages.
PORTRAIT_MAX_COLUMNS = 5
CHART_MAX_ROWS = 25


def _styles():
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    base = getSampleStyleSheet()
    return {
        "title": base["Title"],
        "normal": base["Normal"],
        "h2": base["Heading2"],
        "note": base["Italic"],
        "label": ParagraphStyle("label", parent=base["BodyText"], fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("head", parent=base["BodyText"], fontName="Helvetica-Bold",
                               fontSize=8, leading=9.5),
        "head_num": ParagraphStyle("head_num", parent=base["BodyText"],
                                   fontName="Helvetica-Bold", fontSize=8, leading=9.5,
                                   alignment=TA_RIGHT),
    }


def _chart(table: Table, width: float):
    """A horizontal bar chart of the table's first figure column, as on the dashboard.
    Hidden cells ("<5", "–") get no bar; every bar has its value written beside it."""
    from reportlab.graphics.shapes import Drawing, Rect, String
    from reportlab.lib import colors
    from reportlab.pdfbase.pdfmetrics import stringWidth

    rows = [(label, cells[0]) for label, cells in table.rows][:CHART_MAX_ROWS]
    values = [c.value for _label, c in rows if c.visible and isinstance(c.value, int | float)]
    top = max(values, default=0) or 1
    bar_h, gap, size = 11, 4, 8
    label_w = min(width * 0.4, max((stringWidth(str(label), "Helvetica", size)
                                    for label, _c in rows), default=0) + 6)
    value_w = 60
    bar_w = width - label_w - value_w
    height = len(rows) * (bar_h + gap) + gap
    d = Drawing(width, height)
    for i, (label, c) in enumerate(rows):
        y = height - (i + 1) * (bar_h + gap)
        text = str(label)
        while stringWidth(text, "Helvetica", size) > label_w - 6 and len(text) > 2:
            text = text[:-2] + "…"
        d.add(String(label_w - 6, y + 2.5, text, fontName="Helvetica", fontSize=size,
                     textAnchor="end"))
        w = bar_w * c.value / top if c.visible and c.value else 0
        d.add(Rect(label_w, y, w, bar_h, fillColor=colors.Color(0.16, 0.38, 0.6),
                   strokeColor=None))
        d.add(String(label_w + w + 4, y + 2.5, cell_text(c), fontName="Helvetica",
                     fontSize=size))
    return d


def _table(t: Table, width: float, styles):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, TableStyle
    from reportlab.platypus import Table as PdfTable

    n = len(t.columns)
    first = min(width * 0.34, 6.5 * 28.35) if n > 2 else width * 0.55
    rest = (width - first) / max(1, n - 1)
    header = [Paragraph(pdf_text(c), styles["head"] if i == 0 else styles["head_num"])
              for i, c in enumerate(t.columns)]
    body = [[Paragraph(pdf_text(row[0]), styles["label"])] + row[1:]
            for row in t.as_rows(cell_text)[1:]]
    pt = PdfTable([header] + body, colWidths=[first] + [rest] * (n - 1), repeatRows=1)
    pt.setStyle(TableStyle([
        ("FONTSIZE", (1, 1), (-1, -1), 8.5),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("VALIGN", (0, 1), (-1, -1), "MIDDLE"),
    ]))
    if t.total is not None:
        pt.setStyle(TableStyle([("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold")]))
    return pt


def _numbered_canvas(running: str):
    """A canvas that writes the running head and "page n / N" on every page once the total
    is known (pages are kept until the document is saved)."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._frame(total)
                super().showPage()
            super().save()

        def _frame(self, total: int) -> None:
            w, h = self._pagesize
            self.saveState()
            self.setFont("Helvetica", 8)
            self.setFillGray(0.25)
            self.drawString(40, h - 28, running)
            self.drawRightString(w - 40, h - 28, "Kaikukanta")
            self.drawCentredString(w / 2, 22, _("Page %(page)s / %(pages)s") % {
                "page": self._pageNumber, "pages": total})
            self.restoreState()

    return NumberedCanvas


def to_pdf(tables: Sequence[Table], heading: str, subheading: str, running: str,
           rule: str) -> bytes:
    """The report: `running` (what and when, e.g. "Area: Kainuu · 1.1.2025–31.12.2025")
    heads every page; `rule` (the privacy rule) ends it."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import cm
    from reportlab.platypus import (
        BaseDocTemplate,
        CondPageBreak,
        Frame,
        KeepTogether,
        NextPageTemplate,
        PageBreak,
        PageTemplate,
        Paragraph,
        Spacer,
    )

    margin = 1.6 * cm
    templates = []
    for name, size in (("portrait", A4), ("landscape", landscape(A4))):
        frame = Frame(margin, margin, size[0] - 2 * margin, size[1] - 2 * margin - 0.4 * cm,
                      id=name)
        templates.append(PageTemplate(id=name, frames=[frame], pagesize=size))
    buf = io.BytesIO()
    doc = BaseDocTemplate(buf, pagesize=A4, title=heading, author="Kaikukanta",
                          pageTemplates=templates)
    styles = _styles()
    story: list = [Paragraph(pdf_text(heading), styles["title"]),
                   Paragraph(pdf_text(subheading), styles["normal"]), Spacer(1, 0.4 * cm)]
    orientation = "portrait"
    for t in tables:
        wanted = "landscape" if len(t.columns) > PORTRAIT_MAX_COLUMNS else "portrait"
        if wanted != orientation:
            story += [NextPageTemplate(wanted), PageBreak()]
            orientation = wanted
        size = landscape(A4) if wanted == "landscape" else A4
        width = size[0] - 2 * margin
        story.append(CondPageBreak(4 * cm))
        title = [Paragraph(pdf_text(t.title), styles["h2"])]
        if t.chart and t.rows:
            title += [_chart(t, width * 0.8), Spacer(1, 0.2 * cm)]
        story += [KeepTogether(title), _table(t, width, styles), Spacer(1, 0.3 * cm)]
        if t.note:
            story += [Paragraph(pdf_text(t.note), styles["label"]), Spacer(1, 0.3 * cm)]
    story.append(Paragraph(pdf_text(rule), styles["note"]))
    doc.build(story, canvasmaker=_numbered_canvas(running))
    return buf.getvalue()
