"""Two identical requests at the same moment (PostgreSQL, real threads): one use."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection

from kaikukanta.api.models import IdempotentResponse
from kaikukanta.usage.models import Use
from tests.api.conftest import ApiClient, use_body
from tests.factories import make_card

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _parallel(calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_two_identical_requests_in_parallel_make_one_use(cast, keys, offers):
    card = make_card(cast.a.unit)
    body = use_body(card, offers.a)
    for _round in range(3):
        headers = {"Idempotency-Key": str(uuid.uuid4())}
        Use.objects.all().delete()

        def call(headers=headers):
            return ApiClient(keys.venue).post("/uses", body, **headers)

        results = _parallel([call] * 4)
        assert [r.status_code for r in results] == [201] * 4
        assert len({r.content for r in results}) == 1
        assert Use.objects.count() == 1
        assert IdempotentResponse.objects.filter(idempotency_key=headers["Idempotency-Key"]
                                                 ).count() == 1


def test_two_sellers_for_the_last_place(cast, keys, offers):
    """Different keys, different Idempotency-Keys, the offer's last place: one wins."""
    cards = [make_card(cast.a.unit), make_card(cast.b.unit)]
    results = _parallel([
        lambda: ApiClient(keys.venue).post("/uses", use_body(cards[0], offers.a2),
                                           **{"Idempotency-Key": "a"}),
        lambda: ApiClient(keys.seller).post("/uses", use_body(cards[1], offers.a2),
                                            **{"Idempotency-Key": "b"}),
    ])
    assert sorted(r.status_code for r in results) == [201, 409]
    assert Use.objects.filter(offer=offers.a2).count() == 1
