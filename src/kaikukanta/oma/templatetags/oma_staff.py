"""The OmaKaiku part of the staff card page: `{% oma_card_section card %}`."""

from django import template

from kaikukanta.lib.permissions import Perm, can
from kaikukanta.oma.selectors import staff_status

register = template.Library()


@register.inclusion_tag("oma/staff/_card_section.html", takes_context=True)
def oma_card_section(context, card):
    request = context["request"]
    if card.status not in ("active", "inactive"):
        return {"show": False}
    can_start = card.unit is not None and can(request.scope, Perm.ISSUE_CARDS, card.unit)
    from kaikukanta.oma.forms import StartForm

    language = card.preferred_language if card.preferred_language in ("fi", "sv") else ""
    return {
        "show": True, "card": card, "status": staff_status(card),
        "can_start": can_start and card.status == "active",
        "form": StartForm(initial={"language": language or request.LANGUAGE_CODE}),
        "csrf_token": context.get("csrf_token"),
    }
