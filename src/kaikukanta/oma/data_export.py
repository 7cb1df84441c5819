"""Everything the registry holds about a holder's card, for the holder: JSON and a
readable PDF. Staff identities are left out (who looked the card up is staff data)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kaikukanta.cards.models import CardEvent
from kaikukanta.oma import selectors
from kaikukanta.oma.models import ActivationCode, HolderAccount, HolderEmail


def _d(value) -> str | None:
    return value.isoformat() if value else None


def holder_data(account: HolderAccount) -> dict:
    card = selectors.current_card(account)
    chain = selectors.card_chain_back(card)
    from kaikukanta.cards.models import Card
    from kaikukanta.usage.models import LookupLog, Use

    cards = []
    for c in Card.objects.filter(pk__in=chain).select_related("unit__organisation",
                                                              "municipality"):
        cards.append({
            "number": c.display_number, "kind": c.kind, "status": c.status,
            "mobile_only": c.mobile_only, "issued_on": _d(c.issued_on),
            "valid_until": _d(c.valid_until), "children_under_18": c.children,
            "birth_year": c.birth_year, "postal_code": c.postal_code,
            "municipality": str(c.municipality) if c.municipality else None,
            "gender": c.gender or None, "life_situation": c.life_situation or None,
            "preferred_language": c.preferred_language or None,
            "inactivated_on": _d(c.inactivated_on), "inactive_reason": c.inactive_reason or None,
            "issuing_unit": str(c.unit) if c.unit else None,
            "events": [{"date": _d(e.on), "event": e.kind, "valid_until": _d(e.valid_until),
                        "unit": str(e.unit) if e.unit else None}
                       for e in CardEvent.objects.filter(card=c).select_related("unit")],
        })
    uses = [{"card": u.card.display_number, "event_date": _d(u.event_date),
             "venue": u.venue.name, "site": u.site.name,
             "offer": u.offer.title if u.offer else None, "category": u.category,
             "children": u.children, "companion": u.companion, "status": u.status}
            for u in Use.objects.filter(card__in=chain)
            .select_related("card", "venue", "site", "offer").order_by("event_date", "pk")]
    numbers = list(Card.objects.filter(pk__in=chain).values_list("number", flat=True))
    lookups = [{"at": _d(at), "area": area}
               for at, area in LookupLog.objects.filter(number__in=numbers)
               .values_list("at", "area__name").order_by("at")]
    email_row = HolderEmail.objects.filter(account=account).first()
    email = email_row.email if email_row else None
    return {
        "exported_at": _d(timezone.now()),
        "cards": cards,
        "uses": uses,
        "desk_look_ups": lookups,
        "omakaiku": {
            "created_at": _d(account.created_at),
            "password_set": bool(account.password),
            "passkeys": [{"added": _d(p.created_at), "last_used": _d(p.last_used_at)}
                         for p in account.passkeys.all()],
            "email": email,
            "expiry_reminders": bool(email_row and email_row.reminders),
            "last_reminder_for_expiry": _d(email_row.reminded_for) if email_row else None,
            "activation_codes": [
                {"created": _d(a.created_at), "valid_until": _d(a.expires_at),
                 "used": _d(a.used_at), "cancelled": _d(a.cancelled_at)}
                for a in ActivationCode.objects.filter(card__in=chain).order_by("created_at")],
        },
    }


def holder_pdf(account: HolderAccount) -> bytes:
    """The same data as a plain, readable A4 document."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

    data = holder_data(account)
    styles = getSampleStyleSheet()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, title=_("My data in Kaikukanta"))
    story = [Paragraph(escape(_("My data in Kaikukanta")), styles["Title"]),
             Paragraph(escape(_("Made on %(date)s") % {
                 "date": date_format(timezone.localtime(), "SHORT_DATETIME_FORMAT")}),
                 styles["Normal"]), Spacer(1, 12)]

    def table(rows):
        cells = [[Paragraph(escape(str(k)), styles["Normal"]),
                  Paragraph(escape("" if v is None else str(v)), styles["Normal"])]
                 for k, v in rows]
        return Table(cells, colWidths=[170, 300], hAlign="LEFT")

    labels = {"number": _("Card number"), "kind": _("Kind"), "status": _("Status"),
              "mobile_only": _("Mobile-only card"), "issued_on": _("Issued on"),
              "valid_until": _("Valid until"), "children_under_18": _("Children under 18"),
              "birth_year": _("Birth year"), "postal_code": _("Postal code"),
              "municipality": _("Municipality"), "gender": _("Gender"),
              "life_situation": _("Life situation"),
              "preferred_language": _("Preferred language"),
              "inactivated_on": _("Inactivated on"), "inactive_reason": _("Reason"),
              "issuing_unit": _("Issuing unit")}
    for card in data["cards"]:
        story.append(Paragraph(escape(_("Card %(number)s") % {"number": card["number"]}),
                               styles["Heading2"]))
        story.append(table([(labels[k], card[k]) for k in labels]))
        for e in card["events"]:
            story.append(Paragraph(escape(f"{e['date']}: {e['event']} ({e['unit'] or '–'})"),
                                   styles["Normal"]))
    story.append(Paragraph(escape(_("Uses")), styles["Heading2"]))
    if not data["uses"]:
        story.append(Paragraph(escape(_("No uses yet.")), styles["Normal"]))
    for u in data["uses"]:
        text = f"{u['event_date']}: {u['venue']}, {u['site']}"
        if u["offer"]:
            text += f" – {u['offer']}"
        text += " · " + _("children's tickets: %(n)s") % {"n": u["children"]}
        story.append(Paragraph(escape(text), styles["Normal"]))
    story.append(Paragraph(escape(_("Look-ups at ticket desks")), styles["Heading2"]))
    story.append(Paragraph(escape(_("%(n)s look-ups.") % {"n": len(data["desk_look_ups"])}),
                           styles["Normal"]))
    oma = data["omakaiku"]
    story.append(Paragraph("OmaKaiku", styles["Heading2"]))
    story.append(table([
        (_("Started"), oma["created_at"]),
        (_("Password"), _("set") if oma["password_set"] else _("not set")),
        (_("Passkeys"), len(oma["passkeys"])),
        (_("Email address"), oma["email"] or _("not given")),
        (_("Expiry reminders"), _("on") if oma["expiry_reminders"] else _("off")),
    ]))
    doc.build(story)
    return out.getvalue()
