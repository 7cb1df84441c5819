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
from kaikukanta.wsgi import application
from tests.api.conftest import make_offer, make_use
from tests.factories import make_card

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

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
    key = api_key_create(actor=None, organisation=cast.a.venue_org, label="fuzz",
                         can_write=True)[1]
    return {"Authorization": f"Bearer {key}"}


@schema.parametrize()
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
@pytest.mark.django_db
def test_api_conforms_to_its_document(case, venue_headers):
    case.call_and_validate(app=application, headers=venue_headers, checks=CHECKS)
