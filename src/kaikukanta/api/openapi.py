"""The OpenAPI 3 document of the partner API, written by hand as a Python dict.

`tests/api/test_openapi.py` checks that every route in `urls.py` is here and the other
way round, and a schemathesis run checks the answers against these schemas. The human
reference page (`/api/v1/`) is rendered from the same dict by `reference()`.
"""

from __future__ import annotations

import copy
from typing import Any

VERSION = "1.0.0"

NULLABLE_STR = {"type": "string", "nullable": True}
NULLABLE_INT = {"type": "integer", "nullable": True}
DATE = {"type": "string", "format": "date"}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "description": "Every error has this shape. `code` is stable; `message` is in the "
                       "language of Accept-Language; `field` names the input it concerns.",
        "required": ["code", "message", "field"],
        "properties": {
            "code": {"type": "string", "example": "card_expired"},
            "message": {"type": "string"},
            "field": NULLABLE_STR,
        },
        "additionalProperties": False,
    },
    "Offer": {
        "type": "object",
        "required": ["id", "title", "venue", "site", "category", "kind", "starts_on",
                     "ends_on", "children_allowed", "cap_per_date", "restrictions", "status"],
        "properties": {
            "id": {"type": "integer"},
            "title": {
                "type": "object", "required": ["fi", "sv", "en"],
                "properties": {"fi": {"type": "string"}, "sv": {"type": "string"},
                               "en": {"type": "string"}},
            },
            "venue": {"$ref": "#/components/schemas/Named"},
            "site": {"$ref": "#/components/schemas/Named"},
            "category": {"type": "string",
                         "enum": ["culture", "education", "science", "sports"]},
            "kind": {"type": "string",
                     "enum": ["event", "admission", "course", "course_season"]},
            "starts_on": {**DATE, "nullable": True},
            "ends_on": {**DATE, "nullable": True},
            "children_allowed": {"type": "boolean"},
            "cap_per_date": {**NULLABLE_INT, "description": "Kaikukortti tickets per event "
                                                             "date; null for no limit."},
            "restrictions": {"type": "string"},
            "status": {"type": "string", "enum": ["active", "hidden", "ended"]},
        },
        "additionalProperties": False,
    },
    "Named": {
        "type": "object", "required": ["id", "name"],
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
        "additionalProperties": False,
    },
    "Use": {
        "type": "object",
        "required": ["id", "card", "offer", "venue", "site", "seller", "category", "event_date",
                     "children", "companion", "status", "source", "recorded_at",
                     "cancelled_at"],
        "properties": {
            "id": {"type": "integer"},
            "card": {"type": "string", "example": "K7M4-9QX2"},
            "offer": NULLABLE_INT,
            "venue": {"type": "integer"},
            "site": {"type": "integer"},
            "seller": {**NULLABLE_INT, "description": "The ticket seller that recorded it."},
            "category": {"type": "string",
                         "enum": ["culture", "education", "science", "sports"]},
            "event_date": DATE,
            "children": {"type": "integer", "minimum": 0},
            "companion": {"type": "boolean"},
            "status": {"type": "string", "enum": ["recorded", "cancelled"]},
            "source": {"type": "string", "enum": ["desk", "backfill", "import", "api"]},
            "recorded_at": {"type": "string", "format": "date-time"},
            "cancelled_at": {"type": "string", "format": "date-time", "nullable": True},
        },
        "additionalProperties": False,
    },
}


def _page_of(ref: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["count", "next", "previous", "results"],
        "properties": {
            "count": {"type": "integer", "minimum": 0},
            "next": {**NULLABLE_STR, "format": "uri"},
            "previous": {**NULLABLE_STR, "format": "uri"},
            "results": {"type": "array", "items": {"$ref": ref}},
        },
        "additionalProperties": False,
    }


SCHEMAS["OfferPage"] = _page_of("#/components/schemas/Offer")
SCHEMAS["UsePage"] = _page_of("#/components/schemas/Use")


def _error(description: str, headers: dict | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if headers:
        out["headers"] = headers
    return out


RESPONSES: dict[str, Any] = {
    "Invalid": _error("`invalid` (with `field`) or a business rule's code."),
    "Unauthorized": _error("`unauthorized`: no key, a wrong key or a revoked key."),
    "ReadOnly": _error("`read_only_key`: the key may only read."),
    "NotInScope": _error("`not_in_scope`: the object is not in the key's organisation's "
                         "scope, or does not exist."),
    "RateLimited": _error(
        "`rate_limited`: too many requests for this key; wait `Retry-After` seconds.",
        {"Retry-After": {"schema": {"type": "integer"},
                         "description": "Seconds until requests are accepted again."}},
    ),
}

PAGE_PARAMS = [
    {"name": "page", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {"name": "page_size", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
]


def _ok(description: str, schema_ref: str, status: str = "200") -> dict[str, Any]:
    return {status: {"description": description, "content": {
        "application/json": {"schema": {"$ref": schema_ref}}}}}


def _common(*extra: str) -> dict[str, Any]:
    out = {
        "400": {"$ref": "#/components/responses/Invalid"},
        "401": {"$ref": "#/components/responses/Unauthorized"},
        "404": {"$ref": "#/components/responses/NotInScope"},
        "429": {"$ref": "#/components/responses/RateLimited"},
    }
    for status in extra:
        out[status] = {"$ref": {"403": "#/components/responses/ReadOnly"}[status]}
    return out


READ_PATHS: dict[str, Any] = {
    "/offers": {
        "get": {
            "operationId": "offer_list",
            "summary": "List the organisation's offers",
            "description": "A venue key sees its own offers; a ticket-seller key sees the "
                           "offers of the venues that approved it. Distributor keys see none.",
            "parameters": [
                {"name": "site", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 1},
                 "description": "Only offers at this site."},
                {"name": "status", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": ["active", "hidden", "ended"]}},
                *PAGE_PARAMS,
            ],
            "responses": {**_ok("A page of offers.", "#/components/schemas/OfferPage"),
                          **_common()},
            "x-error-codes": ["invalid", "unauthorized", "not_in_scope", "rate_limited"],
        },
    },
    "/uses": {
        "get": {
            "operationId": "use_list",
            "summary": "List the organisation's uses",
            "description": "A venue key sees the uses at its sites; a ticket-seller key sees "
                           "the uses it recorded. Newest event date first.",
            "parameters": [
                {"name": "date_from", "in": "query", "required": False, "schema": DATE,
                 "description": "First event date (inclusive)."},
                {"name": "date_to", "in": "query", "required": False, "schema": DATE,
                 "description": "Last event date (inclusive)."},
                {"name": "site", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 1}},
                {"name": "offer", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 1}},
                {"name": "status", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": ["recorded", "cancelled"]}},
                *PAGE_PARAMS,
            ],
            "responses": {**_ok("A page of uses.", "#/components/schemas/UsePage"),
                          **_common()},
            "x-error-codes": ["invalid", "unauthorized", "not_in_scope", "rate_limited"],
        },
    },
}

WRITE_PATHS: dict[str, Any] = {}


def document() -> dict[str, Any]:
    """A fresh copy of the whole document."""
    return copy.deepcopy({
        "openapi": "3.0.3",
        "info": {
            "title": "Kaikukanta partner API",
            "version": VERSION,
            "description": (
                "For ticket sellers, venue systems and distributor systems. Authenticate with "
                "`Authorization: Bearer <key>`; a key is made by the organisation's area "
                "coordinator. Errors share one shape (`Error`) with a stable `code`; messages "
                "follow `Accept-Language` (fi by default, sv, en). Nothing about a cardholder "
                "is ever returned."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": {**READ_PATHS, **WRITE_PATHS},
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
            "responses": RESPONSES,
        },
    })


def _resolve(doc: dict[str, Any], obj: Any) -> Any:
    while isinstance(obj, dict) and "$ref" in obj:
        node: Any = doc
        for part in obj["$ref"].lstrip("#/").split("/"):
            node = node[part]
        obj = node
    return obj


def _type_label(doc, schema) -> str:
    schema = _resolve(doc, schema)
    label = schema.get("format") or schema.get("type", "object")
    if "enum" in schema:
        label += ": " + ", ".join(str(v) for v in schema["enum"])
    return label


def reference(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The operations flattened for the HTML reference page."""
    out = []
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            params = [
                {"name": p["name"], "where": p["in"], "required": p.get("required", False),
                 "type": _type_label(doc, p["schema"]), "description": p.get("description", "")}
                for p in (_resolve(doc, p) for p in op.get("parameters", []))
            ]
            body = []
            if "requestBody" in op:
                schema = _resolve(doc, op["requestBody"]["content"]["application/json"]
                                  ["schema"])
                for name, prop in schema.get("properties", {}).items():
                    body.append({"name": name, "required": name in schema.get("required", []),
                                 "type": _type_label(doc, prop),
                                 "description": _resolve(doc, prop).get("description", "")})
            responses = [{"status": status, "description": _resolve(doc, r)["description"]}
                         for status, r in op["responses"].items()]
            out.append({
                "id": op["operationId"], "method": method.upper(),
                "path": doc["servers"][0]["url"] + path, "summary": op["summary"],
                "description": op.get("description", ""), "parameters": params,
                "body": body, "responses": responses, "codes": op.get("x-error-codes", []),
            })
    return out
