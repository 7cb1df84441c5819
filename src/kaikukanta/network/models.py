"""The Kaikukortti network: areas, organisations, their units and commitments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaikukanta.lib.roles import OrganisationKind
from kaikukanta.lib.scope import Scope

__all__ = ["OrganisationKind"]  # defined with the roles, at the bottom layer


class AreaStatus(models.TextChoices):
    PREPARING = "preparing", _("Preparing")
    TRIAL = "trial", _("Trial")
    PERMANENT = "permanent", _("Permanent")
    ENDED = "ended", _("Ended")


# Statuses in which cards are handed out and used.
OPERATING_STATUSES = (AreaStatus.TRIAL, AreaStatus.PERMANENT)
# Statuses in which an area holds its municipalities (no other area may take them).
HOLDING_STATUSES = (AreaStatus.PREPARING, AreaStatus.TRIAL, AreaStatus.PERMANENT)


class AreaQuerySet(models.QuerySet):
    def for_scope(self, scope: Scope) -> AreaQuerySet:
        """Areas a coordinator runs, and their organisations' home areas for staff."""
        if scope.is_national:
            return self
        return self.filter(pk__in=scope.visible_area_ids)

    def holding(self) -> AreaQuerySet:
        return self.filter(status__in=HOLDING_STATUSES)

    def operating(self) -> AreaQuerySet:
        return self.filter(status__in=OPERATING_STATUSES)


class Area(models.Model):
    """Area (Kaikukortti-alue): the local network of one or more municipalities."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    municipalities = models.ManyToManyField(
        "geo.Municipality", verbose_name=_("municipalities"), related_name="areas"
    )
    wellbeing_county = models.ForeignKey(
        "geo.WellbeingCounty",
        verbose_name=_("wellbeing services county"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="areas",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=AreaStatus.choices, default=AreaStatus.PREPARING
    )
    status_since = models.DateField(_("status since"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return self.name

    @property
    def is_operating(self) -> bool:
        return self.status in OPERATING_STATUSES


class Sector(models.TextChoices):
    PUBLIC = "public", _("Public sector")
    THIRD = "third", _("Third sector")
    PRIVATE = "private", _("Private sector")


class OrganisationQuerySet(models.QuerySet):
    def for_scope(self, scope: Scope) -> OrganisationQuerySet:
        """Organisations a coordinator runs (plus ticket sellers from elsewhere that sell,
        or ask to sell, for their venues); staff their own, and ticket sellers the venues
        that approved them."""
        if scope.is_national:
            return self
        q = scope.runs_q() | Q(pk__in=scope.staff_org_ids | scope.seller_venue_ids)
        if scope.culture_area_ids:
            q |= Q(pk__in=SellerLink.objects.filter(
                venue__home_area__in=scope.culture_area_ids).values("seller_id"))
        return self.filter(q)

    def distributors(self) -> OrganisationQuerySet:
        return self.filter(kind=OrganisationKind.DISTRIBUTOR)

    def venues(self) -> OrganisationQuerySet:
        return self.filter(kind=OrganisationKind.VENUE)

    def ticket_sellers(self) -> OrganisationQuerySet:
        return self.filter(kind=OrganisationKind.TICKET_SELLER)


class Organisation(models.Model):
    """A member of an area's network: distributor (kortinjakaja), venue (Kaikukortti-kohde)
    or ticket seller (lipunvälittäjä)."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=OrganisationKind.choices)
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    home_area = models.ForeignKey(
        Area, verbose_name=_("home area"), on_delete=models.PROTECT, related_name="organisations"
    )
    # The organisation's named Kaikukortti contact person (work details only).
    contact_name = models.CharField(_("contact person"), max_length=120)
    contact_email = models.EmailField(_("contact person's work email"))
    contact_phone = models.CharField(_("contact person's work phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["home_area", "name"], name="org_unique_name_in_area"),
        ]

    def __str__(self) -> str:
        return self.name


class UnitQuerySet(models.QuerySet):
    def for_scope(self, scope: Scope) -> UnitQuerySet:
        """Units of the organisations a coordinator runs; staff's own units (a
        distributor's or a site's staff only theirs) and the sites of the venues that
        approved their ticket seller."""
        if scope.is_national:
            return self
        return self.filter(
            scope.runs_q("organisation__")
            | Q(pk__in=scope.distributor_unit_ids | scope.venue_site_ids)
            | Q(organisation__in=scope.venue_org_ids | scope.seller_org_ids
                | scope.seller_venue_ids)
        )

    def recording_for(self, scope: Scope) -> UnitQuerySet:
        """The sites where the scope records uses (`Scope.may_record_at` as a query)."""
        return self.filter(scope.recording_sites_q())


def unit_label(name: str, organisation_name: str) -> str:
    """A unit's name as shown: with its organisation's unless they are the same (`Unit`'s
    str; also for units read as values, without Unit objects)."""
    if name == organisation_name:
        return name
    return f"{organisation_name} – {name}"


class Unit(models.Model):
    """Unit or site (toimipiste) of an organisation.

    A distributor's units issue cards; a venue organisation's units are the sites where
    uses happen (for example each of a city's museums).
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
        related_name="units",
    )
    name = models.CharField(_("name"), max_length=200)
    municipality = models.ForeignKey(
        "geo.Municipality", verbose_name=_("municipality"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unit_unique_name"),
            # what a use's one foreign key for its site and venue refers to (usage 0008)
            models.UniqueConstraint(fields=["id", "organisation"], name="unit_of_organisation"),
        ]

    def __str__(self) -> str:
        return unit_label(self.name, self.organisation.name)

    @property
    def area(self) -> Area:
        return self.organisation.home_area


class OperatingModelVersion(models.Model):
    """A published version of the national operating model (valtakunnallinen toimintamalli)."""

    version = models.CharField(_("version"), max_length=40, unique=True)
    published_on = models.DateField(_("published"))
    summary_fi = models.TextField(_("text in Finnish"))
    summary_sv = models.TextField(_("text in Swedish"), blank=True)
    summary_en = models.TextField(_("text in English"), blank=True)

    class Meta:
        ordering = ["-published_on", "-id"]
        get_latest_by = ["published_on", "id"]
        verbose_name = _("operating model version")
        verbose_name_plural = _("operating model versions")

    def __str__(self) -> str:
        return self.version


class Commitment(models.Model):
    """An organisation's acknowledgement (sitoumus) of a version of the operating model."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
        related_name="commitments",
    )
    version = models.ForeignKey(
        OperatingModelVersion, verbose_name=_("operating model version"),
        on_delete=models.PROTECT, related_name="commitments",
    )
    acknowledged_on = models.DateField(_("acknowledged on"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("acknowledged by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )

    class Meta:
        ordering = ["-acknowledged_on"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "version"], name="commitment_once"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} / {self.version}"


class SellerLinkStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class SellerLinkQuerySet(models.QuerySet):
    def for_scope(self, scope: Scope) -> SellerLinkQuerySet:
        """Links of the scope's area's or own venues, and of their own ticket seller."""
        if scope.is_national:
            return self
        return self.filter(Q(venue__home_area__in=scope.culture_area_ids)
                           | Q(venue__in=scope.venue_org_ids)
                           | Q(seller__in=scope.seller_org_ids))

    def approved(self) -> SellerLinkQuerySet:
        return self.filter(status=SellerLinkStatus.APPROVED)


class SellerLink(models.Model):
    """A ticket seller's right to record uses for a venue; the venue or its coordinator
    approves it."""

    seller = models.ForeignKey(
        Organisation, verbose_name=_("ticket seller"), on_delete=models.CASCADE,
        related_name="venue_links", limit_choices_to={"kind": OrganisationKind.TICKET_SELLER},
    )
    venue = models.ForeignKey(
        Organisation, verbose_name=_("venue"), on_delete=models.CASCADE,
        related_name="seller_links", limit_choices_to={"kind": OrganisationKind.VENUE},
    )
    status = models.CharField(
        _("status"), max_length=16, choices=SellerLinkStatus.choices,
        default=SellerLinkStatus.PENDING,
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )

    objects = SellerLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket seller link")
        verbose_name_plural = _("ticket seller links")
        constraints = [
            models.UniqueConstraint(fields=["seller", "venue"], name="seller_link_once"),
            models.CheckConstraint(condition=~Q(seller=models.F("venue")), name="seller_not_venue"),
        ]

    def __str__(self) -> str:
        return f"{self.seller} → {self.venue}"


# --- starting a new area, and the national review of new distributors ----------------

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
