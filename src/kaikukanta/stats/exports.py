"""CSV, XLSX and PDF out of protected tables (the same cells the pages show)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from django.utils.translation import gettext as _

from kaikukanta.lib.untrusted import pdf_text, spreadsheet_row
from kaikukanta.stats.privacy import HIDDEN, SMALL, THRESHOLD
from kaikukanta.stats.tables import Table


def rule_text() -> str:
    return (_(
        "Privacy: a figure that counts fewer than %(n)s holders, or uses of fewer than %(n)s "
        "holders, is shown as \"%(small)s\". When that could be worked out from a total, "
        "further figures are hidden and shown as \"%(hidden)s\"."
    ) % {"n": THRESHOLD, "small": SMALL, "hidden": HIDDEN}) + " " + cell_key_text()


def cell_key_text() -> str:
    return _("Counts of holders are perturbed by up to 2, the same way every time for the "
             "same holders, so tables need not add up exactly; tables of holders' "
             "characteristics are published once per month and year, after late entries, and "
             "never changed.")


def to_csv(tables: Sequence[Table], heading: str) -> bytes:
    """One CSV file (UTF-8 with BOM so spreadsheet programs read it right). Every cell goes
    through `spreadsheet_cell`: no name becomes a formula."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";")

    def row(values: list) -> None:
        w.writerow(spreadsheet_row(values))

    row([heading])
    for t in tables:
        row([])
        row([t.title])
        for values in t.as_rows():
            row(values)
        if t.note:
            row([t.note])
    row([])
    row([rule_text()])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(tables: Sequence[Table], heading: str) -> bytes:
    """One workbook, one sheet per table. Text cells are stored as text (never as
    formulas) and pass through `spreadsheet_cell`."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for t in tables:
        name = "".join(ch for ch in t.title if ch not in "[]:*?/\\")[:31] or t.key
        while name in used:
            name = name[:28] + f"_{len(used)}"
        used.add(name)
        ws = wb.create_sheet(name)

        def append(values: list, ws=ws) -> None:
            ws.append(spreadsheet_row(values))
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"

        append([heading])
        append([t.title])
        ws["A1"].font = Font(bold=True)
        for i, values in enumerate(t.as_rows()):
            append(values)
            if i == 0:
                for cell in ws[ws.max_row]:
                    cell.font = Font(bold=True)
        if t.note:
            append([t.note])
        append([])
        append([rule_text()])
        ws.column_dimensions["A"].width = 45
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_pdf(tables: Sequence[Table], heading: str, subheading: str) -> bytes:
    """A yearly report to attach to a municipal wellbeing report."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, title=heading, author="Kaikukanta",
                            leftMargin=1.8 * cm, rightMargin=1.8 * cm)
    styles = getSampleStyleSheet()
    # every text that goes into a Paragraph (which reads markup) passes `pdf_text`
    story = [Paragraph(pdf_text(heading), styles["Title"]),
             Paragraph(pdf_text(subheading), styles["Normal"]), Spacer(1, 0.4 * cm)]
    for t in tables:
        story.append(Paragraph(pdf_text(t.title), styles["Heading2"]))
        data = [[Paragraph(pdf_text(c), styles["BodyText"]) if i == 0 else str(c)
                 for i, c in enumerate(row)] for row in t.as_rows()]
        first = 7 * cm if len(t.columns) > 2 else 10 * cm
        rest = max(2.2 * cm, (17.4 * cm - first) / max(1, len(t.columns) - 1))
        pt = PdfTable(data, colWidths=[first] + [rest] * (len(t.columns) - 1), repeatRows=1)
        pt.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
            ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]))
        story += [pt, Spacer(1, 0.3 * cm)]
        if t.note:
            story += [Paragraph(pdf_text(t.note), styles["BodyText"]), Spacer(1, 0.3 * cm)]
    story.append(Paragraph(pdf_text(rule_text()), styles["Italic"]))
    doc.build(story)
    return buf.getvalue()
