"""Issue 11 §5, "Robustness of the API": deeply nested JSON, too large bodies and an
unreachable database answer with the error shape (400 `invalid`, 413, 503 with
Retry-After), never 500. The 503 answer covers the HTML pages too."""

from __future__ import annotations

import contextlib
import json
import uuid
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from kaikukanta.usage.models import Use
from tests.api.conftest import use_body
from tests.conftest import sign_in
from tests.factories import make_card


@contextlib.contextmanager
def database_down():
    """Every new query fails the way a restarting PostgreSQL makes it fail."""
    def refuse(self):
        raise OperationalError("connection to server failed: Connection refused")

    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", refuse):
        yield


def _is_error_shape(response, status, code, field=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == code and response.json()["field"] == field
    assert set(response.json()) == {"code", "message", "field"}


@pytest.mark.parametrize("body", [
    "[" * 20_000 + "]" * 20_000,
    '{"card": ' + "[" * 20_000 + "]" * 20_000 + "}",
    '{"card": "K7M4-9QX2", "x": ' + '{"a": ' * 8_000 + "1" + "}" * 8_001,
])
def test_issue11_s5_deeply_nested_json_is_400_invalid(keys, api, body):
    """Nesting deeper than the parser's recursion limit (bodies within the size limit)."""
    assert len(body) < 64 * 1024
    response = api(keys.venue).post("/uses", body, **{"Idempotency-Key": "deep"})
    _is_error_shape(response, 400, "invalid", "body")
    assert not Use.objects.exists()


def test_issue11_s5_30_mb_body_is_413(keys, api):
    body = json.dumps({"card": "K7M4-9QX2", "padding": "x" * (30 * 1024 * 1024)})
    response = api(keys.venue, "en").post("/uses", body, **{"Idempotency-Key": "big"})
    _is_error_shape(response, 413, "request_too_large", "body")
    assert response.json()["message"] == "The request is too large: at most 65536 bytes."


def test_issue11_s5_body_over_the_api_limit_is_413(cast, keys, offers, api, settings):
    """The API's own limit (KAIKUKANTA_API_MAX_BODY) is far below Django's: a body just
    over it is refused, one just under it is read."""
    settings.KAIKUKANTA_API_MAX_BODY = 2000
    body = use_body(make_card(cast.a.unit), offers.a)
    padded = json.dumps({**body, "note": "x" * 2000})
    response = api(keys.venue, "sv").post("/uses", padded, **{"Idempotency-Key": "k1"})
    _is_error_shape(response, 413, "request_too_large", "body")
    assert response.json()["message"].startswith("Begäran är för stor")
    fits = json.dumps({**body, "note": "x" * 1500})
    assert api(keys.venue).post("/uses", fits, **{"Idempotency-Key": "k2"}).status_code == 201


def test_issue11_s5_database_unreachable_api_503_then_retry(cast, keys, offers, api):
    """While the database is down a write answers 503 with Retry-After and the error
    shape; the partner's retry with the same Idempotency-Key then records exactly once."""
    card = make_card(cast.a.unit)
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    venue = api(keys.venue, "en")
    with database_down():
        response = venue.post("/uses", use_body(card, offers.a), **headers)
        _is_error_shape(response, 503, "service_unavailable")
        assert response["Retry-After"] == "10"
        assert response.json()["message"] == ("The service is briefly unavailable. Try again "
                                              "in 10 seconds.")
        read = venue.get("/offers")
        _is_error_shape(read, 503, "service_unavailable")
    assert not Use.objects.exists()
    first = venue.post("/uses", use_body(card, offers.a), **headers)
    again = venue.post("/uses", use_body(card, offers.a), **headers)
    assert first.status_code == again.status_code == 201
    assert Use.objects.count() == 1


def test_issue11_s5_database_unreachable_pages_503(cast):
    """Pages answer a plain translated 503 page that needs no database: from a view
    (signing in) and from a middleware (reading a signed-in user's session)."""
    anonymous = Client(raise_request_exception=False, headers={"Accept-Language": "sv"})
    signed_in = Client(raise_request_exception=False, headers={"Accept-Language": "fi"})
    sign_in(signed_in, cast.a.culture)
    with database_down():
        from_view = anonymous.post("/accounts/login/", {"username": "a@b.test",
                                                         "password": "x" * 12})
        from_middleware = signed_in.get("/accounts/")
    for response, text in ((from_view, "Tjänsten är tillfälligt otillgänglig"),
                           (from_middleware, "Palvelu on hetken poissa käytöstä")):
        assert response.status_code == 503
        assert response["Retry-After"] == "10"
        assert response["Content-Type"].startswith("text/html")
        body = response.content.decode()
        assert text in body
        assert "<script" not in body and "style=" not in body


def test_issue11_s5_other_failures_stay_500():
    """Only the database's own failures become 503; anything else is still a 500."""
    from django.test import RequestFactory

    from kaikukanta.lib import unavailable

    request = RequestFactory().get("/accounts/")
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        response = unavailable.server_error(request)
    assert response.status_code == 500
