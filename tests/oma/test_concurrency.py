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
