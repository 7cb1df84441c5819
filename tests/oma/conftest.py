"""OmaKaiku fixtures: a holder's card in area a, a code made by its distributor, and a
holder who has activated OmaKaiku with a password (and an email address that must never
reach a staff page)."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.oma import services
from tests.api.conftest import api, keys  # noqa: F401 (the API fixtures, for the email test)
from tests.usage.conftest import mk

HOLDER_PASSWORD = "kulttuuria kaikille 7"
HOLDER_EMAIL = "holder.private.address@example.test"


@pytest.fixture(autouse=True)
def _fresh_attempt_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def holder_card(cast, geo):
    card = mk(cast.a.unit, children=2)
    card.municipality = geo.municipalities["049"]
    card.save(update_fields=["municipality"])
    return card


@pytest.fixture
def code(cast, holder_card):
    """(row, code text) of a fresh activation code."""
    return services.oma_start(
        scope=scope_for_user(cast.a.distributor), card=holder_card, language="fi")


@pytest.fixture
def account(code):
    row, _text = code
    return services.account_activate(code=row, password=HOLDER_PASSWORD, email=HOLDER_EMAIL)


@pytest.fixture
def holder_client(client, account, holder_card):
    r = client.post(reverse("oma:sign_in"), {"number": holder_card.number,
                                             "password": HOLDER_PASSWORD})
    assert r.status_code == 302, r.content.decode()[:2000]
    return client


def code_from_slip(html: str) -> str:
    return re.search(r'data-code>([0-9A-Z-]+)<', html).group(1)
