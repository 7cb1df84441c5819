"""Who acts and what they may see: one value object for people and API keys alike.

A `Scope` is built once per request, from a person's memberships
(`kaikukanta.accounts.scope.scope_for_user`) or from an API key's organisation
(`kaikukanta.accounts.scope.scope_for_organisation`), and set as `request.scope`.
It holds only ids, so every rule that reads it (`lib/permissions.py`) is a pure
function, and every scoped QuerySet's `for_scope(scope)` filters by these ids.

This module imports no models: it sits at the bottom of the layers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.http import Http404

from kaikukanta.lib.roles import CULTURE_KINDS, WELFARE_KINDS, OrganisationKind

_ids = frozenset[int]


def _none() -> frozenset[int]:
    return frozenset()


@dataclass(frozen=True)
class Scope:
    # who acts: a person (user_id) or an API key (label "api_key:<prefix>")
    user_id: int | None = None
    label: str = ""
    # a command or the demo loader acting for the registry itself (never a request)
    is_system: bool = False
    is_national: bool = False
    # coordinators: the areas they run, per side
    culture_area_ids: _ids = field(default_factory=_none)
    welfare_area_ids: _ids = field(default_factory=_none)
    # distributor staff: the units they work at (and their organisations)
    distributor_unit_ids: _ids = field(default_factory=_none)
    distributor_org_ids: _ids = field(default_factory=_none)
    # venue staff: whole organisations, or single sites (and the sites' organisations)
    venue_org_ids: _ids = field(default_factory=_none)
    venue_site_ids: _ids = field(default_factory=_none)
    venue_site_org_ids: _ids = field(default_factory=_none)
    # ticket seller staff, the venues that approved their sellers, and of those the
    # venues they may record for (the seller organisation is active)
    seller_org_ids: _ids = field(default_factory=_none)
    seller_venue_ids: _ids = field(default_factory=_none)
    selling_venue_ids: _ids = field(default_factory=_none)
    # areas shown to staff for orientation (their organisations' home areas)
    staff_area_ids: _ids = field(default_factory=_none)

    # --- derived sets -------------------------------------------------------------

    @property
    def coordinator_area_ids(self) -> frozenset[int]:
        return self.culture_area_ids | self.welfare_area_ids

    @property
    def visible_area_ids(self) -> frozenset[int]:
        return self.coordinator_area_ids | self.staff_area_ids

    @property
    def staff_org_ids(self) -> frozenset[int]:
        """Organisations the actor works for, in any staff role."""
        return (self.distributor_org_ids | self.venue_org_ids | self.venue_site_org_ids
                | self.seller_org_ids)

    @property
    def is_coordinator(self) -> bool:
        return bool(self.coordinator_area_ids)

    @property
    def is_anonymous(self) -> bool:
        return not (self.is_national or self.coordinator_area_ids or self.distributor_unit_ids
                    or self.venue_org_ids or self.venue_site_ids or self.seller_org_ids)

    # --- the two sides of an area (culture: venues and sellers; welfare: distributors) --

    def kinds_run_in(self, area_id: int | None) -> set[str]:
        """The organisation kinds this coordinator runs in an area (by side)."""
        kinds: set[str] = set()
        if area_id in self.culture_area_ids:
            kinds.update(CULTURE_KINDS)
        if area_id in self.welfare_area_ids:
            kinds.update(WELFARE_KINDS)
        return kinds

    def runs(self, org: Any) -> bool:
        """Does this coordinator run the organisation (its home area and its side)?"""
        return org.kind in self.kinds_run_in(org.home_area_id)

    def runs_q(self, prefix: str = "") -> Q:
        """`runs` as a filter on organisations (prefix e.g. 'organisation__')."""
        p = prefix
        q = Q(**{f"{p}pk__in": []})
        if self.culture_area_ids:
            q |= Q(**{f"{p}home_area__in": self.culture_area_ids, f"{p}kind__in": CULTURE_KINDS})
        if self.welfare_area_ids:
            q |= Q(**{f"{p}home_area__in": self.welfare_area_ids, f"{p}kind__in": WELFARE_KINDS})
        return q

    # --- who may record at which site --------------------------------------------------

    def may_record_at(self, site: Any) -> bool:
        """An active site of an active venue that is the actor's own (whole organisation
        or that site) or approved the actor's active ticket seller."""
        org = site.organisation
        if org.kind != OrganisationKind.VENUE or not site.is_active or not org.is_active:
            return False
        return (site.organisation_id in self.venue_org_ids
                or site.pk in self.venue_site_ids
                or site.organisation_id in self.selling_venue_ids)

    def recording_sites_q(self) -> Q:
        """`may_record_at` as a filter on units."""
        return (
            (Q(organisation__in=self.venue_org_ids | self.selling_venue_ids)
             | Q(pk__in=self.venue_site_ids))
            & Q(is_active=True, organisation__kind=OrganisationKind.VENUE,
                organisation__is_active=True)
        )

    def records_as_seller_for(self, venue_id: int) -> bool:
        """True when the actor records at this venue as its ticket seller, not as its
        own staff."""
        own = venue_id in self.venue_org_ids or venue_id in self.venue_site_org_ids
        return not own and venue_id in self.selling_venue_ids


EMPTY = Scope()


def system_scope(label: str = "system") -> Scope:
    """The scope of a management command or data loader: every permission, no person."""
    return Scope(is_system=True, label=label)


SYSTEM = system_scope()


def get_visible_or_404(queryset: Any, scope: Scope, **lookup: Any) -> Any:
    """Fetch one object from what the scope sees; anything else is a 404."""
    try:
        return queryset.for_scope(scope).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
