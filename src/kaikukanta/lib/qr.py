"""QR codes as SVG drawn by our own code (strict CSP: no third-party images or scripts)."""

from __future__ import annotations

import itertools

from reportlab.graphics.barcode import qrencoder

BORDER = 4  # the quiet zone the QR standard asks for, in modules


def qr_svg(payload: str, *, module_px: int = 6) -> str:
    """One SVG path of the dark runs of a level-M QR code, with its quiet zone."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(payload)
    code.make()
    size = code.getModuleCount() + 2 * BORDER
    parts = []
    for r, row in enumerate(code.modules):
        col = 0
        for dark, run in itertools.groupby(row):
            length = len(list(run))
            if dark:
                parts.append(f"M{col + BORDER} {r + BORDER}h{length}v1h-{length}z")
            col += length
    pixels = size * module_px
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'width="{pixels}" height="{pixels}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(parts)}"/></svg>'
    )
