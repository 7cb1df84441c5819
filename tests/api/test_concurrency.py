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


def test_many_keys_for_the_last_places_on_a_fresh_date(cast, keys, offers):
    """Six records at once for an offer with three places a day and no counter yet (the
    one-statement cap makes it, seeded from the uses): exactly three win, the counter
    says three, the losers wrote nothing, and the statistics equal a rebuild."""
    from kaikukanta.audit.models import AuditEntry
    from kaikukanta.stats import services as stats_services
    from kaikukanta.usage.models import OfferDateCount
    from tests.stats.test_rollup import snapshot

    offers.a2.cap_per_date = 3
    offers.a2.save()
    cards = [make_card(cast.a.unit) for _ in range(6)]
    results = _parallel([
        (lambda c=c, i=i: ApiClient(keys.venue).post(
            "/uses", use_body(c, offers.a2), **{"Idempotency-Key": f"k{i}"}))
        for i, c in enumerate(cards)])
    codes = sorted(r.status_code for r in results)
    assert codes == [201] * 3 + [409] * 3, [r.content for r in results]
    assert {r.json()["code"] for r in results if r.status_code == 409} == {"offer_cap_reached"}
    assert Use.objects.filter(offer=offers.a2).count() == 3
    assert OfferDateCount.objects.get(offer=offers.a2).tickets == 3
    assert AuditEntry.objects.filter(action="use.recorded").count() == 3
    incremental = snapshot()
    stats_services.rollup_rebuild()
    assert snapshot() == incremental
