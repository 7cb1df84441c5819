"""Distributor staff start OmaKaiku for a card: a one-time code shown on screen and on a
printable slip in the holder's language. Staff see only whether OmaKaiku is in use."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kaikukanta.cards.models import Card
from kaikukanta.lib.compression import never_compress
from kaikukanta.lib.errors import DomainError
from kaikukanta.lib.permissions import Perm, can
from kaikukanta.lib.scope import get_visible_or_404
from kaikukanta.oma import qr, services
from kaikukanta.oma.forms import StartForm


def _card_for_issuer(request, number: str) -> Card:
    card = get_visible_or_404(Card.objects.select_related("unit__organisation", "area"),
                              request.scope, number=number)
    if card.unit is None or not can(request.scope, Perm.ISSUE_CARDS, card.unit):
        raise PermissionDenied
    return card


def activation_link(request, card: Card, code: str) -> str:
    query = urlencode({"card": card.number, "code": code})
    return request.build_absolute_uri(f"{reverse('oma:activate')}?{query}")


@never_cache
@login_required
@require_POST
def start(request, number: str):
    card = _card_for_issuer(request, number)
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the language of the slip."))
        return redirect("cards:card_detail", number=card.number)
    language = form.cleaned_data["language"]
    try:
        row, code = services.oma_start(scope=request.scope, card=card, language=language)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("cards:card_detail", number=card.number)
    link = activation_link(request, card, code)
    return never_compress(render(request, "oma/staff/slip.html", {
        "card": card, "code": services.display_code(code), "link": link,
        "expires_at": row.expires_at, "slip_language": language,
        "activate_url": request.build_absolute_uri(reverse("oma:activate")),
        "qr": qr.svg(link, title=_("QR code: opens the OmaKaiku activation page")),
    }))


@login_required
@require_POST
def cancel(request, number: str):
    card = _card_for_issuer(request, number)
    if services.oma_code_cancel(scope=request.scope, card=card):
        messages.success(request, _("The OmaKaiku code was cancelled. It no longer works."))
    return redirect("cards:card_detail", number=card.number)
