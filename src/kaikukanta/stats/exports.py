"""CSV, XLSX and PDF out of protected tables (the same cells the pages show), with numbers
written by `lib.formatting` (the PDF report's layout is in `stats.pdf`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from kaikukanta.lib import formatting
from kaikukanta.lib.untrusted import spreadsheet_row
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


def _csv_cell(c) -> object:
    return formatting.csv_number(c.shown, c.decimals)


def to_csv(tables: Sequence[Table], heading: str) -> bytes:
    """One CSV file (UTF-8 with BOM so spreadsheet programs read it right; `;` between
    cells and a decimal comma, as Finnish spreadsheet programs expect). Every cell goes
    through `spreadsheet_cell`: no name becomes a formula."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";")

    def row(values: list) -> None:
        w.writerow(spreadsheet_row(values))

    row([heading])
    for t in tables:
        row([])
        row([t.title])
        for values in t.as_rows(_csv_cell):
            row(values)
        if t.note:
            row([t.note])
    row([])
    row([rule_text()])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _xlsx_format(c) -> str | None:
    """The cell's number format: the spreadsheet shows it in the reader's own language."""
    if not c.visible or isinstance(c.value, bool) or not isinstance(c.value, int | float | Decimal):
        return None
    places = formatting.decimals_of(c.value, c.decimals)
    return "#,##0" + ("." + "0" * places if places else "")


def to_xlsx(tables: Sequence[Table], heading: str) -> bytes:
    """One workbook, one sheet per table. Numbers stay numbers (grouped, with their
    decimals); text cells are stored as text (never as formulas) and pass through
    `spreadsheet_cell`."""
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

        def append(values: list, ws=ws, cells: list | None = None) -> None:
            ws.append(spreadsheet_row(values))
            for i, cell in enumerate(ws[ws.max_row]):
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                elif cells and 0 < i <= len(cells) and (fmt := _xlsx_format(cells[i - 1])):
                    cell.number_format = fmt

        append([heading])
        append([t.title])
        ws["A1"].font = Font(bold=True)
        rows = t.as_rows()
        cells = [cs for _label, cs in t.rows] + ([t.total] if t.total is not None else [])
        for i, values in enumerate(rows):
            append(values, cells=cells[i - 1] if i else None)
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
