"""Partner API endpoints. Each handler parses input, checks the key's scope, calls the
same services and selectors as the screens (`usage.services`, `cards.services`) and
returns a `Reply`; `http.route` does authentication, limits and the error shape. Every
business rule and its error code lives in those services, never here."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from kaikukanta.api import selectors
from kaikukanta.api.errors import RouteNotFound
from kaikukanta.api.http import (
    Reply,
    endpoint,
    get_bool,
    get_date,
    get_int,
    get_str,
    parse_json_object,
    plain_error,
    route,
)
from kaikukanta.api.openapi import document
from kaikukanta.api.serializers import card_answer_json, offer_json, use_json
from kaikukanta.cards import services as card_services
from kaikukanta.cards.selectors import card_by_number
from kaikukanta.lib.errors import InvalidInput, NotInScope
from kaikukanta.usage import services as usage_services
from kaikukanta.usage.models import Category, OfferStatus, UseSource, UseStatus
from kaikukanta.usage.selectors import answer_for_card

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def _page(request, queryset, to_json) -> Reply:
    page_number = get_int(request.GET, "page", default=1, minimum=1, maximum=10**6)
    size = get_int(request.GET, "page_size", default=PAGE_SIZE, minimum=1,
                   maximum=MAX_PAGE_SIZE)
    count = queryset.count()
    start = (page_number - 1) * size
    rows = list(queryset[start:start + size])

    def link(n: int) -> str:
        query = request.GET.copy()
        query["page"] = str(n)
        return request.build_absolute_uri(f"{request.path}?{urlencode(sorted(query.items()))}")

    return Reply(200, {
        "count": count,
        "next": link(page_number + 1) if start + size < count else None,
        "previous": link(page_number - 1) if page_number > 1 and count else None,
        "results": [to_json(row) for row in rows],
    })


@endpoint
def offer_list(request, key) -> Reply:
    offers = selectors.key_offers(key)
    status = request.GET.get("status")
    if status is not None:
        if status not in OfferStatus.values:
            raise InvalidInput(field="status")
        offers = offers.filter(status=status)
    site = get_int(request.GET, "site", minimum=1)
    if site is not None:
        if not selectors.key_sites(key).filter(pk=site).exists():
            raise NotInScope(field="site")
        offers = offers.filter(site_id=site)
    return _page(request, offers, offer_json)


@endpoint
def use_list(request, key) -> Reply:
    uses = selectors.key_uses(key).order_by("-event_date", "-id")
    date_from = get_date(request.GET, "date_from")
    date_to = get_date(request.GET, "date_to")
    if date_from:
        uses = uses.filter(event_date__gte=date_from)
    if date_to:
        uses = uses.filter(event_date__lte=date_to)
    site = get_int(request.GET, "site", minimum=1)
    if site is not None:
        if not selectors.key_sites(key).filter(pk=site).exists():
            raise NotInScope(field="site")
        uses = uses.filter(site_id=site)
    offer = get_int(request.GET, "offer", minimum=1)
    if offer is not None:
        if not selectors.key_offers(key).filter(pk=offer).exists():
            raise NotInScope(field="offer")
        uses = uses.filter(offer_id=offer)
    status = request.GET.get("status")
    if status is not None:
        if status not in UseStatus.values:
            raise InvalidInput(field="status")
        uses = uses.filter(status=status)
    return _page(request, uses, use_json)




@endpoint
def card_detail(request, key, number: str) -> Reply:
    answer = usage_services.card_lookup(scope=request.scope, number_text=number)
    return Reply(200, card_answer_json(answer))


def _card_reply(card, status: int) -> Reply:
    answer = answer_for_card(card, card.number, on=timezone.localdate())
    return Reply(status, card_answer_json(answer))


@endpoint(write=True, idempotency="optional")
def card_register(request, key) -> Reply:
    data = parse_json_object(request)
    unit_id = get_int(data, "unit", required=True, minimum=1)
    unit = selectors.key_units(key).filter(pk=unit_id).first()
    if unit is None:
        raise NotInScope(field="unit")
    card = card_services.card_register(
        scope=request.scope, unit=unit,
        number=get_str(data, "number", required=True, max_length=20),
        birth_year=get_int(data, "birth_year", required=True, maximum=9999),
        postal_code=get_str(data, "postal_code", required=True, max_length=10),
        children=get_int(data, "children", default=0, maximum=99),
        gender=get_str(data, "gender", max_length=40),
        life_situation=get_str(data, "life_situation", max_length=40),
        preferred_language=get_str(data, "preferred_language", max_length=10),
        issued_on=get_date(data, "issued_on"),
    )
    return _card_reply(card, 201)


@endpoint(write=True, idempotency="optional")
def card_renew(request, key, number: str) -> Reply:
    data = parse_json_object(request)
    card = card_by_number(number)
    if card.unit_id is None or not selectors.key_units(key).filter(pk=card.unit_id).exists():
        raise NotInScope(field="number")
    card = card_services.card_renew(scope=request.scope, card=card,
                                    on=get_date(data, "on"))
    return _card_reply(card, 200)


@endpoint(write=True, idempotency="required")
def use_record(request, key) -> Reply:
    data = parse_json_object(request)
    card_number = get_str(data, "card", required=True, max_length=20)
    event_date = get_date(data, "event_date", required=True)
    children = get_int(data, "children", default=0, maximum=99)
    companion = get_bool(data, "companion")
    offer_id = get_int(data, "offer", minimum=1)
    site_id = get_int(data, "site", minimum=1)
    category = get_str(data, "category", max_length=20) or None
    if category is not None and category not in Category.values:
        raise InvalidInput(field="category")
    sites = selectors.key_sites(key).filter(is_active=True, organisation__is_active=True)
    offer = site = None
    if offer_id is not None:
        offer = selectors.key_offers(key).filter(
            pk=offer_id, site__in=sites.values("pk")).first()
        if offer is None:
            raise NotInScope(field="offer")
        site = offer.site
    if site_id is not None:
        site = sites.filter(pk=site_id).first()
        if site is None:
            raise NotInScope(field="site")
    if site is None:
        raise InvalidInput(field="offer")
    use = usage_services.use_record(
        scope=request.scope, site=site, card_number=card_number,
        event_date=event_date, offer=offer, category=category, children=children,
        companion=companion, source=UseSource.API,
        request_token=f"api:{key.pk}:{request.headers['Idempotency-Key']}",
    )
    return Reply(201, use_json(use))


@endpoint(write=True, idempotency="optional")
def use_cancel(request, key, use_id: int) -> Reply:
    use = selectors.key_uses(key).filter(pk=use_id).first()
    if use is None:
        raise NotInScope()
    use = usage_services.use_cancel(scope=request.scope, use=use)
    return Reply(200, use_json(use))


# One route per URL, with its handlers by method.
offers = route(GET=offer_list)
uses = route(GET=use_list, POST=use_record)
use = route(DELETE=use_cancel)
cards = route(POST=card_register)
card = route(GET=card_detail)
card_renewal = route(POST=card_renew)


@csrf_exempt
def not_found(request, rest: str = "") -> JsonResponse:
    """Any other address under /api/v1/: the JSON 404."""
    return plain_error(request, RouteNotFound())


def openapi_json(request) -> JsonResponse:
    return JsonResponse(document(), json_dumps_params={"ensure_ascii": False, "indent": 1})

