"""The API's JSON endpoints pass by the staff pages' middleware (api/middleware.py): no
session is read or written, no CSRF or messages cookie is set, and a staff session in the
same browser changes nothing; the security headers, the language and the key's own rules
stay. The API's human pages under the same prefix keep the whole chain."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kaikukanta.api.middleware import is_api_call
from kaikukanta.usage.models import LookupLog
from tests.api.conftest import api_routes
from tests.conftest import sign_in
from tests.factories import make_card


def test_every_json_endpoint_is_an_api_call_and_no_page_is():
    paths = {path.replace("{", "").replace("}", "") for _method, path in api_routes()}
    assert paths
    for path in paths:
        assert is_api_call("/api/v1" + path), path
    assert is_api_call("/api/v1/no/such/thing")  # the JSON 404
    for name, kwargs in (
        ("docs", {}),
        ("openapi", {}),
        ("key_list", {}),
        ("key_organisation", {"pk": 1}),
        ("key_revoke", {"pk": 1}),
    ):
        assert not is_api_call(reverse(f"api:{name}", kwargs=kwargs)), name
    for page in ("/venue/desk/", "/accounts/login/", "/api/public/v1/offers", "/"):
        assert not is_api_call(page)


def test_an_api_call_reads_and_sets_no_session_and_keeps_its_headers(cast, keys):
    card = make_card(cast.a.unit)
    browser = sign_in(Client(), cast.a.venue)  # a staff session in the same browser
    before = browser.session.session_key
    r = browser.get(
        f"/api/v1/cards/{card.display_number}",
        headers={"Authorization": f"Bearer {keys.venue}", "Accept-Language": "sv"},
    )
    assert r.status_code == 200, r.content
    assert not r.cookies  # no session, CSRF or messages cookie
    assert r["Cache-Control"] == "no-store"
    assert "default-src 'self'" in r["Content-Security-Policy"]
    assert r["X-Frame-Options"] == "DENY"
    assert r["X-Content-Type-Options"] == "nosniff"
    # the key acted (its organisation's look-up is logged), not the signed-in person
    assert LookupLog.objects.filter(number=card.number).count() == 1
    unknown = browser.get(
        "/api/v1/cards/ABCD-2346",
        headers={"Authorization": "Bearer wrong", "Accept-Language": "sv"},
    )
    assert unknown.status_code == 401
    assert unknown.json()["code"] == "unauthorized" and not unknown.cookies
    assert (
        unknown.json()["message"]
        != Client()
        .get(
            "/api/v1/cards/ABCD-2346",
            headers={"Authorization": "Bearer wrong", "Accept-Language": "en"},
        )
        .json()["message"]
    )
    assert browser.session.session_key == before  # the staff session is untouched


@pytest.mark.parametrize("name,kwargs", [("key_list", {}), ("docs", {})])
def test_the_api_pages_keep_the_whole_chain(cast, name, kwargs):
    browser = sign_in(Client(), cast.national)
    r = browser.get(reverse(f"api:{name}", kwargs=kwargs))
    assert r.status_code == 200
    assert "csrftoken" in r.cookies or name == "docs"
    assert f"<span>{cast.national.name}</span>" in r.content.decode()
