"""Writes of the coordinators and the national team.

Each function receives the actor's `scope`, checks that it may do it (`require`),
changes the data in one transaction and writes the audit log. Network rows themselves are written by
`kaikukanta.network.services`.
"""

from __future__ import annotations

import datetime
import secrets
import smtplib

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from kaikukanta.accounts.models import COORDINATOR_ROLES, Membership, Role, User
from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.audit.services import audit_log
from kaikukanta.coordination.errors import (
    AlreadyReviewed,
    CannotDeactivateSelf,
    EmailNotSent,
    InvitationAccountDeactivated,
    InvitationClosed,
    InvitationExpired,
    InvitationNeedsSignIn,
    InvitationReplaced,
    InvitationRevoked,
    InvitationUnknown,
    InvitationUsed,
    RoleScopeInvalid,
)
from kaikukanta.coordination.models import (
    AreaChecklistStep,
    ChecklistStep,
    DistributorReview,
    Invitation,
    InvitationStatus,
    StepStatus,
    hash_token,
)
from kaikukanta.geo.models import Municipality
from kaikukanta.lib.errors import InvalidInput
from kaikukanta.lib.permissions import Perm, can, require
from kaikukanta.lib.scope import Scope
from kaikukanta.network import services as network
from kaikukanta.network.models import (
    Area,
    Organisation,
    OrganisationKind,
    Unit,
)

INVITATION_VALID_HOURS = 72
ROLE_FOR_KIND = {
    OrganisationKind.DISTRIBUTOR: Role.DISTRIBUTOR_STAFF,
    OrganisationKind.VENUE: Role.VENUE_STAFF,
    OrganisationKind.TICKET_SELLER: Role.SELLER_STAFF,
}


# --- invitations -------------------------------------------------------------------

def _check_role_shape(role: str, area, organisation, unit) -> None:
    """The role and its scope must fit together (as the Membership constraint says)."""
    if role == Role.NATIONAL_ADMIN:
        ok = area is None and organisation is None and unit is None
    elif role in COORDINATOR_ROLES:
        ok = area is not None and organisation is None and unit is None
    elif role in ROLE_FOR_KIND.values():
        ok = (
            area is None and organisation is not None
            and ROLE_FOR_KIND[organisation.kind] == role
            and (unit is None or unit.organisation_id == organisation.pk)
            and (unit is not None or role != Role.DISTRIBUTOR_STAFF)
            and (unit is None or role != Role.SELLER_STAFF)
        )
    else:
        ok = False
    if not ok:
        raise RoleScopeInvalid()


def _send_invitation(invitation: Invitation, token: str, base_url: str) -> None:
    link = base_url.rstrip("/") + reverse("coordination:invitation_accept", args=[token])
    with translation.override(invitation.language):
        context = {"invitation": invitation, "link": link, "hours": INVITATION_VALID_HOURS,
                   "role": invitation.get_role_display(),
                   "where": invitation.unit or invitation.organisation or invitation.area}
        subject = render_to_string("coordination/email/invitation_subject.txt", context)
        body = render_to_string("coordination/email/invitation.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL,
                  [invitation.email])
    except (OSError, smtplib.SMTPException) as exc:
        # raised inside the transaction, so the invitation is not saved either
        raise EmailNotSent() from exc


def _new_invitation(*, scope: Scope, email: str, name: str, role: str, language: str, area,
                    organisation, unit, base_url: str) -> Invitation:
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=User.objects.normalize_email(email).strip().lower(), name=name.strip(),
        language=language if language in dict(settings.LANGUAGES) else "fi",
        role=role, area=area, organisation=organisation, unit=unit,
        token_hash=hash_token(token),
        created_by_id=scope.user_id,
        expires_at=timezone.now() + datetime.timedelta(hours=INVITATION_VALID_HOURS),
    )
    _send_invitation(invitation, token, base_url)
    invitation.link_token = token  # only in memory: the email carries it
    return invitation


@transaction.atomic
def invitation_create(
    *,
    scope: Scope,
    email: str,
    name: str,
    role: str,
    language: str = "fi",
    area: Area | None = None,
    organisation: Organisation | None = None,
    unit: Unit | None = None,
    base_url: str = "",
) -> Invitation:
    """Invite a person to one role; emails them a one-time link in their language."""
    _check_role_shape(role, area, organisation, unit)
    require(scope, Perm.GRANT_ROLE,
             Membership(role=role, area=area, organisation=organisation, unit=unit))
    invitation = _new_invitation(scope=scope, email=email, name=name, role=role,
                                 language=language, area=area, organisation=organisation,
                                 unit=unit, base_url=base_url)
    audit_log(action="invitation.sent", scope=scope, target=invitation,
              area=invitation.scope_area, organisation=organisation,
              changes={"role": role})
    return invitation


def _invitation_for_change(scope: Scope, invitation: Invitation) -> Invitation:
    inv = Invitation.objects.select_for_update().get(pk=invitation.pk)
    require(scope, Perm.GRANT_ROLE, Membership(role=inv.role, area=inv.area,
                                                organisation=inv.organisation, unit=inv.unit))
    if inv.status != InvitationStatus.PENDING:
        raise InvitationClosed()
    return inv


@transaction.atomic
def invitation_resend(*, scope: Scope, invitation: Invitation, base_url: str = "") -> Invitation:
    """Send a new link; the old link stops working."""
    old = _invitation_for_change(scope, invitation)
    new = _new_invitation(scope=scope, email=old.email, name=old.name, role=old.role,
                          language=old.language, area=old.area, organisation=old.organisation,
                          unit=old.unit, base_url=base_url)
    old.status, old.closed_at, old.replaced_by = InvitationStatus.REPLACED, timezone.now(), new
    old.save(update_fields=["status", "closed_at", "replaced_by"])
    audit_log(action="invitation.resent", scope=scope, target=new, area=new.scope_area,
              organisation=new.organisation, changes={"replaces": old.pk})
    return new


@transaction.atomic
def invitation_revoke(*, scope: Scope, invitation: Invitation) -> Invitation:
    inv = _invitation_for_change(scope, invitation)
    inv.status, inv.closed_at = InvitationStatus.REVOKED, timezone.now()
    inv.save(update_fields=["status", "closed_at"])
    audit_log(action="invitation.revoked", scope=scope, target=inv, area=inv.scope_area,
              organisation=inv.organisation)
    return inv


_REFUSALS = {
    InvitationStatus.ACCEPTED: InvitationUsed,
    InvitationStatus.REVOKED: InvitationRevoked,
    InvitationStatus.REPLACED: InvitationReplaced,
    InvitationStatus.EXPIRED: InvitationExpired,
}


def invitation_open(token: str, *, for_update: bool = False) -> Invitation:
    """The pending invitation behind a link, or the reason it cannot be used."""
    qs = Invitation.objects.select_related("area", "organisation", "unit")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    invitation = qs.filter(token_hash=hash_token(token or "")).first()
    if invitation is None:
        raise InvitationUnknown()
    status = invitation.current_status
    if status != InvitationStatus.PENDING:
        raise _REFUSALS[status]()
    return invitation


def _grant_invited_role(invitation: Invitation, user: User, *, created: bool) -> None:
    Membership.objects.get_or_create(user=user, role=invitation.role, area=invitation.area,
                                     organisation=invitation.organisation, unit=invitation.unit)
    invitation.status, invitation.closed_at = InvitationStatus.ACCEPTED, timezone.now()
    invitation.user = user
    invitation.save(update_fields=["status", "closed_at", "user"])
    audit_log(action="invitation.accepted", scope=scope_for_user(user), target=invitation,
              area=invitation.scope_area, organisation=invitation.organisation,
              changes={"role": invitation.role, "new_account": created})


@transaction.atomic
def invitation_accept(*, token: str, name: str, password: str) -> User:
    """Create the account, set its password and give it the role. Raises ValidationError
    for a weak password. An invitation never touches an existing account's password or
    brings a deactivated account back: an existing active account accepts by signing in
    (`invitation_accept_signed_in`)."""
    invitation = invitation_open(token, for_update=True)
    existing = User.objects.select_for_update().filter(email=invitation.email).first()
    if existing is not None:
        raise (InvitationNeedsSignIn if existing.is_active else InvitationAccountDeactivated)()
    user = User(email=invitation.email, language=invitation.language,
                name=name.strip() or invitation.name)
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save()
    _grant_invited_role(invitation, user, created=True)
    return user


@transaction.atomic
def invitation_accept_signed_in(*, token: str, user: User) -> User:
    """An existing account accepts an invitation to its own email address after signing in
    with its own password: it gets the role; nothing else about the account changes."""
    invitation = invitation_open(token, for_update=True)
    account = User.objects.select_for_update().filter(email=invitation.email).first()
    if account is None or account.pk != user.pk:
        raise InvitationNeedsSignIn()
    if not account.is_active:
        raise InvitationAccountDeactivated()
    _grant_invited_role(invitation, account, created=False)
    return account


def invitation_account(invitation: Invitation) -> User | None:
    """The existing account of an invitation's email address, if there is one."""
    return User.objects.filter(email=invitation.email).first()


# --- accounts ------------------------------------------------------------------------

@transaction.atomic
def user_set_active(*, scope: Scope, user: User, is_active: bool) -> User:
    """Deactivate (or reactivate) an account in the actor's scope. A deactivated user
    cannot sign in, and their open sessions stop working on the next request."""
    if user.pk == scope.user_id:
        raise CannotDeactivateSelf()
    require(scope, Perm.MANAGE_USER, user)
    target = User.objects.select_for_update().get(pk=user.pk)
    revoked = 0
    if not is_active:
        # pending invitations to the same address would bring the account back
        revoked = Invitation.objects.filter(
            email=target.email, status=InvitationStatus.PENDING).update(
            status=InvitationStatus.REVOKED, closed_at=timezone.now())
    if target.is_active != is_active or revoked:
        target.is_active = is_active
        target.save(update_fields=["is_active"])
        first = target.memberships.select_related("organisation", "area").first()
        area = None
        if first is not None:
            area = first.area or (first.organisation.home_area if first.organisation else None)
        audit_log(action="user.activated" if is_active else "user.deactivated", scope=scope,
                  target=target, area=area,
                  organisation=first.organisation if first is not None else None,
                  changes={"invitations_revoked": revoked} if revoked else None)
    user.is_active = target.is_active
    return target


# --- organisations (coordinators, by side) -----------------------------------------

@transaction.atomic
def organisation_add(
    *,
    scope: Scope,
    area: Area,
    name: str,
    kind: str,
    sector: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    first_unit_name: str | None = None,
    first_unit_municipality: Municipality | None = None,
) -> Organisation:
    """A coordinator adds an organisation on their side. A new distributor is flagged
    for the national team, who discuss new distributors first."""
    org = network.organisation_create(
        scope=scope, name=name, kind=kind, sector=sector, home_area=area,
        contact_name=contact_name, contact_email=contact_email, contact_phone=contact_phone,
        first_unit_name=first_unit_name, first_unit_municipality=first_unit_municipality,
    )
    if kind == OrganisationKind.DISTRIBUTOR and not can(scope, Perm.ADMIN_SITE):
        DistributorReview.objects.create(organisation=org)
        audit_log(action="distributor.flagged_for_review", scope=scope, target=org,
                  area=area, organisation=org)
    return org


@transaction.atomic
def distributor_review_mark(*, scope: Scope, review: DistributorReview) -> DistributorReview:
    require(scope, Perm.ADMIN_SITE)
    review = DistributorReview.objects.select_for_update().get(pk=review.pk)
    if review.reviewed_at is not None:
        raise AlreadyReviewed()
    review.reviewed_at, review.reviewed_by_id = timezone.now(), scope.user_id
    review.save(update_fields=["reviewed_at", "reviewed_by"])
    audit_log(action="distributor.reviewed", scope=scope, target=review.organisation,
              area=review.organisation.home_area, organisation=review.organisation)
    return review


# --- the new-area checklist ---------------------------------------------------------

@transaction.atomic
def checklist_step_set(*, scope: Scope, area: Area, step: str, status: str,
                       on: datetime.date | None = None, note: str = "") -> AreaChecklistStep:
    require(scope, Perm.COORDINATE_AREA, area)
    if step not in ChecklistStep.values or status not in StepStatus.values:
        raise InvalidInput(field="status")
    obj, _created = AreaChecklistStep.objects.select_for_update().get_or_create(
        area=area, step=step)
    changes = {}
    for key, value in (("status", status), ("on", on), ("note", note.strip())):
        if getattr(obj, key) != value:
            changes[key] = [getattr(obj, key), value]
            setattr(obj, key, value)
    obj.updated_by_id = scope.user_id
    obj.save()
    if changes:
        note_changed = changes.pop("note", None) is not None
        audit_log(action="checklist.updated", scope=scope, target=obj, area=area,
                  changes={"step": step, **changes, "note_changed": note_changed})
    return obj
