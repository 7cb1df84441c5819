"""Demo coordination data: checklist states, one waiting invitation, a new distributor
waiting for the national review, and commitments of some organisations. Idempotent."""

from __future__ import annotations

import datetime

from kaikukanta.accounts.models import Role
from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.coordination import services
from kaikukanta.coordination.models import (
    STEP_ORDER,
    AreaChecklistStep,
    Invitation,
    InvitationStatus,
    StepStatus,
)
from kaikukanta.demo.context import DemoContext
from kaikukanta.network import services as network_services
from kaikukanta.network.models import Commitment, Organisation, OrganisationKind, Sector

OULU_NOTES = {
    "presentation": "Esittelytilaisuus kaupungintalolla.",
    "workshop": "Työpaja pääkirjastossa, mukana 18 toimijaa.",
    "cards": "Kortit tilattu painosta, esitteet työn alla.",
}
NEW_DISTRIBUTOR = "Oulun seudun kriisikeskus ry"
INVITED_EMAIL = "uusi.jakaja@demo.kaikukanta.fi"


def _checklist(area, scope, done_until: int, in_progress: int | None, start: datetime.date):
    if AreaChecklistStep.objects.filter(area=area).exists():
        return
    for i, step in enumerate(STEP_ORDER):
        if i < done_until:
            status, on = StepStatus.DONE, start + datetime.timedelta(days=30 * i)
        elif i == in_progress:
            status, on = StepStatus.IN_PROGRESS, None
        else:
            continue
        services.checklist_step_set(scope=scope, area=area, step=step, status=status, on=on,
                                    note=OULU_NOTES.get(step, "") if area.name == "Oulu" else "")


def load(ctx: DemoContext) -> None:
    national = scope_for_user(ctx["user_national"])
    _checklist(ctx["area_espoo"], national, 10, None, datetime.date(2014, 9, 1))
    _checklist(ctx["area_kainuu"], national, 10, None, datetime.date(2016, 1, 15))
    _checklist(ctx["area_oulu"], scope_for_user(ctx["user_coordinator_oulu"]), 6, 6,
               datetime.date(2023, 6, 1))

    # A new distributor in Oulu, waiting for the national team's review.
    if not Organisation.objects.filter(name=NEW_DISTRIBUTOR).exists():
        services.organisation_add(
            scope=scope_for_user(ctx["user_coordinator_oulu"]), area=ctx["area_oulu"],
                                 name=NEW_DISTRIBUTOR,
            kind=OrganisationKind.DISTRIBUTOR, sector=Sector.THIRD,
            contact_name="Demo Yhteyshenkilö", contact_email="kriisikeskus@demo.kaikukanta.fi",
            first_unit_name="Kriisikeskuksen toimipiste",
        )

    # One invitation waiting to be accepted (the link is printed by the console email).
    if not Invitation.objects.filter(email=INVITED_EMAIL,
                                     status=InvitationStatus.PENDING).exists():
        org = ctx["dist_espoo_ngo"]
        services.invitation_create(
            scope=scope_for_user(ctx["user_welfare_espoo"]), email=INVITED_EMAIL,
                                 name="Uusi Jakaja",
            role=Role.DISTRIBUTOR_STAFF, language="fi", organisation=org,
            unit=ctx["dist_espoo_ngo_units"][0], base_url="http://127.0.0.1:8000",
        )

    # Commitments: the Espoo and Kainuu organisations have acknowledged; Oulu's not yet.
    for key, actor_key in [("dist_espoo_social", "user_distributor_espoo"),
                           ("venue_espoo_city", "user_venue_espoo"),
                           ("dist_kainuu", "user_welfare_kainuu"),
                           ("venue_kainuu", "user_culture_kainuu")]:
        org = ctx[key]
        if not Commitment.objects.filter(organisation=org).exists():
            network_services.commitment_acknowledge(scope=scope_for_user(ctx[actor_key]),
                                                    organisation=org)
