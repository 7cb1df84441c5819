"""The demo data (`make run`'s `load_demo`), loaded once for the tests in this package.

Loading the demo takes seconds, and these tests only read it. `demo_loaded` loads it once
into the test database inside a transaction that stays open while this package runs;
every test here runs in a savepoint inside it (pytest-django's `db`), so whatever a test
changes (signing in, registering a card) is rolled back after it. When the package is
done, the whole load is rolled back: no other test sees the demo. So a test here must not
use `transaction=True`.
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import translation

from kaikukanta.accounts.models import User


@dataclass(frozen=True)
class Demo:
    output: str  # what `load_demo` printed (the logins)
    mails: list  # the emails the first load sent


@pytest.fixture(scope="package")
def demo_loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            mail.outbox = []
            out = io.StringIO()
            # as `make run` loads it: demo mode, Finnish by default
            with override_settings(DEMO=True), translation.override("fi"):
                call_command("load_demo", stdout=out)
            loaded = Demo(output=out.getvalue(), mails=list(mail.outbox))
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(*sys.exc_info())
            raise
    yield loaded
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
        # nothing of the demo outlives this package
        assert not User.objects.filter(email__endswith="@demo.kaikukanta.fi").exists()


@pytest.fixture
def demo(demo_loaded, db):
    """The loaded demo, for one test (its changes are rolled back after it)."""
    return demo_loaded
