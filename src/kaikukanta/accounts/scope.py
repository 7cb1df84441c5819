"""The two ways a `Scope` (`kaikukanta.lib.scope`) is built: from a person's memberships
or from an API key's organisation. Nothing else builds one, so "what does this actor
see?" is answered here only; `ScopeMiddleware` puts the answer on `request.scope`.
"""

from __future__ import annotations

from kaikukanta.lib.roles import OrganisationKind, Role
from kaikukanta.lib.scope import EMPTY, Scope
from kaikukanta.network.models import Organisation, SellerLink, Unit


def _seller_venues(seller_ids: set[int]) -> tuple[frozenset[int], frozenset[int]]:
    """(venues that approved these sellers, those of them where an active seller may
    record): one query, only for ticket sellers."""
    if not seller_ids:
        return frozenset(), frozenset()
    rows = list(SellerLink.objects.approved().filter(seller__in=seller_ids)
                .values_list("venue_id", "seller__is_active"))
    return (frozenset(v for v, _ in rows), frozenset(v for v, active in rows if active))


def scope_for_user(user) -> Scope:
    """A person's scope, read fresh (requests keep theirs as `request.scope`); inactive
    and anonymous users see nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return EMPTY
    sets: dict[str, set[int]] = {
        k: set() for k in ("culture", "welfare", "dunit", "dorg", "vorg", "vsite", "vsiteorg",
                           "seller", "staffarea")
    }
    is_national = False
    for m in user.memberships.select_related("organisation").all():
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
    seller_venues, selling_venues = _seller_venues(sets["seller"])
    return Scope(
        user_id=user.pk,
        label=user.email,
        is_national=is_national,
        culture_area_ids=frozenset(sets["culture"]),
        welfare_area_ids=frozenset(sets["welfare"]),
        distributor_unit_ids=frozenset(sets["dunit"]),
        distributor_org_ids=frozenset(sets["dorg"]),
        venue_org_ids=frozenset(sets["vorg"]),
        venue_site_ids=frozenset(sets["vsite"]),
        venue_site_org_ids=frozenset(sets["vsiteorg"]),
        seller_org_ids=frozenset(sets["seller"]),
        seller_venue_ids=seller_venues,
        selling_venue_ids=selling_venues,
        staff_area_ids=frozenset(sets["staffarea"]),
    )


def scope_for_organisation(org: Organisation, *, label: str = "") -> Scope:
    """What an organisation's API key may see and do, as the organisation's whole staff
    would: a venue its sites; a ticket seller the venues that approved it; a distributor
    its active units. An inactive organisation sees nothing."""
    if org is None or not org.is_active:
        return Scope(label=label)
    common = {"label": label, "staff_area_ids": frozenset({org.home_area_id})}
    if org.kind == OrganisationKind.VENUE:
        return Scope(venue_org_ids=frozenset({org.pk}), **common)
    if org.kind == OrganisationKind.TICKET_SELLER:
        venues, selling = _seller_venues({org.pk})
        return Scope(seller_org_ids=frozenset({org.pk}), seller_venue_ids=venues,
                     selling_venue_ids=selling, **common)
    units = frozenset(Unit.objects.filter(organisation=org, is_active=True)
                      .values_list("pk", flat=True))
    return Scope(distributor_org_ids=frozenset({org.pk}), distributor_unit_ids=units, **common)
