"""Coordination: invitations, the new-area checklist and the national review of new
distributors."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaikukanta.lib.roles import Role
from kaikukanta.lib.scope import Scope

LANGUAGE_CHOICES = [("fi", "suomi"), ("sv", "svenska"), ("en", "English")]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    ACCEPTED = "accepted", _("Accepted")
    REVOKED = "revoked", _("Revoked")
    REPLACED = "replaced", _("Replaced by a new link")
    EXPIRED = "expired", _("Expired")


class InvitationQuerySet(models.QuerySet):
    def for_scope(self, scope: Scope) -> InvitationQuerySet:
        """Invitations to the organisations a coordinator runs (national: all)."""
        if scope.is_national:
            return self
        if not scope.coordinator_area_ids:
            return self.none()
        return self.filter(organisation__isnull=False).filter(scope.runs_q("organisation__"))


class Invitation(models.Model):
    """A one-time link that lets a person set a password and get one role. Only a hash
    of the link's token is stored."""

    email = models.EmailField(_("work email"))
    name = models.CharField(_("name"), max_length=120)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES,
                                default="fi")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    area = models.ForeignKey("network.Area", verbose_name=_("area"), on_delete=models.CASCADE,
                             null=True, blank=True, related_name="+")
    organisation = models.ForeignKey(
        "network.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="+",
    )
    unit = models.ForeignKey("network.Unit", verbose_name=_("unit or site"),
                             on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=InvitationStatus.choices,
                              default=InvitationStatus.PENDING)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    expires_at = models.DateTimeField(_("expires"))
    closed_at = models.DateTimeField(_("accepted or closed"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    replaced_by = models.OneToOneField("self", on_delete=models.SET_NULL, null=True,
                                       blank=True, related_name="replaces")

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} ({self.get_role_display()})"

    @property
    def scope_area(self):
        return self.area or (self.organisation.home_area if self.organisation else None)

    @property
    def current_status(self) -> str:
        if self.status == InvitationStatus.PENDING and self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return self.status

    def get_current_status_display(self) -> str:
        return str(InvitationStatus(self.current_status).label)

    @property
    def is_open(self) -> bool:
        return self.current_status in (InvitationStatus.PENDING, InvitationStatus.EXPIRED)


class ChecklistStep(models.TextChoices):
    """The ten steps of starting Kaikukortti in a new area (Kaikukeskus)."""

    PRESENTATION = "presentation", _("Presentation event")
    WORKING_PAIR = "working_pair", _("Local working pair or group")
    TRAINING = "training", _("Training by the national team")
    WORKSHOP = "workshop", _("Local workshop for distributors and venues")
    COMMITMENTS = "commitments", _("Commitments of the organisations")
    USERS = "users", _("Users in the registry")
    CARDS = "cards", _("Card printing and local materials")
    ORIENTATION = "orientation", _("Orientation of distributor and venue staff")
    START = "start", _("Start of distribution and registration")
    FEEDBACK = "feedback", _("Local feedback meetings")


STEP_ORDER = list(ChecklistStep.values)


class StepStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class AreaChecklistStepQuerySet(models.QuerySet):
    def for_scope(self, scope: Scope) -> AreaChecklistStepQuerySet:
        if scope.is_national:
            return self
        return self.filter(area__in=scope.coordinator_area_ids)


class AreaChecklistStep(models.Model):
    """The state of one step of an area's start. The note is about the area's work,
    never about people."""

    area = models.ForeignKey("network.Area", verbose_name=_("area"), on_delete=models.CASCADE,
                             related_name="checklist_steps")
    step = models.CharField(_("step"), max_length=20, choices=ChecklistStep.choices)
    status = models.CharField(_("status"), max_length=16, choices=StepStatus.choices,
                              default=StepStatus.NOT_STARTED)
    on = models.DateField(_("date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )

    objects = AreaChecklistStepQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist step")
        verbose_name_plural = _("checklist steps")
        constraints = [
            models.UniqueConstraint(fields=["area", "step"], name="checklist_step_once"),
        ]

    def __str__(self) -> str:
        return f"{self.area} / {self.get_step_display()}"

    @property
    def number(self) -> int:
        return STEP_ORDER.index(self.step) + 1


class DistributorReviewQuerySet(models.QuerySet):
    def pending(self) -> DistributorReviewQuerySet:
        return self.filter(reviewed_at__isnull=True)

    def for_scope(self, scope: Scope) -> DistributorReviewQuerySet:
        if scope.is_national:
            return self
        return self.filter(organisation__home_area__in=scope.welfare_area_ids)


class DistributorReview(models.Model):
    """A new distributor flagged for the national team: new distributors are discussed
    with Kaikukeskus first."""

    organisation = models.OneToOneField(
        "network.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE,
        related_name="national_review",
    )
    flagged_at = models.DateTimeField(_("flagged"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )

    objects = DistributorReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-flagged_at"]
        verbose_name = _("national review of a new distributor")
        verbose_name_plural = _("national reviews of new distributors")

    def __str__(self) -> str:
        return str(self.organisation)
