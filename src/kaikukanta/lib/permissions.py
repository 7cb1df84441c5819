"""The one answer to "may this actor do X on this object?", for people and API keys.

Each `Perm` has one rule below. A rule is a pure function of the `Scope` (which already
holds every id it needs) and the object's own fields: no rule queries the database.
Views, API endpoints and services ask `can(scope, Perm.X, obj)`; lists start from
`Model.objects.for_scope(scope)`. An object outside the scope is a 404
(`lib.scope.get_visible_or_404`), a visible object the actor may not change is a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from kaikukanta.lib.errors import NotAllowed
from kaikukanta.lib.roles import OrganisationKind, Role
from kaikukanta.lib.scope import Scope
from kaikukanta.lib.targets import TargetKind


class Perm(StrEnum):
    ADMIN_SITE = "admin_site"  # Django admin and national-only pages
    MANAGE_AREAS = "manage_areas"  # create and edit areas, publish the operating model
    VIEW_AREA = "view_area"  # obj: Area
    COORDINATE_AREA = "coordinate_area"  # obj: Area; either side's coordinator
    MANAGE_ORGANISATION = "manage_organisation"  # obj: Organisation
    APPROVE_SELLER_LINK = "approve_seller_link"  # obj: SellerLink
    MANAGE_CARD_STOCK = "manage_card_stock"  # obj: Area
    ISSUE_CARDS = "issue_cards"  # obj: Unit (a distributor unit)
    RECORD_USES = "record_uses"  # obj: Unit (a venue site)
    MANAGE_OFFERS = "manage_offers"  # obj: Organisation (a venue)
    SELL_FOR_VENUE = "sell_for_venue"  # obj: Organisation (a venue)
    GRANT_ROLE = "grant_role"  # obj: an unsaved Membership (role + scope) to invite someone to
    MANAGE_USER = "manage_user"  # obj: User; deactivate an account
    ACKNOWLEDGE_COMMITMENT = "acknowledge_commitment"  # obj: Organisation
    MOVE_CARD = "move_card"  # obj: Card; the welfare side of the card's area
    REVIEW_LOOKUPS = "review_lookups"  # obj: None; card look-ups slowed down in own areas
    REQUEST_SELLER_LINK = "request_seller_link"  # obj: Organisation (a ticket seller)
    VIEW_STATS = "view_stats"  # obj: stats.scopes.Target (a dashboard's scope)
    RUN_SURVEY = "run_survey"  # obj: surveys.Survey; the area's coordinators (either side)
    ANSWER_SURVEY = "answer_survey"  # obj: (Survey, Organisation) the person answers for
    VIEW_WELLBEING = "view_wellbeing"  # obj: wellbeing.targets.Target


def _approve_seller_link(s: Scope, link) -> bool:
    venue = link.venue
    return venue.id in s.venue_org_ids or s.runs(venue)


def _issue_cards(s: Scope, unit) -> bool:
    org = unit.organisation
    return (unit.id in s.distributor_unit_ids and unit.is_active
            and org.kind == OrganisationKind.DISTRIBUTOR and org.is_active)


def _grant_role(s: Scope, m) -> bool:
    """Coordinators give staff roles in their own area and side only; coordinator and
    national roles are given by the national team (see `can`)."""
    org = m.organisation
    if org is None:
        return False
    if m.unit is not None and m.unit.organisation_id != org.id:
        return False
    if m.role == Role.DISTRIBUTOR_STAFF:
        return org.kind == OrganisationKind.DISTRIBUTOR and m.unit is not None and s.runs(org)
    if m.role == Role.VENUE_STAFF:
        return org.kind == OrganisationKind.VENUE and s.runs(org)
    if m.role == Role.SELLER_STAFF:
        return org.kind == OrganisationKind.TICKET_SELLER and m.unit is None and s.runs(org)
    return False


def _manage_user(s: Scope, user) -> bool:
    """A coordinator manages an account when every role it holds is one they could give."""
    memberships = list(user.memberships.all())  # the account's own rows (prefetched in lists)
    return bool(memberships) and all(_grant_role(s, m) for m in memberships)


def _view_stats(s: Scope, target) -> bool:
    """Coordinators see their areas (both sides) and their side's organisations; staff
    see their own unit, site, venue or ticket seller."""
    kind, obj = target.kind, target.obj
    if kind == TargetKind.AREA:
        return obj.id in s.coordinator_area_ids
    if kind == TargetKind.DISTRIBUTOR:
        return obj.home_area_id in s.welfare_area_ids
    if kind == TargetKind.UNIT:
        return (obj.id in s.distributor_unit_ids
                or obj.organisation.home_area_id in s.welfare_area_ids)
    if kind == TargetKind.VENUE:
        return obj.id in s.venue_org_ids or obj.home_area_id in s.culture_area_ids
    if kind == TargetKind.SITE:
        return (obj.id in s.venue_site_ids or obj.organisation_id in s.venue_org_ids
                or obj.organisation.home_area_id in s.culture_area_ids)
    if kind == TargetKind.SELLER:
        return obj.id in s.seller_org_ids or obj.home_area_id in s.culture_area_ids
    if kind == TargetKind.MUNICIPALITY:  # its residents' figures: the coordinators of its areas
        return bool(set(target.area_ids) & s.coordinator_area_ids)
    return False  # TargetKind.NATIONAL: national admins only (see `can`)


def _answer_survey(s: Scope, pair) -> bool:
    """Staff of an active organisation of the survey's area whose kind the survey asks;
    a person (never an API key) answers for themselves."""
    survey, org = pair
    return (s.user_id is not None and org.id in s.staff_org_ids and org.is_active
            and org.home_area_id == survey.area_id and survey.addresses(org.kind))


def _view_wellbeing(s: Scope, target) -> bool:
    """The wellbeing and mood figures: coordinators (both sides) of an area, of the areas
    of a municipality or of a wellbeing services county; venues (the mood meter only) their
    own venue or site, and the culture side's coordinators of the venue's area."""
    kind, obj = target.kind, target.obj
    if kind == TargetKind.AREA:
        return obj.id in s.coordinator_area_ids
    if kind in (TargetKind.MUNICIPALITY, TargetKind.COUNTY):
        return bool(set(target.area_ids) & s.coordinator_area_ids)
    if kind == TargetKind.VENUE:
        return obj.id in s.venue_org_ids or obj.home_area_id in s.culture_area_ids
    if kind == TargetKind.SITE:
        return (obj.id in s.venue_site_ids or obj.organisation_id in s.venue_org_ids
                or obj.organisation.home_area_id in s.culture_area_ids)
    return False  # TargetKind.NATIONAL: national admins only (see `can`)


_RULES: dict[Perm, Callable[[Scope, Any], bool]] = {
    Perm.ADMIN_SITE: lambda s, obj: False,
    Perm.MANAGE_AREAS: lambda s, obj: False,
    Perm.VIEW_AREA: lambda s, area: area.id in s.visible_area_ids,
    Perm.COORDINATE_AREA: lambda s, area: area.id in s.coordinator_area_ids,
    Perm.MANAGE_ORGANISATION: lambda s, org: s.runs(org),
    Perm.APPROVE_SELLER_LINK: _approve_seller_link,
    Perm.MANAGE_CARD_STOCK: lambda s, area: area.id in s.coordinator_area_ids,
    Perm.ISSUE_CARDS: _issue_cards,
    Perm.RECORD_USES: lambda s, site: s.may_record_at(site),
    Perm.MANAGE_OFFERS: lambda s, org: org.id in s.venue_org_ids,
    Perm.SELL_FOR_VENUE: lambda s, venue: venue.id in s.selling_venue_ids,
    Perm.GRANT_ROLE: _grant_role,
    Perm.MANAGE_USER: _manage_user,
    Perm.ACKNOWLEDGE_COMMITMENT: lambda s, org: org.id in s.staff_org_ids or s.runs(org),
    Perm.MOVE_CARD: lambda s, card: card.area_id in s.welfare_area_ids,
    Perm.REVIEW_LOOKUPS: lambda s, obj: bool(s.culture_area_ids),
    Perm.REQUEST_SELLER_LINK: lambda s, seller: seller.id in s.seller_org_ids,
    Perm.VIEW_STATS: _view_stats,
    Perm.RUN_SURVEY: lambda s, survey: survey.area_id in s.coordinator_area_ids,
    Perm.ANSWER_SURVEY: _answer_survey,
    Perm.VIEW_WELLBEING: _view_wellbeing,
}

# National admins may do everything except the desk work that belongs to one unit.
_NOT_FOR_NATIONAL = {Perm.ISSUE_CARDS, Perm.RECORD_USES, Perm.SELL_FOR_VENUE,
                     Perm.ANSWER_SURVEY}


def can(scope: Scope, perm: Perm, obj: Any = None) -> bool:
    if not isinstance(scope, Scope):
        raise TypeError(f"can() takes a Scope (request.scope), not {type(scope).__name__}")
    if scope.is_system or (scope.is_national and perm not in _NOT_FOR_NATIONAL):
        return True
    return bool(_RULES[perm](scope, obj))


def require(scope: Scope, perm: Perm, obj: Any = None) -> None:
    """Raise `NotAllowed` (403) unless `can(scope, perm, obj)`; services call this."""
    if not can(scope, perm, obj):
        raise NotAllowed()
