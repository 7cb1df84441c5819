"""The OpenAPI document matches the routes, and the reference page is rendered from it."""

import re

from kaikukanta.api.core import document
from tests.api.conftest import api_routes


def implemented():
    return {(path, method.lower()) for method, path in api_routes()}


def documented():
    return {(path, method) for path, ops in document()["paths"].items() for method in ops}


def test_every_route_is_documented_and_back():
    assert implemented() == documented()


def test_document_is_served_and_self_consistent(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.") and doc["paths"]
    text = response.content.decode()
    for ref in set(re.findall(r'"\$ref": "#/([^"]+)"', text)):
        node = doc
        for part in ref.split("/"):
            node = node[part]
    ids = [op["operationId"] for ops in doc["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))


def test_reference_page_lists_every_operation(client, db):
    body = client.get("/api/v1/").content.decode()
    assert body.count("<section") == len(documented())
    for path, method in documented():
        assert f"{method.upper()} /api/v1{path}" in body
    assert "<script>" not in body and "style=" not in body
    # body fields are listed, also those of an optional body (renew's `on`)
    for field in ("card", "event_date", "unit", "birth_year", "on"):
        assert f"<td><code>{field}</code></td>" in body, field


def test_every_documented_error_code_exists():
    from kaikukanta.lib.errors import ERROR_CODES

    for path, ops in document()["paths"].items():
        for method, op in ops.items():
            codes = set(op["x-error-codes"])
            assert codes and codes <= set(ERROR_CODES), (method, path, codes - set(ERROR_CODES))


def test_enums_come_from_the_models_choices():
    from kaikukanta.cards.models import CardKind
    from kaikukanta.usage.models import Category, OfferKind, OfferStatus, UseSource, UseStatus

    schemas = document()["components"]["schemas"]
    for choices in (Category, OfferKind, OfferStatus, UseSource, UseStatus, CardKind):
        assert schemas[choices.__name__]["enum"] == list(choices.values)
    assert schemas["Error"]["required"] == ["code", "message", "field"]
    assert schemas["Error"]["additionalProperties"] is False


def test_document_is_in_english_whatever_the_request_language(client):
    fi = client.get("/api/v1/openapi.json", headers={"Accept-Language": "fi"}).json()
    sv = client.get("/api/v1/openapi.json", headers={"Accept-Language": "sv"}).json()
    assert fi == sv
    assert fi["paths"]["/units"]["get"]["summary"].startswith("List the distributor's units")
