"""Public-side fixtures: offers at the standing cast's venues."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from kaikukanta.usage.models import Category, Offer, OfferKind


def make_offer(site, title: str, **fields) -> Offer:
    fields.setdefault("category", Category.CULTURE)
    fields.setdefault("kind", OfferKind.ADMISSION)
    return Offer.objects.create(venue=site.organisation, site=site, title_fi=title,
                                **fields)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and cached answers live in the cache: every test starts empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def offers(cast):
    a, b = cast.a, cast.b
    return {
        "museum": make_offer(a.site, "Museon näyttely", title_sv="Museets utställning",
                             title_en="Museum exhibition", restrictions="Ei ensi-iltoja"),
        "swim": make_offer(a.site2, "Uinti", category=Category.SPORTS,
                           children_allowed=False),
        "course": make_offer(b.site, "Kurssi", category=Category.EDUCATION,
                             kind=OfferKind.COURSE, children_allowed=False),
    }
