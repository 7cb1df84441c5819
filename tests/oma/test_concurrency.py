"""One activation code used twice at once (for example two taps on two phones) makes one
account (PostgreSQL only)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.lib.errors import DomainError
from kaikukanta.oma import services
from kaikukanta.oma.models import HolderAccount
from tests.oma.conftest import HOLDER_PASSWORD


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_code_activated_twice_at_once(cast, holder_card):
    row, _text = services.oma_start(
        scope=scope_for_user(cast.a.distributor), card=holder_card, language="fi")
    barrier = threading.Barrier(2)
    results: list[str] = []

    def use():
        try:
            barrier.wait()
            services.account_activate(code=row, password=HOLDER_PASSWORD)
            results.append("ok")
        except DomainError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=use) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "oma_code_used"]
    assert HolderAccount.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reminder_runs_at_once_send_one_email(cast, holder_card, mailoutbox):
    """Two daily runs at once (two workers): each sees the holder as due, one claims."""
    import datetime

    from django.utils import timezone

    from kaikukanta.cards.models import Card
    from kaikukanta.oma.reminders import expiry_reminders_send
    from tests.oma.conftest import HOLDER_EMAIL

    row, _text = services.oma_start(
        scope=scope_for_user(cast.a.distributor), card=holder_card, language="fi")
    services.account_activate(code=row, password=HOLDER_PASSWORD, email=HOLDER_EMAIL)
    Card.objects.filter(pk=holder_card.pk).update(
        valid_until=timezone.localdate() + datetime.timedelta(days=10))
    barrier = threading.Barrier(2)
    sent: list[int] = []

    def run():
        try:
            barrier.wait()
            sent.append(expiry_reminders_send())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(sent) == [0, 1]
    assert [m.to for m in mailoutbox] == [[HOLDER_EMAIL]]
