from django import template

from kaikukanta.public.selectors import unit_listing

register = template.Library()


@register.filter
def listing(unit):
    """The unit's public facts (None when it has none)."""
    return unit_listing(unit) if unit is not None else None
