"""Reads for coordination: what a coordinator manages, and the state of areas."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from kaikukanta.accounts.models import COORDINATOR_ROLES, Membership, Role, User
from kaikukanta.accounts.scope import Scope, scope_for
from kaikukanta.coordination.models import (
    STEP_ORDER,
    AreaChecklistStep,
    StepStatus,
)
from kaikukanta.network.models import (
    Area,
    Commitment,
    OperatingModelVersion,
    Organisation,
    OrganisationKind,
    Unit,
)

CULTURE_KINDS = (OrganisationKind.VENUE, OrganisationKind.TICKET_SELLER)


def managed_organisation_q(scope: Scope, prefix: str = "") -> Q:
    """Organisations a coordinator runs: their area(s) AND their side only."""
    p = prefix
    q = Q(**{f"{p}pk__in": []})
    if scope.culture_area_ids:
        q |= Q(**{f"{p}home_area__in": scope.culture_area_ids, f"{p}kind__in": CULTURE_KINDS})
    if scope.welfare_area_ids:
        q |= Q(**{f"{p}home_area__in": scope.welfare_area_ids,
                  f"{p}kind": OrganisationKind.DISTRIBUTOR})
    return q


def managed_organisations(user) -> QuerySet[Organisation]:
    """What the user sees, narrowed to what they run (ticket sellers from other areas that
    sell for this area's venues are seen but not run)."""
    scope = scope_for(user)
    qs = Organisation.objects.visible_to(user).select_related("home_area")
    if scope.is_national:
        return qs
    return qs.filter(managed_organisation_q(scope))


def managed_units(user) -> QuerySet[Unit]:
    scope = scope_for(user)
    qs = Unit.objects.visible_to(user).select_related("organisation__home_area")
    if scope.is_national:
        return qs
    return qs.filter(managed_organisation_q(scope, prefix="organisation__"))


def coordinated_areas(user) -> QuerySet[Area]:
    scope = scope_for(user)
    if scope.is_national:
        return Area.objects.all()
    return Area.objects.filter(pk__in=scope.coordinator_area_ids)


def kinds_for(user, area: Area) -> list[str]:
    """The organisation kinds the user may create in an area."""
    scope = scope_for(user)
    if scope.is_national:
        return list(OrganisationKind.values)
    kinds = []
    if area.pk in scope.welfare_area_ids:
        kinds.append(OrganisationKind.DISTRIBUTOR)
    if area.pk in scope.culture_area_ids:
        kinds.extend(CULTURE_KINDS)
    return kinds


def users_in_scope(user) -> QuerySet[User]:
    """Staff accounts whose roles lie in what the user manages (national: everyone)."""
    scope = scope_for(user)
    qs = User.objects.all()
    if scope.is_national:
        return qs
    if not scope.coordinator_area_ids:
        return qs.none()
    staff = Membership.objects.filter(managed_organisation_q(scope, prefix="organisation__"))
    return qs.filter(pk__in=staff.values("user_id"))


def area_user_ids(area: Area) -> QuerySet:
    return (
        Membership.objects.filter(Q(area=area) | Q(organisation__home_area=area))
        .values("user_id").distinct()
    )


def area_user_count(area: Area) -> int:
    return User.objects.filter(is_active=True, pk__in=area_user_ids(area)).count()


def checklist_for(area: Area) -> list[AreaChecklistStep]:
    """All ten steps in order; steps never touched are unsaved 'not started' rows."""
    saved = {s.step: s for s in AreaChecklistStep.objects.filter(area=area)}
    return [saved.get(step) or AreaChecklistStep(area=area, step=step) for step in STEP_ORDER]


def areas_at_a_glance(user) -> list[dict]:
    """Areas with their status, municipalities, organisation counts and checklist
    progress; a fixed number of queries."""
    areas = list(
        coordinated_areas(user).select_related("wellbeing_county").prefetch_related(
            "municipalities"
        ).annotate(
            n_distributors=Count("organisations", filter=Q(
                organisations__kind=OrganisationKind.DISTRIBUTOR,
                organisations__is_active=True), distinct=True),
            n_venues=Count("organisations", filter=Q(
                organisations__kind=OrganisationKind.VENUE,
                organisations__is_active=True), distinct=True),
            n_sellers=Count("organisations", filter=Q(
                organisations__kind=OrganisationKind.TICKET_SELLER,
                organisations__is_active=True), distinct=True),
        )
    )
    done = dict(
        AreaChecklistStep.objects.filter(area__in=areas, status=StepStatus.DONE)
        .values("area").annotate(n=Count("id")).values_list("area", "n")
    )
    return [
        {"area": a, "municipalities": list(a.municipalities.all()), "steps_done": done.get(a.pk, 0),
         "steps_total": len(STEP_ORDER)}
        for a in areas
    ]


def current_operating_model() -> OperatingModelVersion | None:
    return OperatingModelVersion.objects.first()


def commitment_overview(organisations) -> list[dict]:
    """Per organisation: the latest acknowledgement and whether it is the current
    version."""
    current = current_operating_model()
    orgs = list(organisations)
    latest: dict[int, Commitment] = {}
    for c in (Commitment.objects.filter(organisation__in=orgs)
              .select_related("version", "acknowledged_by")
              .order_by("organisation_id", "-version__published_on", "-version_id")):
        latest.setdefault(c.organisation_id, c)
    return [
        {"org": o, "latest": latest.get(o.pk),
         "current": bool(current and latest.get(o.pk)
                         and latest[o.pk].version_id == current.pk)}
        for o in orgs
    ]


def staff_organisations(user) -> QuerySet[Organisation]:
    """Organisations the user works for (any staff role)."""
    scope = scope_for(user)
    ids = (scope.distributor_org_ids | scope.venue_org_ids | scope.venue_site_org_ids
           | scope.seller_org_ids)
    return Organisation.objects.filter(pk__in=ids).select_related("home_area")


def is_coordinator_role(role: str) -> bool:
    return role in COORDINATOR_ROLES or role == Role.NATIONAL_ADMIN
