"""The page frame's constant parts are rendered once per language and reused
(`{% frozen %}`, lib/templatetags/frozen.py): each page still gets its own CSRF token, its
own address in the forms' `next`, its language, its text size, its menu and its name."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client

from tests.conftest import sign_in

DESK = "/venue/desk/"


def _frame_forms(body: str) -> dict[str, dict[str, str]]:
    forms = {}
    for action in ("/accounts/language/", "/accounts/text-size/"):
        form = body.split(f'action="{action}"')[1].split("</form>")[0]
        forms[action] = dict(re.findall(r'name="(csrfmiddlewaretoken|next)" value="([^"]*)"', form))
    return forms


def test_each_page_gets_its_own_next_address_and_a_working_csrf_token(cast):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    sign_in(first, cast.a.venue)
    sign_in(second, cast.b.venue)
    a = _frame_forms(first.get(DESK, {"site": cast.a.site.pk}).content.decode())
    b = _frame_forms(second.get(DESK, {"site": cast.b.site.pk, "x": '"<'}).content.decode())
    assert a["/accounts/language/"]["next"] == f"/venue/desk/?site={cast.a.site.pk}"
    assert b["/accounts/language/"]["next"] == (f"/venue/desk/?site={cast.b.site.pk}&amp;x=%22%3C")
    assert a["/accounts/text-size/"]["next"] == a["/accounts/language/"]["next"]
    # each page's token is its own session's: the other client's is refused
    token_a = a["/accounts/text-size/"]["csrfmiddlewaretoken"]
    token_b = b["/accounts/text-size/"]["csrfmiddlewaretoken"]
    assert token_a and token_b and "\ue000" not in token_a + token_b
    refused = second.post(
        "/accounts/text-size/", {"size": "large", "next": DESK, "csrfmiddlewaretoken": token_a}
    )
    assert refused.status_code == 403
    taken = second.post(
        "/accounts/text-size/", {"size": "large", "next": DESK, "csrfmiddlewaretoken": token_b}
    )
    assert taken.status_code == 302
    after = second.get(DESK, {"site": cast.b.site.pk}).content.decode()
    assert 'class="text-large"' in after
    assert re.search(r'value="large" class="link-button size-large" aria-current="true"', after)
    # the first client's frame, rendered from the same frozen parts, keeps its own size
    before = first.get(DESK, {"site": cast.a.site.pk}).content.decode()
    assert re.search(r'value="normal" class="link-button size-normal" aria-current="true"', before)


@pytest.mark.parametrize("order", [("fi", "sv", "en"), ("en", "sv", "fi")])
def test_the_frame_follows_each_requests_language(cast, settings, order):
    client = sign_in(Client(), cast.a.venue)
    texts = {
        "fi": ("Tekstin koko", "Vaihda salasana"),
        "sv": ("Textstorlek", "Byt lösenord"),
        "en": ("Text size", "Change password"),
    }
    for lang in order:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        body = client.get(DESK, {"site": cast.a.site.pk}).content.decode()
        assert f'<html lang="{lang}"' in body
        for text in texts[lang]:
            assert text in body, (lang, text)
        others = [t for other, ts in texts.items() if other != lang for t in ts]
        assert not [t for t in others if t in body]
        assert re.search(
            rf'value="{lang}" lang="{lang}"\s+class="link-button" '
            r'aria-current="true"',
            body,
        )


def test_the_menu_is_each_persons_own(cast):
    from django.urls import reverse

    venue = sign_in(Client(), cast.a.venue)
    national = sign_in(Client(), cast.national)
    home = reverse("accounts:home")
    v = venue.get(home).content.decode()
    n = national.get(home).content.decode()
    d = venue.get(DESK, {"site": cast.a.site.pk}).content.decode()
    assert f"<span>{cast.a.venue.name}</span>" in v and f"<span>{cast.national.name}</span>" in n
    assert f"<span>{cast.national.name}</span>" not in v
    menu = {
        page: re.findall(r'class="main-nav".*?</ul>', body, re.S)[0]
        for page, body in (("venue", v), ("national", n), ("desk", d))
    }
    assert menu["venue"] != menu["national"]
    # the same person's menu on another page marks that page
    assert 'aria-current="page"' not in menu["venue"].split(f'href="{DESK}"')[1][:30]
    assert f'href="{DESK}" aria-current="page"' in menu["desk"]


def test_a_frozen_part_is_reused_per_language_and_value_and_fills_the_holes():
    template = Template(
        "{% load frozen %}{% frozen on size with hole %}"
        "[{{ size }}|{{ hole }}|{{ other }}]{% endfrozen %}"
    )
    assert template.render(Context({"size": 1, "hole": "<a>", "other": "x"})) == ("[1|&lt;a&gt;|x]")
    # `other` is not named: the part rendered first is reused (that is the point)
    assert template.render(Context({"size": 1, "hole": "b", "other": "y"})) == "[1|b|x]"
    assert template.render(Context({"size": 2, "hole": "c", "other": "y"})) == "[2|c|y]"


def test_a_frozen_part_may_not_hold_a_block():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load frozen %}{% frozen %}{% block x %}{% endblock %}{% endfrozen %}")
