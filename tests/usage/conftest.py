"""Offers and cards for the venue tests (cards straight from the factory, no rules)."""

from __future__ import annotations

import datetime

import pytest

from kaikukanta.usage.models import Category, Offer, OfferKind
from tests.factories import make_card


@pytest.fixture
def today():
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def offer(cast):
    return Offer.objects.create(venue=cast.a.venue_org, site=cast.a.site, title_fi="Näyttely",
                                title_sv="Utställning", title_en="Exhibition",
                                category=Category.CULTURE, kind=OfferKind.ADMISSION)


@pytest.fixture
def course(cast):
    return Offer.objects.create(venue=cast.a.venue_org, site=cast.a.site, title_fi="Kurssi",
                                category=Category.EDUCATION, kind=OfferKind.COURSE,
                                children_allowed=False)


def mk(unit=None, **kw):
    """A card registered 100 days ago (so uses can be entered afterwards)."""
    from django.utils import timezone

    if unit is not None:
        kw.setdefault("issued_on", timezone.localdate() - datetime.timedelta(days=100))
    return make_card(unit, **kw)


@pytest.fixture
def card(cast):
    """A personal card from area a with two children; holder facts chosen to be findable
    if they ever leaked into a page."""
    return mk(cast.a.unit, children=2, birth_year=1937, postal_code="88600")


@pytest.fixture
def card_b(cast):
    return mk(cast.b.unit, children=1)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)
