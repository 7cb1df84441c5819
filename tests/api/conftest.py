"""API fixtures: one key per organisation kind of area a, plus read-only and revoked keys,
offers at both areas' venues, and a client that sends a key."""

from __future__ import annotations

import datetime
import re
from types import SimpleNamespace

import pytest
from django.test import Client

from kaikukanta.api.services import api_key_create, api_key_revoke
from kaikukanta.lib.scope import SYSTEM
from kaikukanta.usage.models import Category, Offer, OfferKind, Use, UseSource


@pytest.fixture
def keys(cast):
    a, b = cast.a, cast.b

    def make(org, write=True, label="system"):
        return api_key_create(scope=SYSTEM, organisation=org, label=label, can_write=write)[1]

    revoked_key, revoked = api_key_create(scope=SYSTEM, organisation=a.venue_org, label="old",
                                          can_write=True)
    api_key_revoke(scope=SYSTEM, api_key=revoked_key)
    return SimpleNamespace(
        venue=make(a.venue_org),
        seller=make(a.seller_org),
        distributor=make(a.distributor_org),
        read_only=make(a.venue_org, write=False, label="reader"),
        revoked=revoked,
        venue_b=make(b.venue_org),
        seller_b=make(b.seller_org),
        distributor_b=make(b.distributor_org),
    )


def make_offer(site, title="Näyttely", **extra) -> Offer:
    values = {"venue": site.organisation, "site": site, "title_fi": title,
              "title_sv": f"{title} sv", "title_en": f"{title} en",
              "category": Category.CULTURE, "kind": OfferKind.ADMISSION}
    values.update(extra)
    return Offer.objects.create(**values)


@pytest.fixture
def offers(cast):
    return SimpleNamespace(
        a=make_offer(cast.a.site, "Näyttely A"),
        a2=make_offer(cast.a.site2, "Uinti A", category=Category.SPORTS, cap_per_date=1),
        b=make_offer(cast.b.site, "Näyttely B"),
    )


def make_use(card, offer, *, seller=None, event_date=None, **extra) -> Use:
    """A use straight into the database (list tests; recording goes through the service)."""
    return Use.objects.create(
        card=card, offer=offer, venue=offer.venue, site=offer.site, seller=seller,
        area=offer.venue.home_area, card_area=card.area, category=offer.category,
        event_date=event_date or datetime.date.today(), source=UseSource.DESK, **extra,
    )


class ApiClient:
    def __init__(self, key: str | None = None, language: str | None = None):
        self.client = Client()
        self.key = key
        self.language = language

    def _headers(self, extra):
        headers = {}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        if self.language:
            headers["Accept-Language"] = self.language
        headers.update(extra)
        return headers

    def get(self, path, params=None, **headers):
        return self.client.get(f"/api/v1{path}", params or {}, headers=self._headers(headers))

    def post(self, path, data=None, **headers):
        import json

        body = data if isinstance(data, str | bytes) else json.dumps(data or {})
        return self.client.post(f"/api/v1{path}", body, content_type="application/json",
                                headers=self._headers(headers))

    def delete(self, path, **headers):
        return self.client.delete(f"/api/v1{path}", headers=self._headers(headers))


@pytest.fixture
def api():
    def _api(key=None, language=None):
        return ApiClient(key, language)

    return _api


@pytest.fixture
def stock(cast, postal_codes):
    """Unused printed personal numbers in area a's stock."""
    from kaikukanta.cards import services as card_services

    batch = card_services.batch_create(scope=SYSTEM, area=cast.a.area, count=6)
    return list(batch.cards.order_by("number").values_list("number", flat=True))


def use_body(card, offer=None, **extra):
    body = {"card": card.display_number, "event_date": datetime.date.today().isoformat()}
    if offer is not None:
        body["offer"] = offer.pk
    body.update(extra)
    return body


def api_routes() -> set[tuple[str, str]]:
    """(METHOD, /path/{param}) of every JSON endpoint, read from the URL patterns."""
    from kaikukanta.api import endpoints
    from kaikukanta.api.urls import api_urlpatterns

    out = set()
    for pattern in api_urlpatterns:
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        for method in getattr(endpoints, pattern.name)._ninja_operation.methods:
            out.add((method, path))
    return out
