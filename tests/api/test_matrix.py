"""The permission matrix: every endpoint × key kind × scope, one row each.

Key kinds: venue, ticket seller, distributor (all read-write, area a), read-only (venue
a), revoked, none; scope: the same keys of area b against area a's objects. A new route
without rows here fails `test_every_route_has_rows`.
"""

from __future__ import annotations

import uuid

import pytest

from kaikukanta.lib.scope import SYSTEM
from tests.api.conftest import api_routes, use_body
from tests.factories import make_card

# (method, route, expected status per key)
KINDS = ("venue", "seller", "distributor", "read_only", "revoked", "none",
         "venue_b", "seller_b", "distributor_b")
MATRIX = {
    ("GET", "/offers"):
        (200, 200, 200, 200, 401, 401, 200, 200, 200),
    ("GET", "/uses"):
        (200, 200, 200, 200, 401, 401, 200, 200, 200),
    ("GET", "/units"):
        (403, 403, 200, 403, 401, 401, 403, 403, 200),
    ("GET", "/sites"):
        (200, 200, 403, 200, 401, 401, 200, 200, 403),
    ("POST", "/uses"):
        (201, 201, 404, 403, 401, 401, 404, 404, 404),
    ("DELETE", "/uses/{use_id}"):
        (200, 404, 404, 403, 401, 401, 404, 404, 404),
    ("GET", "/cards/{number}"):
        (200, 200, 200, 200, 401, 401, 200, 200, 200),
    ("POST", "/cards"):
        (404, 404, 201, 403, 401, 401, 404, 404, 404),
    ("POST", "/cards/{number}/renew"):
        (404, 404, 200, 403, 401, 401, 404, 404, 404),
}
ROWS = [(method, path, kind, statuses[i])
        for (method, path), statuses in MATRIX.items() for i, kind in enumerate(KINDS)]


def test_every_route_has_rows():
    assert api_routes() == set(MATRIX)


@pytest.mark.parametrize(("method", "path", "kind", "expected"), ROWS)
def test_permission_matrix(cast, keys, offers, stock, api, method, path, kind, expected):
    """Objects are always area a's: a's offer, a's use, a's card, a's unit."""
    client = api(None if kind == "none" else getattr(keys, kind))
    card = make_card(cast.a.unit, children=1)
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    if path == "/uses" and method == "POST":
        response = client.post(path, use_body(card, offers.a), **headers)
    elif path == "/uses/{use_id}":
        from kaikukanta.usage.services import use_record

        use = use_record(scope=SYSTEM, site=cast.a.site, offer=offers.a,
                         event_date=card.issued_on, card_number=card.number)
        response = client.delete(f"/uses/{use.pk}")
    elif path == "/cards/{number}":
        response = client.get(f"/cards/{card.number}")
    elif path == "/cards":
        response = client.post(path, {"unit": cast.a.unit.pk, "number": stock[0],
                                      "birth_year": 1980, "postal_code": "02100",
                                      "children": 0}, **headers)
    elif path == "/cards/{number}/renew":
        response = client.post(f"/cards/{card.number}/renew", {}, **headers)
    else:
        response = client.get(path)
    assert response.status_code == expected, response.content
    body = response.json()
    if expected >= 400:
        assert set(body) == {"code", "message", "field"}
        # 403: a read-only key on a write, or a key of the wrong kind on a list for
        # one kind of organisation
        forbidden = "read_only_key" if method != "GET" else "wrong_key_kind"
        assert body["code"] == {401: "unauthorized", 403: forbidden,
                                404: "not_in_scope"}[expected]
