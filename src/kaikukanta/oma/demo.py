"""Demo: a mobile-only card (X number) at the demo distributor's unit, for trying
OmaKaiku. The distributor starts OmaKaiku on its card page; a phone opens the slip's QR
link (or /oma/activate/) with the code."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaikukanta.cards import numbers
from kaikukanta.cards.models import Card, CardKind, CardStatus
from kaikukanta.cards.validity import validity_end
from kaikukanta.demo.context import DemoContext
from kaikukanta.geo.models import Municipality

PAYLOAD = "XMCARD2"  # X: a mobile-only personal card


def load(ctx: DemoContext) -> None:
    today = timezone.localdate()
    issued = today - datetime.timedelta(days=20)
    number = PAYLOAD + numbers.check_character(PAYLOAD)
    card, _created = Card.objects.get_or_create(number=number, defaults={
        "kind": CardKind.PERSONAL, "status": CardStatus.ACTIVE, "mobile_only": True,
        "unit": ctx["dist_espoo_social_units"][0], "area": ctx["area_espoo"],
        "issued_on": issued, "valid_until": validity_end(issued),
        "registered_at": timezone.now(), "birth_year": 1968, "postal_code": "02100",
        "municipality": Municipality.objects.filter(code="049").first(), "children": 1,
    })
    ctx.logins.append((str(_("OmaKaiku: the distributor opens this card and presses “Start "
                             "OmaKaiku”; then open the code slip's link on a phone "
                             "(http://127.0.0.1:8000/oma/)")), card.display_number))
