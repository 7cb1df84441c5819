"""The one answer to "may this user do X on this object?".

Each `Perm` has one rule function below. Views, API endpoints and services ask
`can(user, Perm.X, obj)`; lists start from `Model.objects.visible_to(user)`. An object
outside the user's scope is a 404 (see `get_visible_or_404`), a visible object the user
may not change is a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from django.db.models import Model, QuerySet
from django.http import Http404

from kaikukanta.accounts.scope import Scope, scope_for


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


def coordinator_kinds(scope: Scope, area_id: int) -> set[str]:
    """The organisation kinds a coordinator runs in an area (by side)."""
    from kaikukanta.network.models import OrganisationKind

    kinds: set[str] = set()
    if area_id in scope.culture_area_ids:
        kinds |= {OrganisationKind.VENUE, OrganisationKind.TICKET_SELLER}
    if area_id in scope.welfare_area_ids:
        kinds.add(OrganisationKind.DISTRIBUTOR)
    return kinds


def _manage_organisation(s: Scope, org) -> bool:
    return org.kind in coordinator_kinds(s, org.home_area_id)


def _approve_seller_link(s: Scope, link) -> bool:
    venue = link.venue
    return (
        venue.id in s.venue_org_ids
        or venue.kind in coordinator_kinds(s, venue.home_area_id)
    )


def _record_uses(s: Scope, unit) -> bool:
    from kaikukanta.network.models import OrganisationKind

    if unit.organisation.kind != OrganisationKind.VENUE or not unit.is_active:
        return False
    return (
        unit.organisation_id in s.venue_org_ids
        or unit.id in s.venue_site_ids
        or _sells_for(s, unit.organisation)
    )


def _sells_for(s: Scope, venue) -> bool:
    from kaikukanta.network.models import SellerLink

    if not s.seller_org_ids:
        return False
    return SellerLink.objects.approved().filter(
        seller__in=s.seller_org_ids, venue=venue, seller__is_active=True
    ).exists()


def _issue_cards(s: Scope, unit) -> bool:
    from kaikukanta.network.models import OrganisationKind

    return (
        unit.id in s.distributor_unit_ids
        and unit.is_active
        and unit.organisation.kind == OrganisationKind.DISTRIBUTOR
        and unit.organisation.is_active
    )


_RULES: dict[Perm, Callable[[Scope, Any], bool]] = {
    Perm.ADMIN_SITE: lambda s, obj: False,
    Perm.MANAGE_AREAS: lambda s, obj: False,
    Perm.VIEW_AREA: lambda s, area: area.id in s.visible_area_ids,
    Perm.COORDINATE_AREA: lambda s, area: area.id in s.coordinator_area_ids,
    Perm.MANAGE_ORGANISATION: _manage_organisation,
    Perm.APPROVE_SELLER_LINK: _approve_seller_link,
    Perm.MANAGE_CARD_STOCK: lambda s, area: area.id in s.coordinator_area_ids,
    Perm.ISSUE_CARDS: _issue_cards,
    Perm.RECORD_USES: _record_uses,
    Perm.MANAGE_OFFERS: lambda s, org: org.id in s.venue_org_ids,
    Perm.SELL_FOR_VENUE: _sells_for,
    Perm.MOVE_CARD: lambda s, card: card.area_id in s.welfare_area_ids,
    Perm.REVIEW_LOOKUPS: lambda s, obj: bool(s.culture_area_ids),
}

# National admins may do everything except the desk work that belongs to one unit.
_NOT_FOR_NATIONAL = {Perm.ISSUE_CARDS, Perm.RECORD_USES, Perm.SELL_FOR_VENUE}


def can(user, perm: Perm, obj: Any = None) -> bool:
    scope = scope_for(user)
    if scope.is_national and perm not in _NOT_FOR_NATIONAL:
        return True
    return bool(_RULES[perm](scope, obj))


def get_visible_or_404(queryset: QuerySet, user, **lookup) -> Model:
    """Fetch one object from what the user may see; anything else is a 404."""
    try:
        return queryset.visible_to(user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


# --- coordination (invitations, user accounts, commitments) ---

def _grant_role(s: Scope, m) -> bool:
    """Coordinators give staff roles in their own area and side only; coordinator and
    national roles are given by the national team (see `can`)."""
    from kaikukanta.accounts.models import Role
    from kaikukanta.network.models import OrganisationKind

    org = m.organisation
    if org is None:
        return False
    if m.unit is not None and m.unit.organisation_id != org.id:
        return False
    if m.role == Role.DISTRIBUTOR_STAFF:
        return (org.kind == OrganisationKind.DISTRIBUTOR and m.unit is not None
                and org.home_area_id in s.welfare_area_ids)
    if m.role == Role.VENUE_STAFF:
        return org.kind == OrganisationKind.VENUE and org.home_area_id in s.culture_area_ids
    if m.role == Role.SELLER_STAFF:
        return (org.kind == OrganisationKind.TICKET_SELLER and m.unit is None
                and org.home_area_id in s.culture_area_ids)
    return False


def _manage_user(s: Scope, user) -> bool:
    """A coordinator manages an account when every role it holds is one they could give."""
    memberships = list(user.memberships.all())  # uses a prefetch when the list has one
    return bool(memberships) and all(_grant_role(s, m) for m in memberships)


def _acknowledge_commitment(s: Scope, org) -> bool:
    staff_of = s.distributor_org_ids | s.venue_org_ids | s.venue_site_org_ids | s.seller_org_ids
    return org.id in staff_of or org.kind in coordinator_kinds(s, org.home_area_id)


_RULES.update({
    Perm.GRANT_ROLE: _grant_role,
    Perm.MANAGE_USER: _manage_user,
    Perm.ACKNOWLEDGE_COMMITMENT: _acknowledge_commitment,
})
# --- statistics (kaikukanta.stats) ---
def _view_stats(s: Scope, target) -> bool:
    """obj: kaikukanta.stats.scopes.Target. Coordinators see their areas (both sides) and
    their side's organisations; staff see their own unit, site, venue or ticket seller."""
    kind, obj = target.kind, target.obj
    if kind == "area":
        return obj.id in s.coordinator_area_ids
    if kind == "distributor":
        return obj.home_area_id in s.welfare_area_ids
    if kind == "unit":
        return (obj.id in s.distributor_unit_ids
                or obj.organisation.home_area_id in s.welfare_area_ids)
    if kind == "venue":
        return obj.id in s.venue_org_ids or obj.home_area_id in s.culture_area_ids
    if kind == "site":
        return (obj.id in s.venue_site_ids or obj.organisation_id in s.venue_org_ids
                or obj.organisation.home_area_id in s.culture_area_ids)
    if kind == "seller":
        return obj.id in s.seller_org_ids or obj.home_area_id in s.culture_area_ids
    if kind == "municipality":  # its residents' figures: the coordinators of its area
        return obj.areas.filter(pk__in=s.coordinator_area_ids).exists()
    return False  # "national": national admins only (see `can`)


_RULES[Perm.VIEW_STATS] = _view_stats
_RULES[Perm.REQUEST_SELLER_LINK] = lambda s, seller: seller.id in s.seller_org_ids
