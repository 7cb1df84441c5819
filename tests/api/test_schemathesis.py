"""Fuzz the API from its OpenAPI document (schemathesis, part of `make test`).

Every operation is called with generated valid and invalid input through the WSGI app;
each answer must be a non-5xx response that the document describes (status, headers,
JSON schema). A venue key of area a with offers and uses is the caller.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from kaikukanta.api.services import api_key_create
from kaikukanta.lib.scope import SYSTEM
from kaikukanta.wsgi import application
from tests.api.conftest import make_offer, make_use
from tests.factories import make_card

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# the WSGI client does not unpack gzip (lib/compression.py; tests/api/test_compression.py)
IDENTITY = {"Accept-Encoding": "identity"}

# No server error, and every answer is one the document describes. (Whether invalid input
# is rejected is asserted by our own tests; unknown query parameters are ignored on purpose.)
CHECKS = [getattr(schemathesis.checks, name) for name in (
    "not_a_server_error", "status_code_conformance", "content_type_conformance",
    "response_schema_conformance", "response_headers_conformance",
)]


@pytest.fixture
def _keep_test_connection():
    """Like Django's test client: the WSGI app must not close the test's connection at
    the end of a request (that would end the test transaction on PostgreSQL)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def venue_headers(cast, settings, _keep_test_connection):
    settings.KAIKUKANTA_API_RATE_LIMIT = 100_000
    offer = make_offer(cast.a.site, "Näyttely")
    make_use(make_card(cast.a.unit), offer)
    key = api_key_create(scope=SYSTEM, organisation=cast.a.venue_org, label="fuzz",
                         can_write=True)[1]
    return {"Authorization": f"Bearer {key}", **IDENTITY}


@schema.parametrize()
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
@pytest.mark.django_db
def test_api_conforms_to_its_document(case, venue_headers):
    case.call_and_validate(app=application, headers=venue_headers, checks=CHECKS)


def test_successful_answers_conform_too(cast, stock, _keep_test_connection, settings):
    """Random input rarely succeeds, so call each operation once with good input and
    validate the successful answer against the document."""
    settings.KAIKUKANTA_API_RATE_LIMIT = 100_000
    offer = make_offer(cast.a.site, "Näyttely", cap_per_date=10)
    card = make_card(cast.a.unit, children=2)
    venue = api_key_create(scope=SYSTEM, organisation=cast.a.venue_org, label="ok",
                           can_write=True)[1]
    dist = api_key_create(scope=SYSTEM, organisation=cast.a.distributor_org, label="ok",
                          can_write=True)[1]
    today = card.issued_on.isoformat()

    def call(path, method, key, status, **kwargs):
        headers = {"Authorization": f"Bearer {key}", **IDENTITY, **kwargs.pop("headers", {})}
        case = schema[path][method].Case(headers=headers, **kwargs)
        response = case.call_and_validate(app=application, checks=CHECKS)
        assert response.status_code == status, response.text
        return response.json()

    use = call("/uses", "POST", venue, 201, headers={"Idempotency-Key": "u1"},
               body={"card": card.number, "offer": offer.pk, "event_date": today,
                     "children": 2, "companion": True})
    call("/uses", "GET", venue, 200, query={"date_from": today, "offer": offer.pk})
    call("/offers", "GET", venue, 200, query={"status": "active"})
    call("/cards/{number}", "GET", venue, 200, path_parameters={"number": card.number})
    call("/uses/{use_id}", "DELETE", venue, 200, path_parameters={"use_id": use["id"]})
    call("/cards", "POST", dist, 201,
         body={"unit": cast.a.unit.pk, "number": stock[0], "birth_year": 1980,
               "postal_code": "02100", "children": 1})
    call("/cards/{number}/renew", "POST", dist, 200, path_parameters={"number": stock[0]},
         body={})
    assert call("/units", "GET", dist, 200)["results"]
    assert call("/sites", "GET", venue, 200, query={"page_size": 1})["next"]
    # the documented errors conform too: the wrong kind of key, a too large body
    call("/units", "GET", venue, 403)
    call("/uses", "POST", venue, 413, headers={"Idempotency-Key": "u2"},
         body={"card": "x" * 20, "event_date": today, "padding": "x" * 70_000})
