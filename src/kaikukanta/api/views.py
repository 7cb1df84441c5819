"""Partner API endpoints. Each handler parses input, checks the key's scope, calls a
service or selector and returns a `Reply`; `http.route` does the rest."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from kaikukanta.api import selectors
from kaikukanta.api.errors import RouteNotFound
from kaikukanta.api.http import Reply, endpoint, get_date, get_int, plain_error, route
from kaikukanta.api.openapi import document
from kaikukanta.api.serializers import offer_json, use_json
from kaikukanta.lib.errors import InvalidInput, NotInScope
from kaikukanta.usage.models import OfferStatus, UseStatus

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


offers = route(GET=offer_list)
uses = route(GET=use_list)


@csrf_exempt
def not_found(request, rest: str = "") -> JsonResponse:
    """Any other address under /api/v1/: the JSON 404."""
    return plain_error(request, RouteNotFound())


def openapi_json(request) -> JsonResponse:
    return JsonResponse(document(), json_dumps_params={"ensure_ascii": False, "indent": 1})
