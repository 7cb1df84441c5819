"""Writes to the network: areas, organisations, units, seller links and commitments.

Each function receives the actor's `scope` and checks its permission itself
(`require(scope, Perm.X, obj)`), so pages, the API and commands share one rule.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from kaikukanta.audit.services import audit_log
from kaikukanta.geo.models import Municipality, WellbeingCounty
from kaikukanta.lib.permissions import Perm, require
from kaikukanta.lib.scope import Scope
from kaikukanta.network.errors import (
    AlreadyCommitted,
    AreaNeedsMunicipality,
    MunicipalityInOtherArea,
    NameTaken,
    NoOperatingModel,
    SellerLinkInvalid,
    VersionTaken,
)
from kaikukanta.network.models import (
    HOLDING_STATUSES,
    Area,
    AreaStatus,
    Commitment,
    OperatingModelVersion,
    Organisation,
    OrganisationKind,
    SellerLink,
    SellerLinkStatus,
    Unit,
)


def _check_municipalities(
    municipalities: list[Municipality], status: str, exclude_area: Area | None
) -> None:
    if not municipalities:
        raise AreaNeedsMunicipality()
    if status not in HOLDING_STATUSES:
        return
    clash = (
        Area.objects.holding()
        .filter(municipalities__in=municipalities)
        .exclude(pk=exclude_area.pk if exclude_area else None)
        .prefetch_related("municipalities")
        .select_for_update()
        .first()
    )
    if clash is not None:
        taken = next(m for m in municipalities if m in clash.municipalities.all())
        raise MunicipalityInOtherArea(municipality=taken.name, area=clash.name)


@transaction.atomic
def area_create(
    *,
    scope: Scope,
    name: str,
    municipalities: Iterable[Municipality],
    status: str = AreaStatus.PREPARING,
    status_since: datetime.date | None = None,
    wellbeing_county: WellbeingCounty | None = None,
) -> Area:
    require(scope, Perm.MANAGE_AREAS)
    municipalities = list(municipalities)
    if Area.objects.filter(name=name).exists():
        raise NameTaken(name=name)
    _check_municipalities(municipalities, status, None)
    area = Area.objects.create(
        name=name,
        status=status,
        status_since=status_since or timezone.localdate(),
        wellbeing_county=wellbeing_county,
    )
    area.municipalities.set(municipalities)
    audit_log(action="area.created", scope=scope, target=area, area=area,
              changes={"municipalities": [m.code for m in municipalities], "status": status})
    return area


@transaction.atomic
def area_update(
    *,
    scope: Scope,
    area: Area,
    name: str,
    municipalities: Iterable[Municipality],
    status: str,
    status_since: datetime.date,
    wellbeing_county: WellbeingCounty | None,
) -> Area:
    require(scope, Perm.MANAGE_AREAS)
    municipalities = list(municipalities)
    if Area.objects.filter(name=name).exclude(pk=area.pk).exists():
        raise NameTaken(name=name)
    _check_municipalities(municipalities, status, area)
    before = {"name": area.name, "status": area.status, "status_since": area.status_since,
              "wellbeing_county": area.wellbeing_county_id,
              "municipalities": sorted(area.municipalities.values_list("code", flat=True))}
    area.name, area.status, area.status_since = name, status, status_since
    area.wellbeing_county = wellbeing_county
    area.save()
    area.municipalities.set(municipalities)
    after = {"name": name, "status": status, "status_since": status_since,
             "wellbeing_county": wellbeing_county.code if wellbeing_county else None,
             "municipalities": sorted(m.code for m in municipalities)}
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    audit_log(action="area.updated", scope=scope, target=area, area=area, changes=changes)
    return area


@transaction.atomic
def organisation_create(
    *,
    scope: Scope,
    name: str,
    kind: str,
    sector: str,
    home_area: Area,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    first_unit_name: str | None = None,
    first_unit_municipality: Municipality | None = None,
) -> Organisation:
    """Create an organisation together with its first unit/site (every one has one)."""
    require(scope, Perm.MANAGE_ORGANISATION, Organisation(kind=kind, home_area=home_area))
    if Organisation.objects.filter(home_area=home_area, name=name).exists():
        raise NameTaken(name=name)
    org = Organisation.objects.create(
        name=name, kind=kind, sector=sector, home_area=home_area,
        contact_name=contact_name, contact_email=contact_email, contact_phone=contact_phone,
    )
    Unit.objects.create(organisation=org, name=first_unit_name or name,
                        municipality=first_unit_municipality)
    audit_log(action="organisation.created", scope=scope, target=org, area=home_area,
              organisation=org, changes={"kind": kind, "sector": sector})
    return org


@transaction.atomic
def unit_create(*, scope: Scope, organisation: Organisation, name: str,
                municipality: Municipality | None = None) -> Unit:
    require(scope, Perm.MANAGE_ORGANISATION, organisation)
    if Unit.objects.filter(organisation=organisation, name=name).exists():
        raise NameTaken(name=name)
    unit = Unit.objects.create(organisation=organisation, name=name, municipality=municipality)
    audit_log(action="unit.created", scope=scope, target=unit, area=organisation.home_area,
              organisation=organisation)
    return unit


@transaction.atomic
def seller_link_request(*, scope: Scope, seller: Organisation,
                        venue: Organisation) -> SellerLink:
    """A ticket seller asks to record uses for a venue; the venue or its culture-side
    coordinator decides."""
    require(scope, Perm.REQUEST_SELLER_LINK, seller)
    if seller.kind != OrganisationKind.TICKET_SELLER or venue.kind != OrganisationKind.VENUE:
        raise SellerLinkInvalid()
    link, created = SellerLink.objects.get_or_create(seller=seller, venue=venue)
    if not created and link.status == SellerLinkStatus.REJECTED:
        # Asked again after a rejection: back to the venue for a new decision.
        link.status, link.decided_at, link.decided_by = SellerLinkStatus.PENDING, None, None
        link.requested_at = timezone.now()
        link.save()
    audit_log(action="seller_link.requested", scope=scope, target=link, area=venue.home_area,
              organisation=venue)
    return link


@transaction.atomic
def seller_link_decide(*, scope: Scope, link: SellerLink, approve: bool) -> SellerLink:
    require(scope, Perm.APPROVE_SELLER_LINK, link)
    link.status = SellerLinkStatus.APPROVED if approve else SellerLinkStatus.REJECTED
    link.decided_at = timezone.now()
    link.decided_by_id = scope.user_id
    link.save()
    audit_log(action=f"seller_link.{link.status}", scope=scope, target=link,
              area=link.venue.home_area, organisation=link.venue)
    return link


@transaction.atomic
def operating_model_publish(*, scope: Scope, version: str, published_on: datetime.date,
                            summary_fi: str, summary_sv: str = "",
                            summary_en: str = "") -> OperatingModelVersion:
    """Publish a new version of the national operating model (the national team)."""
    require(scope, Perm.MANAGE_AREAS)
    if OperatingModelVersion.objects.filter(version=version).exists():
        raise VersionTaken(version=version)
    obj = OperatingModelVersion.objects.create(
        version=version, published_on=published_on, summary_fi=summary_fi,
        summary_sv=summary_sv, summary_en=summary_en,
    )
    audit_log(action="operating_model.published", scope=scope, target=obj)
    return obj


@transaction.atomic
def commitment_acknowledge(*, scope: Scope, organisation: Organisation,
                           version: OperatingModelVersion | None = None,
                           on: datetime.date | None = None) -> Commitment:
    """The organisation (its staff, or its coordinator on its behalf) acknowledges a
    version of the national operating model, by default the current one."""
    require(scope, Perm.ACKNOWLEDGE_COMMITMENT, organisation)
    version = version or OperatingModelVersion.objects.first()
    if version is None:
        raise NoOperatingModel()
    if Commitment.objects.filter(organisation=organisation, version=version).exists():
        raise AlreadyCommitted(version=version.version)
    obj = Commitment.objects.create(
        organisation=organisation, version=version,
        acknowledged_on=on or timezone.localdate(),
        acknowledged_by_id=scope.user_id,
    )
    audit_log(action="commitment.acknowledged", scope=scope, target=obj,
              area=organisation.home_area, organisation=organisation,
              changes={"version": version.version})
    return obj


@transaction.atomic
def organisation_update(
    *,
    scope: Scope,
    organisation: Organisation,
    name: str,
    sector: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    is_active: bool = True,
) -> Organisation:
    """Edit an organisation. The audit log names the changed contact fields, not their
    values (staff data stays minimal)."""
    require(scope, Perm.MANAGE_ORGANISATION, organisation)
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if Organisation.objects.filter(home_area_id=org.home_area_id, name=name).exclude(
            pk=org.pk).exists():
        raise NameTaken(name=name)
    new = {"name": name, "sector": sector, "contact_name": contact_name,
           "contact_email": contact_email, "contact_phone": contact_phone,
           "is_active": is_active}
    changes: dict = {}
    for key, value in new.items():
        old = getattr(org, key)
        if old != value:
            changes[key] = "changed" if key.startswith("contact_") else [old, value]
            setattr(org, key, value)
    if changes:
        org.save()
        action = "organisation.updated"
        if list(changes) == ["is_active"]:
            action = "organisation.activated" if is_active else "organisation.deactivated"
        audit_log(action=action, scope=scope, target=org, area=org.home_area,
                  organisation=org, changes=changes)
    organisation.refresh_from_db()
    return org


@transaction.atomic
def unit_update(*, scope: Scope, unit: Unit, name: str, municipality: Municipality | None,
                is_active: bool = True) -> Unit:
    obj = Unit.objects.select_for_update().select_related("organisation").get(pk=unit.pk)
    require(scope, Perm.MANAGE_ORGANISATION, obj.organisation)
    if Unit.objects.filter(organisation_id=obj.organisation_id, name=name).exclude(
            pk=obj.pk).exists():
        raise NameTaken(name=name)
    changes: dict = {}
    if obj.name != name:
        changes["name"] = [obj.name, name]
    if obj.municipality_id != (municipality.pk if municipality else None):
        changes["municipality"] = [str(obj.municipality or ""), str(municipality or "")]
    if obj.is_active != is_active:
        changes["is_active"] = [obj.is_active, is_active]
    if changes:
        obj.name, obj.municipality, obj.is_active = name, municipality, is_active
        obj.save()
        audit_log(action="unit.updated", scope=scope, target=obj,
                  area=obj.organisation.home_area, organisation=obj.organisation,
                  changes=changes)
    return obj
