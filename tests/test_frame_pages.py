"""The page frame: title separator, 404 and 500 pages in the site's frame and language."""

import pytest
from django.test import Client


def test_title_has_a_separator(client):
    body = client.get("/accounts/login/").content.decode()
    assert " – Kaikukanta</title>" in body


@pytest.mark.parametrize("lang,heading", [("fi", "Sivua ei löydy"), ("sv", "Sidan finns inte"),
                                          ("en", "Page not found")])
def test_404_in_the_frame_and_language(client, settings, lang, heading):
    settings.DEBUG = False
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    r = client.get("/no/such/page/")
    body = r.content.decode()
    assert r.status_code == 404
    assert f'<html lang="{lang}"' in body and heading in body
    assert 'class="site-header"' in body and 'href="/"' in body


def test_500_in_the_frame_with_a_way_back(settings):
    from django.urls import path

    from kaikukanta import urls

    def boom(request):
        raise RuntimeError("boom")

    settings.DEBUG = False
    urls.urlpatterns.append(path("issue15-boom/", boom))
    try:
        r = Client(raise_request_exception=False).get("/issue15-boom/",
                                                      HTTP_ACCEPT_LANGUAGE="en")
    finally:
        urls.urlpatterns.pop()
    body = r.content.decode()
    assert r.status_code == 500
    assert "Something went wrong" in body and 'class="site-header"' in body
    assert 'href="/"' in body


def test_swedish_names_the_card_one_way():
    """Swedish says "Kaikukort" (Kaikukortet, Kaikukortsbiljetter), never the Finnish
    "Kaikukortti" or a hyphenated "Kaikukort-utbud" / "Kaikukortti-mål"."""
    import re
    from pathlib import Path

    import polib

    src = Path(__file__).resolve().parents[1] / "src" / "kaikukanta"
    bad = []
    for po in src.glob("**/locale/sv/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(po)):  # whole translations, not only their first line
            texts = [entry.msgstr, *entry.msgstr_plural.values()]
            bad += [f"{po.parents[3].name}: {t}" for t in texts
                    if re.search(r"Kaikukortti|Kaikukort-", t)]
    assert not bad, bad
