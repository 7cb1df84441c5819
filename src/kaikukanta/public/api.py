"""Open data: `GET /api/public/v1/...` as JSON, no key, CC BY 4.0.

Its own NinjaAPI instance (the partner API has keys and another error policy). Answers
are cached under the public data version (`signals.py`), so a change shows at once, and
every client address may make `KAIKUKANTA_OPEN_DATA_RATE` requests a minute. Errors have
the project's shape: ``{"code": ..., "message": ..., "field": ...}``.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Literal

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import ValidationError

from kaikukanta.api.core import error_response
from kaikukanta.api.schemas import Error
from kaikukanta.lib.errors import DomainError, InvalidInput
from kaikukanta.public import ratelimit, selectors
from kaikukanta.public.errors import OpenDataRateLimited
from kaikukanta.public.opendata import annual_rows
from kaikukanta.public.signals import data_version

LICENSE = {
    "name": "CC BY 4.0",
    "url": "https://creativecommons.org/licenses/by/4.0/",
    "attribution": "Kaikukanta – Kaikukortti registry",
}
CACHE_SECONDS = 300
LANGS = ("fi", "sv", "en")

api = NinjaAPI(
    title="Kaikukortti open data",
    version="1",
    description=(
        "Where Kaikukortti is in use, where to get it and what it offers, and the national "
        "annual figures. No key is needed. Licence: CC BY 4.0 (attribution: Kaikukanta – "
        "Kaikukortti registry). Each client address may make a limited number of requests "
        "a minute (429 with Retry-After after that). Figures that count fewer than 5 "
        "holders are shown as \"<5\", and figures hidden to protect them as \"–\"."
    ),
    urls_namespace="public_api",
    docs_url=None,
    openapi_url="/openapi.json",
)


class Names(Schema):
    fi: str
    sv: str
    en: str


class License(Schema):
    name: str
    url: str
    attribution: str


class AreaOut(Schema):
    id: int
    name: Names
    status: Literal["in_use", "trial", "coming"]
    status_since: datetime.date
    municipalities: list[str] = Field(description="Municipality codes")
    page: Names = Field(description="Addresses of the area's public page")
    contact_email: str
    feedback_email: str


class AreaList(Schema):
    license: License
    count: int
    results: list[AreaOut]


class MunicipalityOut(Schema):
    code: str = Field(description="Statistics Finland code; abroad the country code in "
                                  "front, e.g. SE-2583")
    country: str
    name: Names
    areas: list[int]


class MunicipalityList(Schema):
    license: License
    count: int
    results: list[MunicipalityOut]


class Address(Schema):
    street: str
    postal_code: str
    post_office: str


class SiteOut(Schema):
    id: int
    name: str
    municipality: str | None
    address: Address = Field(description="As the venue gives it")
    step_free: bool
    induction_loop: bool
    accessibility: Names


class Period(Schema):
    start: datetime.date | None
    end: datetime.date | None


class OfferOut(Schema):
    id: int
    title: Names
    category: Literal["culture", "education", "science", "sports"]
    kind: Literal["event", "admission", "course", "course_season"]
    period: Period
    children_allowed: bool
    restrictions: str
    venue: dict[str, int | str] = Field(description="id and name")
    site: SiteOut
    area: int


class OfferList(Schema):
    license: License
    count: int
    page: int
    page_size: int
    results: list[OfferOut]


class OfferQuery(Schema):
    municipality: str = Field("", max_length=8)
    category: Literal["", "culture", "education", "science", "sports"] = ""
    children: bool = False
    q: str = Field("", max_length=100)
    area: int | None = Field(None, ge=1, le=2_147_483_647)
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


Figure = int | str


class AnnualRowOut(Schema):
    year: int
    cards_registered: Figure
    cards_used: Figure
    adults: dict[str, Figure] = Field(description="Uses by category")
    children: dict[str, Figure] = Field(description="Children's tickets by category")
    total_uses: Figure
    municipalities: int


class AnnualList(Schema):
    license: License
    count: int
    results: list[AnnualRowOut]


ERRORS = {400: Error, 429: Error}


# --- answers -----------------------------------------------------------------------
# The partner API's one error answer (code, message, field; Retry-After on 429).
@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return error_response(exc)


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    first = exc.errors[0] if exc.errors else {}
    loc = [str(x) for x in first.get("loc", ()) if x not in ("query", "path", "body")]
    return error_response(InvalidInput(field=".".join(loc) or None))


def _cached(request: HttpRequest, response: HttpResponse, name: str, build) -> dict:
    """Rate-limit the client, then answer from the cache when the data have not changed."""
    limit = getattr(settings, "KAIKUKANTA_OPEN_DATA_RATE", 120)
    allowed, seconds = ratelimit.hit("opendata", ratelimit.client_address(request),
                                     limit=limit, window=60)
    if not allowed:
        raise OpenDataRateLimited(seconds=max(seconds, 1))
    query = request.META.get("QUERY_STRING", "")
    digest = hashlib.sha256(f"{name}?{query}".encode()).hexdigest()[:32]
    key = f"public:api:{data_version()}:{digest}"
    data = cache.get(key)
    if data is None:
        with translation.override("fi"):
            data = build()
        cache.set(key, data, CACHE_SECONDS)
    etag = '"' + hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()
                                ).hexdigest()[:32] + '"'
    response["Cache-Control"] = "public, max-age=60"
    response["ETag"] = etag
    response["Link"] = f'<{LICENSE["url"]}>; rel="license"'
    response["Access-Control-Allow-Origin"] = "*"
    return data


def _names(default: str, **others: str) -> dict:
    return {"fi": default, "sv": others.get("sv") or default, "en": others.get("en") or default}


def _urls(pattern: str, *args) -> dict:
    out = {}
    for lang in LANGS:
        with translation.override(lang):
            out[lang] = reverse(pattern, args=args)
    return out


STATUS = {"permanent": "in_use", "trial": "trial", "preparing": "coming"}


@api.get("/areas", response={200: AreaList, **ERRORS}, summary="Kaikukortti areas")
def areas(request, response: HttpResponse):
    """Areas that are in use, in trial or coming, with their municipalities' codes."""

    def build():
        rows = []
        for a in selectors.public_areas():
            page = selectors.area_page(a)
            rows.append({
                "id": a.pk, "name": _names(a.name, sv=page.name_sv, en=page.name_en),
                "status": STATUS[a.status], "status_since": a.status_since,
                "municipalities": [m.code for m in a.municipalities.all()],
                "page": _urls("public:area", a.pk), "contact_email": page.contact_email,
                "feedback_email": page.feedback_email,
            })
        return {"license": LICENSE, "count": len(rows), "results": rows}

    return _cached(request, response, "areas", build)


@api.get("/municipalities", response={200: MunicipalityList, **ERRORS},
         summary="Municipalities in the network")
def municipalities(request, response: HttpResponse):
    """Municipalities of the areas on the public pages, also those abroad."""

    def build():
        areas_of: dict[str, list[int]] = {}
        for a in selectors.public_areas():
            for m in a.municipalities.all():
                areas_of.setdefault(m.code, []).append(a.pk)
        rows = [{"code": m.code, "country": m.country,
                 "name": _names(m.name_fi, sv=m.name_sv, en=m.name_en),
                 "areas": areas_of.get(m.code, [])}
                for m in selectors.public_municipalities()]
        return {"license": LICENSE, "count": len(rows), "results": rows}

    return _cached(request, response, "municipalities", build)


def _offer(o) -> dict:
    listing = selectors.unit_listing(o.site)
    return {
        "id": o.pk, "title": _names(o.title_fi, sv=o.title_sv, en=o.title_en),
        "category": o.category, "kind": o.kind,
        "period": {"start": o.starts_on, "end": o.ends_on},
        "children_allowed": o.children_allowed, "restrictions": o.restrictions,
        "venue": {"id": o.venue_id, "name": o.venue.name},
        "site": {
            "id": o.site_id, "name": o.site.name, "municipality": o.site.municipality_id,
            "address": {"street": listing.street_address if listing else "",
                        "postal_code": listing.postal_code if listing else "",
                        "post_office": listing.post_office if listing else ""},
            "step_free": bool(listing and listing.step_free),
            "induction_loop": bool(listing and listing.induction_loop),
            "accessibility": _names(listing.accessibility_fi if listing else "",
                                    sv=listing.accessibility_sv if listing else "",
                                    en=listing.accessibility_en if listing else ""),
        },
        "area": o.venue.home_area_id,
    }


@api.get("/offers", response={200: OfferList, **ERRORS}, summary="Current public offers")
def offers(request, response: HttpResponse, filters: Query[OfferQuery]):
    """Current offers that venues show to the public, paginated; filter by municipality
    code, category, children's tickets, area and free text."""

    def build():
        f = selectors.OfferFilter(municipality=filters.municipality,
                                  category=filters.category, children=filters.children,
                                  text=filters.q, area=filters.area)
        qs = selectors.offer_search(f)
        count = qs.count()
        start = (filters.page - 1) * filters.page_size
        rows = [_offer(o) for o in qs[start:start + filters.page_size]]
        return {"license": LICENSE, "count": count, "page": filters.page,
                "page_size": filters.page_size, "results": rows}

    return _cached(request, response, "offers", build)


@api.get("/annual", response={200: AnnualList, **ERRORS},
         summary="National annual table (past years)")
def annual(request, response: HttpResponse):
    """Cards registered and used, uses by adults and children by category, and the
    municipalities in the network, for each published year since the first card (a year is
    published about 1 March of the next year, after its late entries, and its counts of
    cards are not changed afterwards). Small figures are suppressed as on the statistics
    pages."""

    def build():
        rows = annual_rows(timezone.localdate().year - 1)
        return {"license": LICENSE, "count": len(rows), "results": rows}

    return _cached(request, response, "annual", build)

