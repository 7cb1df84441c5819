"""Two registrations of the same printed number at the same time: only one wins."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.cards import errors, services
from kaikukanta.cards.models import Card, CardEvent, CardStatus
from kaikukanta.lib.scope import SYSTEM


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_only_one_of_two_concurrent_registrations_wins(cast):
    batch = services.batch_create(scope=SYSTEM, area=cast.a.area, count=1)
    number = batch.cards.get().number
    barrier = threading.Barrier(2)
    results: list = []

    def attempt(side, children):
        try:
            barrier.wait()
            card = services.card_register(scope=scope_for_user(side.distributor), unit=side.unit,
                                          number=number, birth_year=1980,
                                          postal_code="02100", children=children)
            results.append(("ok", card.unit_id))
        except errors.CardAlreadyRegistered:
            results.append(("taken", None))
        except Exception as exc:  # pragma: no cover - shown in the assertion
            results.append(("error", repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(side, n))
               for side, n in ((cast.a, 1), (cast.b, 2))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r[0] for r in results) == ["ok", "taken"], results
    card = Card.objects.get(number=number)
    winner = next(r[1] for r in results if r[0] == "ok")
    assert card.status == CardStatus.ACTIVE and card.unit_id == winner
    assert CardEvent.objects.filter(card=card).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_never_share_a_number(cast):
    results: list = []
    barrier = threading.Barrier(3)

    def make():
        try:
            barrier.wait()
            results.append(services.batch_create(scope=SYSTEM, area=cast.a.area, count=300).pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=make) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 3
    assert Card.objects.count() == 900 == Card.objects.values("number").distinct().count()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_only_one_of_two_concurrent_replacements_wins(cast):
    batch = services.batch_create(scope=SYSTEM, area=cast.a.area, count=3)
    first, second, third = batch.cards.order_by("number").values_list("number", flat=True)
    card = services.card_register(scope=SYSTEM, unit=cast.a.unit, number=first,
                                  birth_year=1980, postal_code="02100", children=0)
    barrier = threading.Barrier(2)
    results: list = []

    def attempt(new_number):
        try:
            barrier.wait()
            services.card_replace(scope=SYSTEM, card=card, new_number=new_number)
            results.append("ok")
        except errors.CardAlreadyReplaced:
            results.append("replaced")
        except Exception as exc:  # pragma: no cover - shown in the assertion
            results.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in (second, third)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "replaced"], results
    assert Card.objects.filter(replaces=card).count() == 1
    assert Card.objects.filter(status=CardStatus.UNUSED, batch=batch).count() == 1
