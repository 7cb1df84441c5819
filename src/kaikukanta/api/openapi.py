"""The OpenAPI 3 document of the partner API, written by hand as a Python dict.

`tests/api/test_openapi.py` checks that every route in `urls.py` is here and the other
way round, and a schemathesis run checks the answers against these schemas. The human
reference page (`/api/v1/`) is rendered from the same dict by `reference()`.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from django.utils.html import escape
from django.utils.safestring import mark_safe

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


SCHEMAS["Card"] = {
    "type": "object",
    "description": "The desk answer about a card: its validity only, nothing about the holder.",
    "required": ["number", "status", "valid_until", "children_max", "kind", "replaced_by",
                 "message"],
    "properties": {
        "number": {"type": "string", "example": "K7M4-9QX2"},
        "status": {"type": "string",
                   "enum": ["valid", "expired", "inactive", "replaced", "unknown"]},
        "valid_until": {**DATE, "nullable": True},
        "children_max": {"type": "integer", "minimum": 0,
                         "description": "Children's tickets (community card: clients under "
                                        "16) that may be given with one use."},
        "kind": {"type": "string", "enum": ["personal", "community"], "nullable": True},
        "replaced_by": {**NULLABLE_STR, "description": "The newer card's number."},
        "message": {"type": "string", "description": "The answer for the desk, in the "
                                                     "language of Accept-Language."},
    },
    "additionalProperties": False,
}
SCHEMAS["UseCreate"] = {
    "type": "object",
    "required": ["card", "event_date"],
    "properties": {
        "card": {"type": "string", "maxLength": 20, "example": "K7M4-9QX2",
                 "description": "The card number, with or without the dash."},
        "offer": {"type": "integer", "minimum": 1,
                  "description": "The offer (its site is used). Give `offer` or `site`."},
        "site": {"type": "integer", "minimum": 1,
                 "description": "A site for an admission without an offer; needs `category`."},
        "category": {"type": "string", "enum": ["culture", "education", "science", "sports"],
                     "description": "Only with `site` and no `offer`."},
        "event_date": {**DATE, "description": "The day of the event or visit."},
        "children": {"type": "integer", "minimum": 0, "maximum": 99, "default": 0,
                     "description": "Children's tickets given with this use."},
        "companion": {"type": "boolean", "default": False,
                      "description": "A companion ticket was given."},
    },
}
SCHEMAS["CardCreate"] = {
    "type": "object",
    "required": ["unit", "number", "birth_year", "postal_code"],
    "properties": {
        "unit": {"type": "integer", "minimum": 1,
                 "description": "One of the distributor's units (ids on the key page)."},
        "number": {"type": "string", "maxLength": 20, "example": "K7M4-9QX2",
                   "description": "The printed card's number (from the area's stock)."},
        "birth_year": {"type": "integer", "minimum": 1, "maximum": 9999},
        "postal_code": {"type": "string", "maxLength": 10, "example": "02100"},
        "children": {"type": "integer", "minimum": 0, "maximum": 99, "default": 0,
                     "description": "Minor children in the household."},
        "gender": {"type": "string", "maxLength": 40, "description": "Optional."},
        "life_situation": {"type": "string", "maxLength": 40, "description": "Optional."},
        "preferred_language": {"type": "string", "maxLength": 10, "description": "Optional."},
        "issued_on": {**DATE, "description": "Default today; a paper form may be entered "
                                             "afterwards."},
    },
}
SCHEMAS["CardRenew"] = {
    "type": "object",
    "properties": {
        "on": {**DATE, "description": "The renewal date; default today."},
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

IDEMPOTENCY_HEADER = {
    "name": "Idempotency-Key", "in": "header",
    "schema": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[!-~]+$"},
    "description": "A unique value per intended write (for example a UUID). A retry with "
                   "the same key returns the first response and never writes twice.",
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

def _body(ref: str, required: bool = True) -> dict[str, Any]:
    return {"required": required,
            "content": {"application/json": {"schema": {"$ref": ref}}}}


CONFLICT = {"409": _error("A conflict with the current state (the error's `code` says which)."
                          " Also `idempotency_conflict`: the Idempotency-Key was used for a "
                          "different request.")}
NUMBER_PARAM = {"name": "number", "in": "path", "required": True,
                "schema": {"type": "string", "maxLength": 20}, "example": "K7M4-9QX2"}

WRITE_PATHS: dict[str, Any] = {
    "/cards/{number}": {
        "get": {
            "operationId": "card_detail",
            "summary": "Look a card up (the desk answer)",
            "description": "Whether the card can be used today: status, valid until, how many "
                           "children's tickets, personal or community card. Nothing about the "
                           "holder. An unknown number answers status `unknown`; many unknown "
                           "numbers in a short time are refused with `lookup_throttled` (429).",
            "parameters": [NUMBER_PARAM],
            "responses": {**_ok("The desk answer.", "#/components/schemas/Card"),
                          **_common()},
            "x-error-codes": ["card_number_invalid", "card_check_character",
                              "lookup_throttled", "unauthorized", "rate_limited"],
        },
    },
    "/uses": {
        "post": {
            "operationId": "use_record",
            "summary": "Record a use",
            "description": "Records one use of a card at an offer (or a site's admission) "
                           "with the same rules as the ticket desk. A ticket-seller key "
                           "records for the venues that approved it. Requires an "
                           "`Idempotency-Key` header.",
            "parameters": [{**IDEMPOTENCY_HEADER, "required": True}],
            "requestBody": _body("#/components/schemas/UseCreate"),
            "responses": {**_ok("The recorded use (a retry gets the same answer).",
                                "#/components/schemas/Use", "201"),
                          **_common("403"), **CONFLICT},
            "x-error-codes": [
                "invalid", "card_number_invalid", "card_check_character", "card_unknown",
                "card_expired", "card_inactive", "card_replaced", "card_not_yet_valid",
                "event_date_in_future", "event_date_too_old", "too_many_children",
                "children_not_allowed", "offer_not_available", "category_required",
                "offer_cap_reached", "already_recorded", "not_in_scope", "read_only_key",
                "idempotency_conflict", "unauthorized", "rate_limited"],
        },
    },
    "/uses/{use_id}": {
        "delete": {
            "operationId": "use_cancel",
            "summary": "Cancel a use",
            "description": "Cancels a use recorded by mistake, within the venue's cancel "
                           "window. The use stays in the list with status `cancelled`.",
            "parameters": [
                {"name": "use_id", "in": "path", "required": True,
                 "schema": {"type": "integer", "minimum": 1}},
                IDEMPOTENCY_HEADER,
            ],
            "responses": {**_ok("The cancelled use.", "#/components/schemas/Use"),
                          **_common("403"), **CONFLICT},
            "x-error-codes": ["cancel_window_passed", "already_cancelled", "not_in_scope",
                              "read_only_key", "unauthorized", "rate_limited"],
        },
    },
    "/cards": {
        "post": {
            "operationId": "card_register",
            "summary": "Register a card (distributor keys)",
            "description": "Registers a printed personal card for a holder at one of the "
                           "distributor's units, with the same rules as the registration "
                           "screen. The answer is the desk answer; holder facts are never "
                           "returned.",
            "parameters": [IDEMPOTENCY_HEADER],
            "requestBody": _body("#/components/schemas/CardCreate"),
            "responses": {**_ok("The registered card.", "#/components/schemas/Card", "201"),
                          **_common("403"), **CONFLICT,
                          "503": _error("`card_numbers_exhausted`.")},
            "x-error-codes": [
                "invalid", "card_number_invalid", "card_check_character", "card_unknown",
                "card_already_registered", "card_voided", "card_wrong_kind",
                "card_birth_year_invalid", "card_holder_too_young", "card_postal_code_invalid",
                "card_postal_code_unknown", "card_municipality_outside_network",
                "card_children_invalid", "card_choice_invalid", "card_date_in_future",
                "card_date_too_old", "not_in_scope", "read_only_key", "idempotency_conflict",
                "unauthorized", "rate_limited"],
        },
    },
    "/cards/{number}/renew": {
        "post": {
            "operationId": "card_renew",
            "summary": "Renew a card (distributor keys)",
            "description": "A new year of validity from the renewal date, for a card "
                           "registered at one of the distributor's units.",
            "parameters": [NUMBER_PARAM, IDEMPOTENCY_HEADER],
            "requestBody": _body("#/components/schemas/CardRenew", required=False),
            "responses": {**_ok("The renewed card.", "#/components/schemas/Card"),
                          **_common("403"), **CONFLICT},
            "x-error-codes": [
                "card_number_invalid", "card_check_character", "card_unknown",
                "card_not_active", "card_date_in_future", "card_date_too_old",
                "not_in_scope", "read_only_key", "idempotency_conflict", "unauthorized",
                "rate_limited"],
        },
    },
}


def _paths() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for group in (READ_PATHS, WRITE_PATHS):
        for path, ops in group.items():
            paths.setdefault(path, {}).update(ops)
    return paths


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
        "paths": _paths(),
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
            "responses": RESPONSES,
        },
    })


def _html(text: str) -> str:
    """Plain text with `code` spans, escaped for the reference page."""
    return mark_safe(re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text)))


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
                 "type": _type_label(doc, p["schema"]),
                 "description": _html(p.get("description", ""))}
                for p in (_resolve(doc, p) for p in op.get("parameters", []))
            ]
            body = []
            if "requestBody" in op:
                schema = _resolve(doc, op["requestBody"]["content"]["application/json"]
                                  ["schema"])
                for name, prop in schema.get("properties", {}).items():
                    body.append({"name": name, "required": name in schema.get("required", []),
                                 "type": _type_label(doc, prop),
                                 "description": _html(_resolve(doc, prop).get("description",
                                                                              ""))})
            responses = [{"status": status,
                          "description": _html(_resolve(doc, r)["description"])}
                         for status, r in op["responses"].items()]
            out.append({
                "id": op["operationId"], "method": method.upper(),
                "path": doc["servers"][0]["url"] + path, "summary": op["summary"],
                "description": _html(op.get("description", "")), "parameters": params,
                "body": body, "responses": responses, "codes": op.get("x-error-codes", []),
            })
    return out
