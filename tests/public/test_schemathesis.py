"""Fuzz the open-data API from its OpenAPI document, like the partner API
(tests/api/test_schemathesis.py): no server error, and every answer is one the document
describes."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from kaikukanta.wsgi import application
from tests.api.test_schemathesis import CHECKS, IDENTITY, _keep_test_connection  # noqa: F401
from tests.public.conftest import make_offer

schema = schemathesis.openapi.from_wsgi("/api/public/v1/openapi.json", application)


@pytest.fixture
def open_data(cast, settings, _keep_test_connection):  # noqa: F811
    settings.KAIKUKANTA_OPEN_DATA_RATE = 100_000
    make_offer(cast.a.site, "Näyttely", restrictions="<b>")
    return cast


@schema.parametrize()
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
@pytest.mark.django_db
def test_open_data_conforms_to_its_document(case, open_data):
    case.call_and_validate(app=application, headers=IDENTITY, checks=CHECKS)


def test_rate_limited_answer_conforms(cast, settings, _keep_test_connection):  # noqa: F811
    settings.KAIKUKANTA_OPEN_DATA_RATE = 1
    case = schema["/api/public/v1/areas"]["GET"].Case()
    def call():
        return case.call_and_validate(app=application, headers=IDENTITY, checks=CHECKS)

    assert call().status_code == 200
    assert call().status_code == 429
