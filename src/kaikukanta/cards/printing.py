"""Print-ready PDF of a card batch: one card face per number on A4 sheets.

Each face is credit-card size (85.6 × 54 mm) with a light cutting line, and carries the
number as text (printed form, ``K7M4-9QX2``), as a QR code (``numbers.qr_payload``) and
as a Code 39 barcode (the stored form, no extra check digit: the number has its own),
plus blanks to fill in by hand: valid until and number of children. Printed cards are
bilingual (Finnish and Swedish) like the rest of Kaikukortti's material.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Sequence

from reportlab.graphics.barcode import qrencoder
from reportlab.graphics.barcode.code39 import Standard39
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from kaikukanta.cards import numbers

CARD_W = 85.6 * mm
CARD_H = 54 * mm
COLUMNS = 2
ROWS = 5
GAP = 2 * mm
PER_PAGE = COLUMNS * ROWS
# A downloaded PDF holds at most this many cards (about ten seconds to make); bigger
# batches are downloaded in parts.
PART_SIZE = 500


def parts(size: int) -> list[tuple[int, int, int]]:
    """(part number, first card, last card) for a batch of `size` cards, 1-based."""
    return [(i + 1, start + 1, min(start + PART_SIZE, size))
            for i, start in enumerate(range(0, size, PART_SIZE))]
QR_SIZE = 24 * mm


def _face_origin(index: int) -> tuple[float, float]:
    page_w, page_h = A4
    left = (page_w - COLUMNS * CARD_W - (COLUMNS - 1) * GAP) / 2
    top = (page_h - ROWS * CARD_H - (ROWS - 1) * GAP) / 2
    col = index % COLUMNS
    row = index // COLUMNS
    x = left + col * (CARD_W + GAP)
    y = page_h - top - (row + 1) * CARD_H - row * GAP
    return x, y


def _qr(c: canvas.Canvas, payload: str, x: float, y: float, size: float) -> None:
    """A QR code (level M, with its 4-module quiet zone) filling a `size` square.

    Drawn straight onto the canvas as one path of dark runs: reportlab's QR widget makes
    one shape per run and encodes twice, which is far too slow for a 10,000-card batch.
    """
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(payload)
    code.make()
    count = code.getModuleCount()
    border = 4
    box = size / (count + 2 * border)
    path = c.beginPath()
    for r, row in enumerate(code.modules):
        col = 0
        for dark, run in itertools.groupby(row):
            length = len(list(run))
            if dark:
                path.rect(x + (col + border) * box, y + size - (r + border + 1) * box,
                          length * box, box)
            col += length
    c.drawPath(path, stroke=0, fill=1)


def _face(c: canvas.Canvas, number: str, x: float, y: float, *, community: bool) -> None:
    c.setStrokeGray(0.75)
    c.setLineWidth(0.3)
    c.rect(x, y, CARD_W, CARD_H)
    pad = 4 * mm
    c.setFillGray(0)
    c.setFont("Helvetica-Bold", 13)
    c.drawString(x + pad, y + CARD_H - pad - 10, "Kaikukortti")
    c.setFont("Helvetica", 7)
    subtitle = ("Yhteisön Kaikukortti – Gemenskapens Kaikukort" if community
                else "Henkilökohtainen – Personligt")
    c.drawString(x + pad, y + CARD_H - pad - 19, subtitle)
    c.setFont("Courier-Bold", 15)
    c.drawString(x + pad, y + CARD_H - pad - 36, numbers.display(number))
    _qr(c, numbers.qr_payload(number), x + CARD_W - pad - QR_SIZE + 2 * mm,
        y + CARD_H - pad - QR_SIZE + 2 * mm, QR_SIZE)
    # Blanks to fill in by hand.
    c.setStrokeGray(0.2)
    c.setFont("Helvetica", 7)
    line_y = y + CARD_H - pad - 50
    c.drawString(x + pad, line_y, "Voimassa / Giltigt t.o.m.:")
    c.line(x + pad + 30 * mm, line_y - 1, x + pad + 52 * mm, line_y - 1)
    if not community:
        c.drawString(x + pad, line_y - 11, "Lapsia / Barn (alle / under 18):")
        c.line(x + pad + 36 * mm, line_y - 12, x + pad + 46 * mm, line_y - 12)
    barcode = Standard39(number, checksum=0, barHeight=9 * mm, barWidth=0.3 * mm, ratio=2.5,
                         quiet=1, lquiet=3 * mm, rquiet=3 * mm, humanReadable=False)
    c.setStrokeGray(0)
    barcode.drawOn(c, x + pad - 3 * mm, y + 3 * mm)


def batch_pdf(card_numbers: Sequence[str], *, community: bool = False,
              title: str = "Kaikukortti",
              progress: Callable[[int], None] | None = None) -> bytes:
    """The PDF bytes for these numbers, ten faces per A4 page. `progress` is told the
    number of faces drawn after each page."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    c.setTitle(title)
    c.setCreator("Kaikukanta")
    for i, number in enumerate(card_numbers):
        if i and i % PER_PAGE == 0:
            c.showPage()
            if progress:
                progress(i)
        x, y = _face_origin(i % PER_PAGE)
        _face(c, number, x, y, community=community)
    c.showPage()
    c.save()
    return buffer.getvalue()
