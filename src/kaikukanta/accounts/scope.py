"""What a user may see: computed once per user object from their memberships.

Every QuerySet's `visible_to(user)` starts from `scope_for(user)`, so the answer to
"which areas, organisations and units does this person see?" lives here only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from kaikukanta.accounts.models import Role


@dataclass(frozen=True)
class Scope:
    is_national: bool = False
    culture_area_ids: frozenset[int] = field(default_factory=frozenset)
    welfare_area_ids: frozenset[int] = field(default_factory=frozenset)
    # distributor staff: the units they work at (and their organisations)
    distributor_unit_ids: frozenset[int] = field(default_factory=frozenset)
    distributor_org_ids: frozenset[int] = field(default_factory=frozenset)
    # venue staff: whole organisations, or single sites
    venue_org_ids: frozenset[int] = field(default_factory=frozenset)
    venue_site_ids: frozenset[int] = field(default_factory=frozenset)
    venue_site_org_ids: frozenset[int] = field(default_factory=frozenset)
    # ticket seller staff
    seller_org_ids: frozenset[int] = field(default_factory=frozenset)
    # areas shown to staff for orientation (their organisation's home area)
    staff_area_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def coordinator_area_ids(self) -> frozenset[int]:
        return self.culture_area_ids | self.welfare_area_ids

    @property
    def visible_area_ids(self) -> frozenset[int]:
        return self.coordinator_area_ids | self.staff_area_ids

    @property
    def is_anonymous(self) -> bool:
        return not (
            self.is_national or self.coordinator_area_ids or self.distributor_unit_ids
            or self.venue_org_ids or self.venue_site_ids or self.seller_org_ids
        )

    def organisation_q(self, prefix: str = "") -> Q:
        """Organisations this scope sees (prefix e.g. 'organisation__')."""
        from kaikukanta.network.models import OrganisationKind, SellerLink

        p = prefix
        q = Q(**{f"{p}pk__in": []})
        if self.culture_area_ids:
            q |= Q(**{f"{p}home_area__in": self.culture_area_ids,
                      f"{p}kind__in": [OrganisationKind.VENUE, OrganisationKind.TICKET_SELLER]})
            # ticket sellers from elsewhere that sell (or ask to sell) for this area's venues
            q |= Q(**{f"{p}pk__in": SellerLink.objects.filter(
                venue__home_area__in=self.culture_area_ids).values("seller_id")})
        if self.welfare_area_ids:
            q |= Q(**{f"{p}home_area__in": self.welfare_area_ids,
                      f"{p}kind": OrganisationKind.DISTRIBUTOR})
        own = self.distributor_org_ids | self.venue_org_ids | self.venue_site_org_ids
        own |= self.seller_org_ids
        if own:
            q |= Q(**{f"{p}pk__in": own})
        if self.seller_org_ids:
            q |= Q(**{f"{p}pk__in": self._linked_venue_ids()})
        return q

    def _linked_venue_ids(self):
        from kaikukanta.network.models import SellerLink

        return SellerLink.objects.approved().filter(seller__in=self.seller_org_ids).values(
            "venue_id"
        )

    def unit_q(self) -> Q:
        from kaikukanta.network.models import OrganisationKind

        q = Q(pk__in=[])
        if self.culture_area_ids:
            q |= Q(organisation__home_area__in=self.culture_area_ids,
                   organisation__kind__in=[OrganisationKind.VENUE, OrganisationKind.TICKET_SELLER])
        if self.welfare_area_ids:
            q |= Q(organisation__home_area__in=self.welfare_area_ids,
                   organisation__kind=OrganisationKind.DISTRIBUTOR)
        if self.distributor_unit_ids:
            q |= Q(pk__in=self.distributor_unit_ids)
        if self.venue_org_ids or self.seller_org_ids:
            q |= Q(organisation__in=self.venue_org_ids | self.seller_org_ids)
        if self.venue_site_ids:
            q |= Q(pk__in=self.venue_site_ids)
        if self.seller_org_ids:
            q |= Q(organisation__in=self._linked_venue_ids())
        return q


EMPTY = Scope()
_CACHE_ATTR = "_kaikukanta_scope"


def scope_for(user) -> Scope:
    """The user's scope; inactive and anonymous users see nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return EMPTY
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    sets: dict[str, set[int]] = {
        k: set() for k in ("culture", "welfare", "dunit", "dorg", "vorg", "vsite", "vsiteorg",
                           "seller", "staffarea")
    }
    is_national = False
    rows = user.memberships.select_related("organisation").all()
    for m in rows:
        if m.role == Role.NATIONAL_ADMIN:
            is_national = True
        elif m.role == Role.CULTURE_COORDINATOR:
            sets["culture"].add(m.area_id)
        elif m.role == Role.WELFARE_COORDINATOR:
            sets["welfare"].add(m.area_id)
        elif m.role == Role.DISTRIBUTOR_STAFF:
            sets["dunit"].add(m.unit_id)
            sets["dorg"].add(m.organisation_id)
        elif m.role == Role.VENUE_STAFF:
            if m.unit_id:
                sets["vsite"].add(m.unit_id)
                sets["vsiteorg"].add(m.organisation_id)
            else:
                sets["vorg"].add(m.organisation_id)
        elif m.role == Role.SELLER_STAFF:
            sets["seller"].add(m.organisation_id)
        if m.organisation_id:
            sets["staffarea"].add(m.organisation.home_area_id)
    scope = Scope(
        is_national=is_national,
        culture_area_ids=frozenset(sets["culture"]),
        welfare_area_ids=frozenset(sets["welfare"]),
        distributor_unit_ids=frozenset(sets["dunit"]),
        distributor_org_ids=frozenset(sets["dorg"]),
        venue_org_ids=frozenset(sets["vorg"]),
        venue_site_ids=frozenset(sets["vsite"]),
        venue_site_org_ids=frozenset(sets["vsiteorg"]),
        seller_org_ids=frozenset(sets["seller"]),
        staff_area_ids=frozenset(sets["staffarea"]),
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user) -> None:
    """Call after changing a user's memberships in the same request."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
