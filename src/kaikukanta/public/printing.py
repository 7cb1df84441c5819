"""An area's printable brochure (A5) and poster (A3), made from the current registry data.

Both carry the area page's address as a QR code. Every name and text that comes from the
registry goes through `lib.untrusted.pdf_text` before it goes into a paragraph (reportlab
reads a small markup language there), so a title like ``<b>unclosed`` prints as itself.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A3, A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
)

from kaikukanta.lib.untrusted import pdf_text
from kaikukanta.public import selectors

INK = colors.HexColor("#1d1d1b")
ACCENT = colors.HexColor("#7a1f5c")
# The poster lists as many places as fit on its one page and points to the web page for
# the rest (tried in this order).
POSTER_LIMITS = (24, 16, 10, 6, 3, 0)


def _styles(scale: float) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName="Helvetica", fontSize=9 * scale,
                          leading=12 * scale, textColor=INK)
    return {
        "title": ParagraphStyle("title", parent=base, fontName="Helvetica-Bold",
                                fontSize=22 * scale, leading=26 * scale, textColor=ACCENT,
                                spaceAfter=4 * scale),
        "h2": ParagraphStyle("h2", parent=base, fontName="Helvetica-Bold",
                             fontSize=13 * scale, leading=16 * scale, spaceBefore=8 * scale,
                             spaceAfter=3 * scale, textColor=ACCENT),
        "h3": ParagraphStyle("h3", parent=base, fontName="Helvetica-Bold",
                             fontSize=10 * scale, leading=13 * scale, spaceBefore=4 * scale),
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8 * scale, leading=10 * scale),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: markup characters are escaped, line breaks kept."""
    return Paragraph(pdf_text(text).replace("\n", "<br/>"), style)


class QrCode(Flowable):
    def __init__(self, url: str, size: float) -> None:
        super().__init__()
        self.url, self.size = url, size
        self.width = self.height = size

    def draw(self) -> None:
        widget = QrCodeWidget(self.url, barLevel="M")
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(self.size, self.size,
                          transform=[self.size / (x1 - x0), 0, 0, self.size / (y1 - y0), 0, 0])
        drawing.add(widget)
        drawing.drawOn(self.canv, 0, 0)


def _intro(st: dict) -> list:
    return [
        _p(_("Kaikukortti is a free personal card for people in a tight financial "
             "situation. With it you get free tickets and course places at culture and "
             "sports venues, and tickets for your own children and grandchildren under 18."),
           st["body"]),
        _p(_("Who can get it: you are at least 16 or turn 16 this year, your home "
             "municipality takes part, you are a client of a service that hands out the "
             "card, and your finances are tight. No proof of income is needed."), st["body"]),
        _p(_("At a venue: show the card, and an identity document if asked. The registry's "
             "data override what is written on the card."), st["body"]),
    ]


def _distributors(area, st: dict) -> list:
    out = [_p(_("Where to get the card"), st["h2"])]
    groups = selectors.area_distributors(area)
    if not groups:
        out.append(_p(_("The area's distributors will be listed here."), st["body"]))
    for group in groups:
        if group.label:
            out.append(_p(group.label, st["h3"]))
        for unit in group.items:
            listing = selectors.unit_listing(unit)
            where = ", ".join(x for x in (
                unit.municipality.name if unit.municipality else "",
                listing.address if listing else "") if x)
            out.append(_p(f"{unit}" + (f" – {where}" if where else ""), st["body"]))
    return out


def _venues(area, st: dict, limit: int | None = None) -> list:
    out = [_p(_("Where to use it"), st["h2"])]
    shown = 0
    total = 0
    for group in selectors.area_venues(area):
        block = [_p(group.label, st["h3"])]
        for vs in group.items:
            total += 1
            if limit is not None and shown >= limit:
                continue
            shown += 1
            titles = []
            for offer in vs.offers:
                extra = [offer.restrictions] if offer.restrictions else []
                if offer.children_allowed:
                    extra.append(_("children's tickets"))
                titles.append(offer.title + (f" ({'; '.join(extra)})" if extra else ""))
            block.append(_p(f"{vs.site}: " + ", ".join(titles), st["body"]))
        if len(block) > 1:
            out.append(KeepTogether(block))
    if total == 0:
        out.append(_p(_("The offers will be listed here."), st["body"]))
    if limit is not None and total > shown:
        out.append(_p(_("…and %(n)d more places: see the web page.") % {"n": total - shown},
                      st["body"]))
    return out


def _contact(area, url: str, st: dict, qr_size: float) -> list:
    page = selectors.area_page(area)
    out = [_p(_("More information"), st["h2"])]
    if page.contact_email or page.contact_phone:
        out.append(_p(" · ".join(x for x in (page.contact_email, page.contact_phone) if x),
                      st["body"]))
    out += [Spacer(1, 3 * mm), QrCode(url, qr_size), _p(url, st["small"])]
    return out


def area_material(*, area, kind: str, url: str, lang: str) -> bytes:
    """The brochure (kind="brochure", A5, as many pages as needed) or poster ("poster",
    one A3 page) of an area, in the active language."""
    if kind != "poster":
        return _build(area, kind, url, lang, None)[0]
    for limit in POSTER_LIMITS:
        data, pages = _build(area, kind, url, lang, limit)
        if pages == 1:
            break
    return data


def _build(area, kind: str, url: str, lang: str, limit: int | None) -> tuple[bytes, int]:
    name = selectors.area_name(area, lang)
    buf = io.BytesIO()
    if kind == "poster":
        size, scale, margin, qr = A3, 1.8, 18 * mm, 55 * mm
    else:
        size, scale, margin, qr = A5, 1.0, 12 * mm, 30 * mm
    doc = SimpleDocTemplate(buf, pagesize=size, leftMargin=margin, rightMargin=margin,
                            topMargin=margin, bottomMargin=margin,
                            title=f"Kaikukortti – {name}", author="Kaikukanta",
                            lang=lang)
    st = _styles(scale)
    story = [_p(f"Kaikukortti – {name}", st["title"])]
    story += _intro(st)
    municipalities = ", ".join(m.name for m in area.municipalities.all())
    if municipalities:
        story.append(_p(_("Municipalities: %(list)s") % {"list": municipalities}, st["body"]))
    if kind != "poster":
        story += _distributors(area, st)
    story += _venues(area, st, limit)
    story += _contact(area, url, st, qr)
    doc.build(story)
    return buf.getvalue(), doc.page
