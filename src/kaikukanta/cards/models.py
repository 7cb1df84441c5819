"""Card stock and registered cards.

A card row exists from the moment its number is printed (status ``unused``). Registering
fills in the few facts the registry keeps about the holder: birth year, postal code (and
its municipality), number of minor children and the optional categories. Nothing that
identifies a person is ever stored: see `HOLDER_FIELDS` and `tests/test_privacy.py`.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaikukanta.cards import numbers
from kaikukanta.lib.cellkey import new_record_key
from kaikukanta.lib.roles import WELFARE_KINDS
from kaikukanta.lib.scope import Scope


class CardKind(models.TextChoices):
    PERSONAL = "personal", _("Personal card")
    COMMUNITY = "community", _("Community card")


class CardStatus(models.TextChoices):
    UNUSED = "unused", _("Unused")
    ACTIVE = "active", _("Registered")
    INACTIVE = "inactive", _("Inactivated")
    VOIDED = "voided", _("Voided")


class InactiveReason(models.TextChoices):
    LOST = "lost", _("Lost")
    STOLEN = "stolen", _("Stolen")
    HOLDER_REQUEST = "holder_request", _("At the holder's request")
    MISUSE = "misuse", _("Misuse")
    MOVED_AWAY = "moved_away", _("Moved away")
    REPLACED = "replaced", _("Replaced by a new card")


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    OTHER = "other", _("Other")
    NOT_TOLD = "not_told", _("Not told")


class LifeSituation(models.TextChoices):
    UNEMPLOYED = "unemployed", _("Unemployed")
    STUDENT = "student", _("Student")
    PENSIONER = "pensioner", _("Pensioner")
    SICK_LEAVE = "sick_leave", _("On sick leave or rehabilitation")
    WORKING = "working", _("Working")
    OTHER = "other", _("Other")
    NOT_TOLD = "not_told", _("Not told")


class PreferredLanguage(models.TextChoices):
    FI = "fi", _("Finnish")
    SV = "sv", _("Swedish")
    OTHER = "other", _("Other")


# The only facts about a holder the registry keeps. Venues see none of them.
HOLDER_FIELDS = ("birth_year", "postal_code", "municipality", "children", "gender",
                 "life_situation", "preferred_language")


class CardBatchQuerySet(models.QuerySet):
    def for_scope(self, scope: Scope) -> CardBatchQuerySet:
        """Batches of the areas a coordinator (either side) runs; national admins see all."""
        if scope.is_national:
            return self
        return self.filter(area__in=scope.coordinator_area_ids)


class CardBatch(models.Model):
    """A batch of printed card numbers made for an area."""

    area = models.ForeignKey(
        "network.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="batches"
    )
    size = models.PositiveIntegerField(_("number of cards"))
    kind = models.CharField(_("card kind"), max_length=16, choices=CardKind.choices,
                            default=CardKind.PERSONAL)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )

    objects = CardBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("card batch")
        verbose_name_plural = _("card batches")

    def __str__(self) -> str:
        return f"{self.area} #{self.pk} ({self.size})"


class CardQuerySet(models.QuerySet):
    def for_scope(self, scope: Scope) -> CardQuerySet:
        """Cards a distributor or coordinator may see. Venues see none (they use the desk
        look-up, which shows validity only)."""
        if scope.is_national:
            return self
        q = Q(pk__in=[])
        if scope.distributor_unit_ids:
            q |= Q(unit__in=scope.distributor_unit_ids)
        if scope.welfare_area_ids:
            q |= Q(unit__organisation__home_area__in=scope.welfare_area_ids,
                   unit__organisation__kind__in=WELFARE_KINDS)
            q |= Q(unit__isnull=True, batch__area__in=scope.welfare_area_ids)
        if scope.culture_area_ids:
            q |= Q(unit__isnull=True, batch__area__in=scope.culture_area_ids)
        return self.filter(q)

    def registered(self) -> CardQuerySet:
        return self.filter(status__in=[CardStatus.ACTIVE, CardStatus.INACTIVE])


class Card(models.Model):
    """A Kaikukortti card: a personal card or a community card (yhteisön Kaikukortti)."""

    number = models.CharField(_("card number"), max_length=numbers.LENGTH, unique=True)
    kind = models.CharField(_("card kind"), max_length=16, choices=CardKind.choices,
                            default=CardKind.PERSONAL)
    status = models.CharField(_("status"), max_length=16, choices=CardStatus.choices,
                              default=CardStatus.UNUSED)
    batch = models.ForeignKey(
        CardBatch, verbose_name=_("batch"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="cards",
    )
    mobile_only = models.BooleanField(_("mobile-only card"), default=False)
    unit = models.ForeignKey(
        "network.Unit", verbose_name=_("issuing unit"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="cards",
    )
    # Area of the issuing unit, kept with the card for statistics across areas.
    area = models.ForeignKey(
        "network.Area", verbose_name=_("area"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="cards",
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    backfilled = models.BooleanField(_("entered from a paper form"), default=False)
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)
    # --- the holder's facts (personal cards only; see HOLDER_FIELDS) ---
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    municipality = models.ForeignKey(
        "geo.Municipality", verbose_name=_("municipality of residence"),
        on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    children = models.PositiveSmallIntegerField(_("children under 18"), default=0)
    gender = models.CharField(_("gender"), max_length=16, choices=Gender.choices, blank=True)
    life_situation = models.CharField(_("life situation"), max_length=16,
                                      choices=LifeSituation.choices, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=8,
                                          choices=PreferredLanguage.choices, blank=True)
    # --- lifecycle ---
    inactivated_on = models.DateField(_("inactivated on"), null=True, blank=True)
    inactive_reason = models.CharField(_("reason"), max_length=20,
                                       choices=InactiveReason.choices, blank=True)
    replaces = models.OneToOneField(
        "self", verbose_name=_("replaces card"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="replaced_by",
    )
    # Set by retention (`ops.retention`) once the card has been expired for years: the
    # holder's facts above are then coarse and the exact ones live on only as counts.
    holder_coarsened_on = models.DateField(_("holder facts coarsened on"), null=True,
                                           blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The record key of the statistics' cell key method (`lib/cellkey.py`): random, fixed,
    # never shown. Published holder counts are perturbed by the keys of the cards counted.
    stats_key = models.PositiveIntegerField(_("statistics key"), default=new_record_key,
                                            editable=False)

    objects = CardQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("card")
        verbose_name_plural = _("cards")
        indexes = [
            models.Index(fields=["unit", "status", "valid_until"]),
            models.Index(fields=["area", "issued_on"]),
        ]
        # The card list's order (new cards first, registered_at DESC NULLS LAST) has an
        # index on PostgreSQL only (migration 0006; SQLite cannot index NULLS LAST).

    def __str__(self) -> str:
        return numbers.display(self.number)

    @property
    def display_number(self) -> str:
        return numbers.display(self.number)

    def is_valid_on(self, day: datetime.date) -> bool:
        """Valid for a use on `day`: registered, not inactivated, within its validity."""
        return (
            self.status == CardStatus.ACTIVE
            and self.issued_on is not None
            and self.valid_until is not None
            and self.issued_on <= day <= self.valid_until
        )


class CardEventKind(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    RENEWED = "renewed", _("Renewed")
    UPDATED = "updated", _("Updated")
    INACTIVATED = "inactivated", _("Inactivated")
    REPLACED = "replaced", _("Replaced")
    MOVED = "moved", _("Moved to another unit")
    VOIDED = "voided", _("Number voided")


class CardEvent(models.Model):
    """One step in a card's life, for its history and for statistics (renewals etc.)."""

    card = models.ForeignKey(Card, verbose_name=_("card"), on_delete=models.CASCADE,
                             related_name="events")
    kind = models.CharField(_("event"), max_length=16, choices=CardEventKind.choices)
    on = models.DateField(_("date"))
    unit = models.ForeignKey("network.Unit", verbose_name=_("unit"), on_delete=models.PROTECT,
                             null=True, blank=True, related_name="+")
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"),
                           on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["card", "at", "id"]
        verbose_name = _("card event")
        verbose_name_plural = _("card events")
        indexes = [models.Index(fields=["kind", "on"])]

    def __str__(self) -> str:
        return f"{self.card} {self.kind} {self.on}"


class PrintStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being made")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class BatchPrint(models.Model):
    """One PDF of a whole card batch, made by the background worker (`cards.tasks`)."""

    batch = models.ForeignKey(CardBatch, verbose_name=_("batch"), on_delete=models.CASCADE,
                              related_name="prints")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.SET_NULL, null=True, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=PrintStatus.choices,
                              default=PrintStatus.QUEUED)
    done = models.PositiveIntegerField(_("cards drawn"), default=0)
    total = models.PositiveIntegerField(_("cards"), default=0)
    file = models.FileField(_("file"), upload_to="batch-prints/", blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("batch PDF")
        verbose_name_plural = _("batch PDFs")

    def __str__(self) -> str:
        return f"{self.batch} PDF {self.pk}"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (PrintStatus.DONE, PrintStatus.FAILED)
