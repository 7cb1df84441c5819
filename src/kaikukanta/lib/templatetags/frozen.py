"""`{% frozen on a b with x y %}…{% endfrozen %}`: a part of a template rendered once per
language and values of `a`, `b` in each process, and then reused.

For the constant parts of busy pages (the page frame's forms and menu, the desk's texts
for working without a connection): each `{% translate %}`, `{% url %}` and `{% static %}`
in them otherwise costs its time on every request. The part must show nothing but its
constant text, the language, the values named after `on` and those named after `with`.
The `with` names are the request's own values (the CSRF token, the page's address): the
part is rendered with a placeholder for each, and each use puts the request's value
(escaped as `{{ x }}` would) in its place. Say `csrf_token` there for `{% csrf_token %}`.

A part may not contain a `{% block %}` (a child template's block would be frozen into
every page that extends the same parent).
"""

from __future__ import annotations

from django import template
from django.template.loader_tags import BlockNode
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

# Entries per part: each language and combination of the `on` values once (bounded, in
# case a value is unexpectedly varied; the part is rendered anew then).
PART_MAX = 500


class FrozenNode(template.Node):
    def __init__(self, nodelist, on: list, holes: list[str]):
        self.nodelist = nodelist
        self.on = on
        self.holes = holes
        # private-use characters: never in a translation, a URL or escaped text
        self.marks = {name: f"\ue000{name}\ue001" for name in holes}
        self.parts: dict[tuple, str] = {}

    def render(self, context) -> str:
        if "csrf_token" in self.marks and context.get("csrf_token") in (None, "", "NOTPROVIDED"):
            # no request (a page rendered without one): `{% csrf_token %}` writes nothing
            return self.nodelist.render(context)
        key = (get_language(), *(repr(v.resolve(context)) for v in self.on))
        html = self.parts.get(key)
        if html is None:
            with context.push(**self.marks):
                html = self.nodelist.render(context)
            if len(self.parts) >= PART_MAX:
                self.parts.clear()
            self.parts[key] = html
        for name, mark in self.marks.items():
            if mark in html:
                html = html.replace(mark, conditional_escape(str(context.get(name, ""))))
        return mark_safe(html)  # noqa: S308 - rendered by the template engine (autoescaped)


@register.tag
def frozen(parser, token):
    bits = token.split_contents()[1:]
    on: list = []
    holes: list[str] = []
    target = None
    for bit in bits:
        if bit in ("on", "with"):
            target = bit
        elif target == "on":
            on.append(parser.compile_filter(bit))
        elif target == "with":
            holes.append(bit)
        else:
            raise template.TemplateSyntaxError("frozen: use {% frozen on a b with x y %}")
    nodelist = parser.parse(("endfrozen",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError("frozen: a frozen part may not contain a block")
    return FrozenNode(nodelist, on, holes)
