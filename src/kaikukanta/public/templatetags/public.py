from django import template

from kaikukanta.public.selectors import unit_listing

register = template.Library()


@register.filter
def listing(unit):
    """The unit's public facts (None when it has none)."""
    return unit_listing(unit) if unit is not None else None


@register.filter
def how_to_get(offer):
    """How to get the ticket for this kind of offer (one sentence)."""
    from kaikukanta.public.views import HOW_TO_GET

    return HOW_TO_GET.get(offer.kind, "")
