"""Reads of the network: what a coordinator runs, the state of areas and commitments."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from kaikukanta.lib.scope import Scope
from kaikukanta.network.models import (
    STEP_ORDER,
    Area,
    AreaChecklistStep,
    Commitment,
    OperatingModelVersion,
    Organisation,
    OrganisationKind,
    StepStatus,
    Unit,
)


def managed_organisations(scope: Scope) -> QuerySet[Organisation]:
    """What the scope sees, narrowed to what it runs (ticket sellers from other areas that
    sell for this area's venues are seen but not run)."""
    qs = Organisation.objects.for_scope(scope).select_related("home_area")
    if scope.is_national:
        return qs
    return qs.filter(scope.runs_q())


def managed_units(scope: Scope) -> QuerySet[Unit]:
    qs = Unit.objects.for_scope(scope).select_related("organisation__home_area")
    if scope.is_national:
        return qs
    return qs.filter(scope.runs_q("organisation__"))


def coordinated_areas(scope: Scope) -> QuerySet[Area]:
    if scope.is_national:
        return Area.objects.all()
    return Area.objects.filter(pk__in=scope.coordinator_area_ids)


def kinds_for(scope: Scope, area: Area) -> list[str]:
    """The organisation kinds the scope may create in an area, in menu order."""
    kinds = set(OrganisationKind.values) if scope.is_national else scope.kinds_run_in(area.pk)
    return [k for k in OrganisationKind.values if k in kinds]


def checklist_for(area: Area) -> list[AreaChecklistStep]:
    """All ten steps in order; steps never touched are unsaved 'not started' rows."""
    saved = {s.step: s for s in AreaChecklistStep.objects.filter(area=area)}
    return [saved.get(step) or AreaChecklistStep(area=area, step=step) for step in STEP_ORDER]


def areas_at_a_glance(scope: Scope) -> list[dict]:
    """Areas with their status, municipalities, organisation counts and checklist
    progress; a fixed number of queries."""
    areas = list(
        coordinated_areas(scope).select_related("wellbeing_county").prefetch_related(
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


def staff_organisations(scope: Scope) -> QuerySet[Organisation]:
    """Organisations the user works for (any staff role)."""
    return Organisation.objects.filter(pk__in=scope.staff_org_ids).select_related("home_area")
