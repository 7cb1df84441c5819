"""What anyone may read without signing in: areas, where to get the card, where to use it.

Every public page and the open-data API read through these functions, so the rule of what
is public lives here only:

- areas that are preparing, in trial or permanent (an ended area is not shown);
- active distributor units and venue sites of active organisations, with no person's name
  (the organisations' contact persons are never shown);
- offers that are active, not over, at an active site of an active venue in an operating
  area, and not taken off the public pages by the venue (`OfferListing`).
"""

from __future__ import annotations

import datetime
from collections import OrderedDict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from kaikukanta.geo.models import Municipality
from kaikukanta.network.models import (
    HOLDING_STATUSES,
    OPERATING_STATUSES,
    Area,
    AreaStatus,
    OrganisationKind,
    Unit,
)
from kaikukanta.public.models import AreaPage, ServiceKind
from kaikukanta.usage.models import Category, Offer, OfferStatus

PAGE_SIZE = 20


def public_areas() -> QuerySet[Area]:
    return (Area.objects.filter(status__in=HOLDING_STATUSES)
            .select_related("public_page")
            .prefetch_related(Prefetch("municipalities",
                                       queryset=Municipality.objects.order_by("name_fi"))))


def public_area_or_none(pk) -> Area | None:
    try:
        return public_areas().filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def area_page(area: Area) -> AreaPage:
    """The area's public page (an unsaved empty one until the coordinators write one)."""
    try:
        return area.public_page
    except AreaPage.DoesNotExist:
        return AreaPage(area=area)


def area_name(area: Area, lang: str) -> str:
    page = area_page(area)
    return getattr(page, f"name_{lang}", "") if lang in ("sv", "en") and getattr(
        page, f"name_{lang}", "") else area.name


STATUS_LABEL_KEYS = {
    AreaStatus.PERMANENT: "in_use",
    AreaStatus.TRIAL: "trial",
    AreaStatus.PREPARING: "coming",
}


def public_municipalities() -> QuerySet[Municipality]:
    """Municipalities of the areas on the public pages."""
    return (Municipality.objects.filter(areas__status__in=HOLDING_STATUSES).distinct()
            .order_by("name_fi"))


def public_offers(*, today: datetime.date | None = None) -> QuerySet[Offer]:
    today = today or timezone.localdate()
    return (
        Offer.objects.filter(
            status=OfferStatus.ACTIVE,
            venue__is_active=True,
            venue__kind=OrganisationKind.VENUE,
            venue__home_area__status__in=OPERATING_STATUSES,
            site__is_active=True,
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .exclude(public_listing__is_public=False)
        .select_related("venue", "venue__home_area", "site", "site__organisation",
                        "site__municipality", "site__public_listing")
        .order_by("title_fi", "pk")
    )


@dataclass(frozen=True)
class OfferFilter:
    municipality: str = ""
    category: str = ""
    children: bool = False
    text: str = ""
    area: int | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.municipality or self.category or self.children or self.text
                    or self.area)


def offer_search(f: OfferFilter, *, today: datetime.date | None = None) -> QuerySet[Offer]:
    qs = public_offers(today=today)
    if f.area:
        qs = qs.filter(venue__home_area_id=f.area)
    if f.municipality:
        qs = qs.filter(site__municipality_id=f.municipality)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.children:
        qs = qs.filter(children_allowed=True)
    for word in f.text.split()[:5]:
        qs = qs.filter(Q(title_fi__icontains=word) | Q(title_sv__icontains=word)
                       | Q(title_en__icontains=word) | Q(venue__name__icontains=word)
                       | Q(site__name__icontains=word) | Q(restrictions__icontains=word))
    return qs


@dataclass
class Group:
    label: str
    items: list = field(default_factory=list)
    key: str = ""
    more: int = 0  # offers not listed (see the search)


def area_distributors(area: Area) -> list[Group]:
    """Where to get the card: the area's active distributor units by kind of service,
    each with its municipality and address (no person's name)."""
    units = (Unit.objects.filter(organisation__home_area=area, is_active=True,
                                 organisation__is_active=True,
                                 organisation__kind=OrganisationKind.DISTRIBUTOR)
             .select_related("organisation", "municipality", "public_listing")
             .order_by("organisation__name", "name"))
    labels = dict(ServiceKind.choices)
    groups: dict[str, Group] = {}
    for unit in units:
        listing = unit_listing(unit)
        kind = listing.service_kind if listing and listing.service_kind else ""
        groups.setdefault(kind, Group(str(labels.get(kind, "")))).items.append(unit)
    order = [k for k, _label in ServiceKind.choices] + [""]
    return [groups[k] for k in order if k in groups]


def _has_listing(unit: Unit) -> bool:
    try:
        unit.public_listing  # noqa: B018 (a reverse one-to-one raises when missing)
    except Unit.public_listing.RelatedObjectDoesNotExist:
        return False
    return True


def unit_listing(unit: Unit):
    return unit.public_listing if _has_listing(unit) else None


@dataclass
class VenueSite:
    site: Unit
    offers: list[Offer]


AREA_PAGE_OFFERS = 30  # per category; the rest are a link to the search


def area_venues(area: Area, *, today: datetime.date | None = None,
                limit: int | None = None) -> list[Group]:
    """Where to use the card: the area's current public offers by category, each category
    listing the sites (with their accessibility) and their offers; at most `limit` offers
    a category (the group's `more` tells how many more the search has)."""
    offers = public_offers(today=today).filter(venue__home_area=area).order_by(
        "venue__name", "site__name", "title_fi")
    labels = dict(Category.choices)
    by_cat: OrderedDict[str, OrderedDict[int, VenueSite]] = OrderedDict(
        (c, OrderedDict()) for c in Category.values)
    counts = dict.fromkeys(Category.values, 0)
    for offer in offers:
        counts[offer.category] += 1
        if limit is not None and counts[offer.category] > limit:
            continue
        sites = by_cat[offer.category]
        sites.setdefault(offer.site_id, VenueSite(offer.site, [])).offers.append(offer)
    return [Group(str(labels[c]), list(sites.values()), key=c,
                  more=counts[c] - sum(len(v.offers) for v in sites.values()))
            for c, sites in by_cat.items() if sites]


def offer_is_public(offer: Offer) -> bool:
    """The venue's choice (public unless it has taken the offer off)."""
    try:
        return offer.public_listing.is_public
    except Offer.public_listing.RelatedObjectDoesNotExist:
        return True
