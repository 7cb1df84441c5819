"""Reads of the API: which key is calling, and what that key's organisation may see.

A key acts only within its organisation's scope:
- a venue key: the venue's own sites, offers and uses;
- a ticket-seller key: the sites and offers of the venues that approved it, and the uses
  it recorded itself;
- a distributor key: the distributor's units (for registering and renewing cards).
"""

from __future__ import annotations

from django.db.models import QuerySet

from kaikukanta.api.models import ApiKey
from kaikukanta.network.models import OrganisationKind, SellerLink, Unit
from kaikukanta.usage.models import Offer, Use


def key_sites(key: ApiKey) -> QuerySet[Unit]:
    """The venue sites where the key may see offers and record uses."""
    org = key.organisation
    sites = Unit.objects.select_related("organisation").filter(
        organisation__kind=OrganisationKind.VENUE
    )
    if org.kind == OrganisationKind.VENUE:
        return sites.filter(organisation=org)
    if org.kind == OrganisationKind.TICKET_SELLER:
        venues = SellerLink.objects.approved().filter(seller=org).values("venue_id")
        return sites.filter(organisation__in=venues, organisation__is_active=True)
    return sites.none()


def key_units(key: ApiKey, active_only: bool = True) -> QuerySet[Unit]:
    """The distributor units a key may register and renew cards at."""
    org = key.organisation
    if org.kind != OrganisationKind.DISTRIBUTOR:
        return Unit.objects.none()
    units = Unit.objects.select_related("organisation").filter(organisation=org)
    return units.filter(is_active=True) if active_only else units


def key_offers(key: ApiKey) -> QuerySet[Offer]:
    return Offer.objects.select_related("venue", "site").filter(
        site__in=key_sites(key).values("pk")
    ).order_by("title_fi", "id")


def key_uses(key: ApiKey) -> QuerySet[Use]:
    """A venue's uses at its sites, or the uses a ticket seller recorded."""
    org = key.organisation
    uses = Use.objects.select_related("card", "venue", "site", "seller", "offer")
    if org.kind == OrganisationKind.VENUE:
        return uses.filter(venue=org)
    if org.kind == OrganisationKind.TICKET_SELLER:
        return uses.filter(seller=org)
    return uses.none()
