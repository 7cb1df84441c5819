"""Roles and organisation kinds, and which side of an area each kind belongs to.

Plain enums without models, so the scope (`lib/scope.py`), the permission table
(`lib/permissions.py`) and every app can name them without importing each other.
"""

from __future__ import annotations

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Role(TextChoices):
    NATIONAL_ADMIN = "national_admin", _("National admin (Kaikukeskus)")
    CULTURE_COORDINATOR = "culture_coordinator", _("Area coordinator, culture side")
    WELFARE_COORDINATOR = "welfare_coordinator", _("Area coordinator, welfare side")
    DISTRIBUTOR_STAFF = "distributor_staff", _("Distributor staff")
    VENUE_STAFF = "venue_staff", _("Venue staff")
    SELLER_STAFF = "seller_staff", _("Ticket seller staff")


COORDINATOR_ROLES = (Role.CULTURE_COORDINATOR, Role.WELFARE_COORDINATOR)


class OrganisationKind(TextChoices):
    DISTRIBUTOR = "distributor", _("Distributor")
    VENUE = "venue", _("Venue")
    TICKET_SELLER = "ticket_seller", _("Ticket seller")


# The one statement of an area's two sides: the culture side runs venues and ticket
# sellers, the welfare side runs distributors.
CULTURE_KINDS: tuple[str, ...] = (OrganisationKind.VENUE, OrganisationKind.TICKET_SELLER)
WELFARE_KINDS: tuple[str, ...] = (OrganisationKind.DISTRIBUTOR,)
