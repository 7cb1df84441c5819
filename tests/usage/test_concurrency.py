"""Two desks selling the last place of an offer at once (PostgreSQL only)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from kaikukanta.lib.errors import DomainError
from kaikukanta.usage import services
from kaikukanta.usage.models import Category, Offer, OfferKind, Use
from tests.usage.conftest import mk


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_desks_selling_the_last_place(cast):
    offer = Offer.objects.create(venue=cast.a.venue_org, site=cast.a.site, title_fi="Konsertti",
                                 category=Category.CULTURE, kind=OfferKind.EVENT,
                                 cap_per_date=2)
    today = timezone.localdate()
    first = mk(cast.a.unit)
    services.use_record(actor=cast.a.venue, site=cast.a.site, card_number=first.number,
                        event_date=today, offer=offer)
    cards = [mk(cast.a.unit), mk(cast.a.unit)]
    barrier = threading.Barrier(2)
    results: list[str] = []

    def sell(card):
        try:
            barrier.wait()
            services.use_record(actor=cast.a.venue, site=cast.a.site,
                                card_number=card.number, event_date=today, offer=offer)
            results.append("ok")
        except DomainError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=sell, args=(c,)) for c in cards]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["offer_cap_reached", "ok"]
    assert Use.objects.filter(offer=offer).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_same_form_submitted_twice_at_once(cast):
    card = mk(cast.a.unit)
    barrier = threading.Barrier(2)
    ids: list[int] = []

    def submit():
        try:
            barrier.wait()
            use = services.use_record(actor=cast.a.venue, site=cast.a.site,
                                      card_number=card.number, event_date=timezone.localdate(),
                                      category=Category.CULTURE, request_token="same-token")
            ids.append(use.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ids) == 2 and ids[0] == ids[1]
    assert Use.objects.count() == 1
