"""Two desks selling the last place of an offer at once (PostgreSQL only)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from kaikukanta.accounts.scope import scope_for_user
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
    services.use_record(scope=scope_for_user(cast.a.venue), site=cast.a.site,
                        card_number=first.number,
                        event_date=today, offer=offer)
    cards = [mk(cast.a.unit), mk(cast.a.unit)]
    barrier = threading.Barrier(2)
    results: list[str] = []

    def sell(card):
        try:
            barrier.wait()
            services.use_record(scope=scope_for_user(cast.a.venue), site=cast.a.site,
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
            use = services.use_record(scope=scope_for_user(cast.a.venue), site=cast.a.site,
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


def _race(fn, args_list) -> list[str]:
    barrier = threading.Barrier(len(args_list))
    results: list[str] = []

    def run(*args):
        try:
            barrier.wait()
            fn(*args)
            results.append("ok")
        except DomainError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=a) for a in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(results)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_last_place_on_a_fresh_date(cast):
    """No counter row yet for the date: both desks create it at once, one place only."""
    offer = Offer.objects.create(venue=cast.a.venue_org, site=cast.a.site, title_fi="Kurssi",
                                 category=Category.CULTURE, kind=OfferKind.EVENT,
                                 cap_per_date=1)
    cards = [mk(cast.a.unit), mk(cast.a.unit)]

    def sell(card):
        services.use_record(scope=scope_for_user(cast.a.venue), site=cast.a.site,
                            card_number=card.number,
                            event_date=timezone.localdate(), offer=offer)

    assert _race(sell, [(c,) for c in cards]) == ["offer_cap_reached", "ok"]
    assert Use.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_same_card_at_two_desks_at_once(cast):
    card = mk(cast.a.unit)

    def record(token):
        services.use_record(scope=scope_for_user(cast.a.venue), site=cast.a.site,
                            card_number=card.number,
                            event_date=timezone.localdate(), category=Category.CULTURE,
                            request_token=token)

    assert _race(record, [("desk-1",), ("desk-2",)]) == ["already_recorded", "ok"]
    assert Use.objects.count() == 1
