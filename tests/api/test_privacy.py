"""No holder field ever appears in any API answer (nor in a stored answer)."""

from __future__ import annotations

import datetime
import json
import re
import uuid

from kaikukanta.api.models import IdempotentResponse
from kaikukanta.cards.models import HOLDER_FIELDS
from tests.api.conftest import use_body
from tests.factories import make_card

# "children" is also a use's number of children's tickets; on a card it is children_max.
FORBIDDEN = (set(HOLDER_FIELDS) - {"children"}) | {
    "birth_year", "postal_code", "gender", "life_situation", "municipality",
    "preferred_language", "name_of_holder", "birth_date", "address", "phone", "email",
}


def keys_of(value, out=None) -> set[str]:
    out = set() if out is None else out
    if isinstance(value, dict):
        for k, v in value.items():
            out.add(k)
            keys_of(v, out)
    elif isinstance(value, list):
        for v in value:
            keys_of(v, out)
    return out


def _year_in(text: str, year: int) -> bool:
    """The year as a value of its own, not digits inside a timestamp's microseconds or a
    card number (a run of 1966 in "…10:05:23.151966" is not the birth year)."""
    return re.search(rf"(?<![0-9A-Za-z]){year}(?![0-9A-Za-z])", text) is not None


def test_year_in_tells_a_value_from_digits_inside_another():
    assert _year_in('{"birth_year": 1966}', 1966)
    assert _year_in('{"year": "1966"}', 1966)
    assert not _year_in('{"at": "2026-11-30T10:05:23.151966+00:00"}', 1966)
    assert not _year_in('{"number": "K19660012"}', 1966)


def test_no_holder_field_in_any_answer(cast, keys, offers, stock, api):
    card = make_card(cast.a.unit, children=2, birth_year=1977, postal_code="02100")
    answers = []
    venue, seller, dist = api(keys.venue), api(keys.seller), api(keys.distributor)
    answers.append(venue.get(f"/cards/{card.number}"))
    answers.append(seller.get(f"/cards/{card.number}"))
    answers.append(dist.get(f"/cards/{card.number}"))
    answers.append(venue.post("/uses", use_body(card, offers.a, children=2),
                              **{"Idempotency-Key": str(uuid.uuid4())}))
    answers.append(venue.get("/uses"))
    answers.append(seller.get("/offers"))
    answers.append(venue.delete(f"/uses/{answers[-2].json()['results'][0]['id']}"))
    answers.append(dist.post("/cards", {"unit": cast.a.unit.pk, "number": stock[0],
                                        "birth_year": 1966, "postal_code": "02100",
                                        "children": 3, "gender": "woman"},
                             **{"Idempotency-Key": "reg-1"}))
    answers.append(dist.post(f"/cards/{card.number}/renew"))
    answers.append(dist.post("/cards", {"unit": cast.a.unit.pk, "number": stock[1],
                                        "birth_year": 1850, "postal_code": "02100"}))
    assert [a.status_code for a in answers] == [200, 200, 200, 201, 200, 200, 200, 201, 200,
                                                400]
    for answer in answers:
        found = keys_of(answer.json()) & FORBIDDEN
        assert not found, (answer.wsgi_request.path, found)
        text = answer.content.decode()
        assert not _year_in(text, 1977) and not _year_in(text, 1966), text
        assert "woman" not in text
    for card_answer in (answers[0], answers[7], answers[8]):
        assert "children" not in card_answer.json()
    for stored in IdempotentResponse.objects.all():
        assert not keys_of(json.loads(stored.body)) & FORBIDDEN
        assert not _year_in(stored.body, 1966)


def test_use_list_shows_no_card_facts(cast, keys, offers, api):
    card = make_card(cast.a.unit, children=2, birth_year=1977)
    api(keys.venue).post("/uses", use_body(card, offers.a),
                         **{"Idempotency-Key": str(uuid.uuid4())})
    body = api(keys.venue).get("/uses", {"date_from": datetime.date.today().isoformat()})
    row = body.json()["results"][0]
    assert row["card"] == card.display_number
    assert "1977" not in body.content.decode()
