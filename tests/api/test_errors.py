"""One error shape, messages in the request's language, rate limits, unknown routes."""

import pytest

from tests.conftest import sign_in


@pytest.mark.parametrize(("header", "language", "message"), [
    ("sv", "sv", "Kontrollera det här värdet."),
    ("sv-FI,sv;q=0.9,en;q=0.5", "sv", "Kontrollera det här värdet."),
    ("en-GB", "en", "Check this value."),
    ("de, en;q=0.3", "en", "Check this value."),
    ("fi", "fi", "Tarkista tämä arvo."),
    ("en;q=0.2, sv;q=0.8", "sv", "Kontrollera det här värdet."),
])
def test_message_follows_accept_language(keys, api, header, language, message):
    response = api(keys.venue, header).get("/uses", {"site": "x"})
    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "message": message, "field": "site"}
    assert response["Content-Language"] == language


def test_finnish_is_the_default(keys, api, settings):
    settings.LANGUAGE_CODE = "fi"
    response = api().get("/offers")
    assert response.json()["message"].startswith("Anna voimassa oleva API-avain")
    assert response["Content-Language"] == "fi"


def test_unknown_route_and_method(keys, api):
    response = api(keys.venue).get("/nothing/here")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert response["Content-Type"] == "application/json"
    response = api(keys.venue).delete("/offers")
    assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"
    assert response["Allow"] == "GET"


def test_session_login_is_not_an_api_key(cast, client):
    sign_in(client, cast.national)
    response = client.get("/api/v1/offers")
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"


def test_rate_limit_429_with_retry_after(keys, api, settings, monkeypatch):
    settings.KAIKUKANTA_API_RATE_LIMIT = 3
    venue = api(keys.venue)
    assert [venue.get("/offers").status_code for _ in range(3)] == [200, 200, 200]
    response = venue.get("/offers")
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response["Retry-After"] in response.json()["message"]
    # per key: another key of the same organisation is not affected
    assert api(keys.read_only).get("/offers").status_code == 200
    # a new window starts again
    import time
    from types import SimpleNamespace

    from kaikukanta.api import services

    later = time.time() + services.rate_limit()[1]
    monkeypatch.setattr(services, "time", SimpleNamespace(time=lambda: later))
    assert venue.get("/offers").status_code == 200


def test_rate_limit_message_in_swedish(keys, api, settings):
    settings.KAIKUKANTA_API_RATE_LIMIT = 0
    response = api(keys.venue, "sv").get("/offers")
    assert response.status_code == 429
    assert response.json()["message"].startswith("För många förfrågningar")


def test_read_only_key_cannot_write(keys, api):
    """Every write endpoint answers 403 read_only_key to a read-only key (see the matrix)."""
    from tests.api.conftest import api_routes

    writes = [(m, p) for m, p in api_routes() if m in ("POST", "DELETE")]
    assert len(writes) == 4
    for method, pattern in writes:
        path = pattern.replace("{use_id}", "1").replace("{number}", "K7M4-9QX2")
        reader = api(keys.read_only)
        response = reader.post(path, {}) if method == "POST" else reader.delete(path)
        assert response.status_code == 403, (method, path)
        assert response.json()["code"] == "read_only_key"


def test_unexpected_failure_is_a_json_500(keys, api, monkeypatch):
    from kaikukanta.api import endpoints

    def boom(*args):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(endpoints, "page_of", boom)
    response = api(keys.venue, "en").get("/offers")
    assert response.status_code == 500
    assert response.json() == {"code": "server_error",
                               "message": "Something went wrong on our side. Try again later.",
                               "field": None}
    assert "fire" not in response.content.decode()


def test_every_api_error_code_is_defined_once():
    from kaikukanta.api import errors
    from kaikukanta.lib.errors import ERROR_CODES

    ours = {cls.code for cls in vars(errors).values()
            if isinstance(cls, type) and issubclass(cls, errors.DomainError)
            and cls is not errors.DomainError}
    assert ours == {"unauthorized", "read_only_key", "rate_limited", "not_found",
                    "method_not_allowed", "idempotency_conflict", "server_error",
                    "api_key_label_taken", "wrong_key_kind", "request_too_large"}
    assert all(ERROR_CODES[code].__module__ == "kaikukanta.api.errors" for code in ours)
