"""The ticket desk page's body written from pieces translated once per language.

`usage/desk.html` is the desk page; its body (the look-up form, the card's answer, the
record form, today's uses) is rendered on every look-up, and the template engine's work
for it (a node, a lookup, a `{% translate %}` and an escape at a time, then
`{% spaceless %}` over the whole) cost more worker time than the look-up's SQL. `body()`
writes the same HTML from the texts of the current language (translated once per process,
as `{% translate %}` writes them) and the request's values (escaped as
`{{ value }}` escapes them), and the template puts it in place of its own body. The body's
constant parts for working without a connection are the template's own includes
(`desk_offline_texts.html`, `desk_queue.html`), rendered once per language.

The HTML is the template's, byte for byte, in every language and for every answer
(tests/usage/test_desk_page.py compares them); `body()` answers None for the pages it does
not write – a form with errors, a scanned mobile card's answer – and the template renders
those itself. A change to the template's body is made here too (the test fails until it
is).
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.formats import date_format
from django.utils.html import escape, strip_spaces_between_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

# the CSRF token's place in the constant parts (a private-use character: never in a
# translation, an address or escaped text)
_CSRF = "\ue000csrf\ue001"

_TEXTS = (
    "Ticket desk",
    "Change site",
    "Scan with the camera",
    "Stop the camera",
    "Card number",
    "Check",
    "Type, scan or paste the number (or scan the mobile card) and press Enter.",
    "VALID",
    "NOT VALID",
    "Card",
    "Kind",
    "Community card",
    "Personal card",
    "Valid until",
    "Children registered",
    "New card",
    "Record use",
    "Enter records; change the details below first if needed.",
    "Record: staff member's ticket",
    "Record: holder's ticket",
    "Today at this site",
    "cancelled",
    "All uses and cancelling",
)

_PIECES: dict[tuple, dict] = {}

# the page's values that `body()` takes (the desk view's context)
BODY_VALUES = (
    "site",
    "many_sites",
    "seller",
    "lookup",
    "answer",
    "form",
    "csrf_token",
    "record_fields",
    "offline_form",
    "recent",
)


def _pieces() -> dict:
    """This language's texts, addresses (escaped) and constant parts."""
    # the addresses also follow the URL configuration (as `lib.navigation`'s menu)
    key = (get_language(), get_urlconf(), get_script_prefix())
    pieces = _PIECES.get(key)
    if pieces is None:
        # as `{% translate "…" %}` writes them: a literal's translation is not escaped
        pieces = {text: gettext(text) for text in _TEXTS}
        # nor is `{% blocktranslate %}`'s text, only the value put in it
        pieces["recorded by"] = gettext("recorded by %(seller)s")
        pieces["desk"] = escape(reverse("usage:desk"))
        pieces["record"] = escape(reverse("usage:desk_record"))
        pieces["uses"] = escape(reverse("usage:uses"))
        pieces["offline texts"] = render_to_string("usage/desk_offline_texts.html")
        pieces["queue"] = render_to_string("usage/desk_queue.html", {"csrf_token": _CSRF})
        _PIECES[key] = pieces
    return pieces


def writes(*, lookup, answer, form) -> bool:
    """Whether `body()` writes this page: no errors on the forms, no mobile card's answer."""
    return (
        not lookup.errors
        and (answer is None or answer.signed_at is None)
        and (form is None or not form.is_bound)
    )


def body(
    *,
    site,
    many_sites: bool,
    seller,
    lookup,
    answer,
    form,
    csrf_token: str,
    record_fields: str,
    offline_form: str,
    recent: list,
) -> SafeString:
    """The desk page's body as `usage/desk.html` renders it (see `writes`)."""
    t = _pieces()
    e = escape
    site_pk = e(site.pk)
    out = [
        f'<h1 class="desk-title">{t["Ticket desk"]}: {e(site.name)}</h1>'
        f'<p class="desk-where">{e(site.organisation.name)}'
    ]
    if seller:
        out.append(" · " + t["recorded by"] % {"seller": e(seller.name)})
    if many_sites:
        out.append(f' · <a href="{t["desk"]}?choose=1">{t["Change site"]}</a>')
    number = lookup["number"]
    out.append(
        f'</p><form method="get" action="{t["desk"]}" class="desk-lookup" role="search" '
        f'id="desk-lookup"\n  data-scan="{t["Scan with the camera"]}" '
        f'data-scan-stop="{t["Stop the camera"]}"><input type="hidden" name="site" '
        f'value="{site_pk}"><label for="{e(number.id_for_label)}">{t["Card number"]}</label>'
        f'<div class="desk-row">{number}<button type="submit" class="button primary '
        f'desk-go">{t["Check"]}</button></div><p class="help" id="number_help">'
        f"{t['Type, scan or paste the number (or scan the mobile card) and press Enter.']}"
        f"</p></form>{t['offline texts']}"
    )
    if answer:
        out.append(_answer(t, answer, form))
    if form:
        community = answer.is_community
        heading = t["Record: staff member's ticket" if community else "Record: holder's ticket"]
        hidden = "".join(str(field) for field in form.hidden_fields())
        out.append(
            f'<form method="post" action="{t["record"]}" class="desk-record" id="desk-record">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{e(csrf_token)}">'
            f'<input type="hidden" name="site" value="{site_pk}"><h2>{heading}</h2>{hidden}'
            f'{record_fields}<button type="submit" class="button primary desk-go">'
            f"{t['Record use']}</button></form>"
        )
    out.append(t["queue"].replace(_CSRF, e(csrf_token)))
    out.append(f'<template id="desk-offline-form">{offline_form}</template>')
    if recent:
        out.append(f'<h2>{t["Today at this site"]}</h2><ul class="desk-recent">')
        for use in recent:
            out.append(f"<li>{e(use.number)} · {e(use.what)}")
            if use.children:
                out.append(f" · +{e(use.children)}")
            if use.cancelled:
                out.append(f" · {t['cancelled']}")
            out.append("</li>")
        out.append(
            f'</ul><p><a href="{t["uses"]}?site={site_pk}">{t["All uses and cancelling"]}</a></p>'
        )
    # as the template's `{% spaceless %}`: no white space between tags
    return mark_safe(strip_spaces_between_tags("".join(out)))  # noqa: S308 - escaped above


def _answer(t: dict, answer, form) -> str:
    e = escape
    valid = answer.is_valid
    verdict = (
        f'<span aria-hidden="true">✓</span> {t["VALID"]}'
        if valid
        else f'<span aria-hidden="true">✗</span> {t["NOT VALID"]}'
    )
    out = [
        f'<section class="desk-answer {"desk-ok" if valid else "desk-bad"}" '
        f'aria-live="polite" aria-labelledby="verdict" data-status="{e(answer.status)}">'
        f'<p id="verdict" class="desk-verdict">{verdict}</p>'
        f'<p class="desk-reason">{e(answer.reason)}</p><dl class="facts">'
        f'<dt>{t["Card"]}</dt><dd class="desk-num">{e(answer.number)}</dd>'
    ]
    if answer.kind:
        kind = t["Community card" if answer.is_community else "Personal card"]
        out.append(f"<dt>{t['Kind']}</dt><dd>{kind}</dd>")
    if answer.valid_until:
        until = e(date_format(answer.valid_until, "SHORT_DATE_FORMAT"))
        out.append(f"<dt>{t['Valid until']}</dt><dd>{until}</dd>")
    if valid and not answer.is_community:
        out.append(f"<dt>{t['Children registered']}</dt><dd>{e(answer.children_max)}</dd>")
    if answer.replaced_by:
        out.append(f'<dt>{t["New card"]}</dt><dd class="desk-num">{e(answer.replaced_by)}</dd>')
    out.append("</dl>")
    if form:
        focus = "" if form.is_bound else " autofocus"
        out.append(
            f'<p class="desk-record-now"><button type="submit" form="desk-record" '
            f'class="button primary desk-go"{focus}>{t["Record use"]}</button>\n    '
            f'<span class="help">'
            f"{t['Enter records; change the details below first if needed.']}"
            f"</span></p>"
        )
    out.append("</section>")
    return "".join(out)
