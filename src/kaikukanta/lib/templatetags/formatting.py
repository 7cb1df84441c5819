"""Template filters of `kaikukanta.lib.formatting`: {% load formatting %}, then
{{ n|num }}, {{ rate|num:4 }}, {{ c|cell }} (a statistics cell) and {{ d|day }}."""

from django import template

from kaikukanta.lib import formatting

register = template.Library()


@register.filter
def num(value, decimals=None):
    return formatting.number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def cell(value):
    return formatting.cell(value)


@register.filter
def day(value):
    return formatting.day(value)
