"""Venue offers and recorded uses of cards."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kaikukanta.lib.scope import Scope
from kaikukanta.network.models import Unit


class Category(models.TextChoices):
    """The columns of the national statistics."""

    CULTURE = "culture", _("Culture")
    EDUCATION = "education", _("Education")
    SCIENCE = "science", _("Science")
    SPORTS = "sports", _("Sports")


class OfferKind(models.TextChoices):
    EVENT = "event", _("Single event")
    ADMISSION = "admission", _("Admission")
    COURSE = "course", _("Course")
    COURSE_SEASON = "course_season", _("Course season")


COURSE_KINDS = (OfferKind.COURSE, OfferKind.COURSE_SEASON)


class OfferStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    HIDDEN = "hidden", _("Hidden")
    ENDED = "ended", _("Ended")


class OfferQuerySet(models.QuerySet):
    def for_scope(self, scope: Scope) -> OfferQuerySet:
        """Offers at the sites the scope sees."""
        if scope.is_national:
            return self
        return self.filter(site__in=Unit.objects.for_scope(scope).values("pk"))


class Offer(models.Model):
    """A venue's Kaikukortti offer at one of its sites."""

    venue = models.ForeignKey("network.Organisation", verbose_name=_("venue"),
                              on_delete=models.PROTECT, related_name="offers")
    site = models.ForeignKey("network.Unit", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="offers")
    title_fi = models.CharField(_("title in Finnish"), max_length=200)
    title_sv = models.CharField(_("title in Swedish"), max_length=200, blank=True)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    category = models.CharField(_("statistics category"), max_length=16,
                                choices=Category.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=OfferKind.choices)
    starts_on = models.DateField(_("first day"), null=True, blank=True)
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    children_allowed = models.BooleanField(_("children's tickets"), default=True)
    cap_per_date = models.PositiveIntegerField(
        _("Kaikukortti tickets per event date"), null=True, blank=True,
        help_text=_("Leave empty for no limit."),
    )
    restrictions = models.CharField(_("restrictions"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=OfferStatus.choices,
                              default=OfferStatus.ACTIVE)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["title_fi"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.CheckConstraint(
                name="offer_no_children_for_courses",
                condition=~Q(kind__in=COURSE_KINDS) | Q(children_allowed=False),
            ),
        ]

    @property
    def title(self) -> str:
        return title_in_language(self.title_fi, self.title_sv, self.title_en)

    def __str__(self) -> str:
        return self.title


def title_in_language(fi: str, sv: str, en: str, lang: str | None = None) -> str:
    """An offer's title in the active language (or `lang`, the active one looked up once
    for many titles), else the Finnish one (`Offer.title`; also for titles read as
    values, without an Offer object)."""
    lang = (lang or get_language() or "fi")[:2]
    return {"sv": sv, "en": en}.get(lang, "") or fi


class UseStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    CANCELLED = "cancelled", _("Cancelled")


class UseSource(models.TextChoices):
    DESK = "desk", _("Ticket desk")
    BACKFILL = "backfill", _("Paper form")
    IMPORT = "import", _("File upload")
    API = "api", _("Partner API")


class UseQuerySet(models.QuerySet):
    def for_scope(self, scope: Scope) -> UseQuerySet:
        """Uses at the scope's venues and sites, or recorded by their ticket seller;
        coordinators see the uses at their area's venues and of their area's cards."""
        if scope.is_national:
            return self
        q = Q(pk__in=[])
        if scope.venue_org_ids:
            q |= Q(venue__in=scope.venue_org_ids)
        if scope.venue_site_ids:
            q |= Q(site__in=scope.venue_site_ids)
        if scope.seller_org_ids:
            q |= Q(seller__in=scope.seller_org_ids)
        if scope.culture_area_ids:
            q |= Q(area__in=scope.culture_area_ids)
        if scope.welfare_area_ids:
            q |= Q(card_area__in=scope.welfare_area_ids)
        if scope.distributor_unit_ids:
            q |= Q(card__unit__in=scope.distributor_unit_ids)
        return self.filter(q)

    def recorded(self) -> UseQuerySet:
        return self.filter(status=UseStatus.RECORDED)


class Use(models.Model):
    """One use of a card: the holder's (or community card staff member's) ticket, with the
    children's tickets and a companion ticket given at the same time."""

    # Every index costs every write (desk, API, file import): a foreign key's own index is
    # left out where a composite index in Meta.indexes starts with the same column.
    card = models.ForeignKey("cards.Card", verbose_name=_("card"), on_delete=models.PROTECT,
                             related_name="uses", db_index=False)
    offer = models.ForeignKey(Offer, verbose_name=_("offer"), on_delete=models.PROTECT,
                              null=True, blank=True, related_name="uses", db_index=False)
    # The site is one of the venue's units: on PostgreSQL one foreign key holds both, the
    # pair (site, venue) referring to the unit's (id, organisation) (usage 0008), so each
    # written use is checked once for the two, not once each.
    venue = models.ForeignKey("network.Organisation", verbose_name=_("venue"),
                              on_delete=models.PROTECT, related_name="uses", db_index=False,
                              db_constraint=False)
    site = models.ForeignKey("network.Unit", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="uses", db_index=False, db_constraint=False)
    seller = models.ForeignKey("network.Organisation", verbose_name=_("ticket seller"),
                               on_delete=models.PROTECT, null=True, blank=True,
                               related_name="sold_uses", db_index=False)
    # The venue's area and the card's issuing area when the use was recorded.
    area = models.ForeignKey("network.Area", verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="uses", db_index=False)
    card_area = models.ForeignKey("network.Area", verbose_name=_("card's area"),
                                  on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="card_uses", db_index=False)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    event_date = models.DateField(_("event date"))
    children = models.PositiveSmallIntegerField(_("children's tickets"), default=0)
    companion = models.BooleanField(_("companion ticket"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=UseStatus.choices,
                              default=UseStatus.RECORDED)
    source = models.CharField(_("source"), max_length=16, choices=UseSource.choices,
                              default=UseSource.DESK)
    backfilled = models.BooleanField(_("entered afterwards"), default=False)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    # No index: nothing reads the uses by who recorded them, and people are never deleted
    # (deactivated instead; the admin cannot delete them), so the index only cost every
    # write (usage 0007).
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", db_index=False)
    # A form's one-time token or an API Idempotency-Key: the same submission never
    # creates a second use (`use_request_token_once`; a use without a token, as a file's,
    # is not in that index at all).
    request_token = models.CharField(_("request token"), max_length=80, null=True,
                                     blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("cancelled by"),
                                     on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", db_index=False)

    objects = UseQuerySet.as_manager()

    class Meta:
        ordering = ["-event_date", "-recorded_at"]
        verbose_name = _("use")
        verbose_name_plural = _("uses")
        constraints = [
            models.UniqueConstraint(
                fields=["card", "offer", "event_date"],
                condition=Q(status="recorded", offer__isnull=False),
                name="use_once_per_offer_and_date",
            ),
            models.UniqueConstraint(
                fields=["card", "site", "event_date"],
                condition=Q(status="recorded", offer__isnull=True),
                name="use_once_per_site_admission_and_date",
            ),
            models.UniqueConstraint(
                fields=["request_token"], condition=Q(request_token__isnull=False),
                name="use_request_token_once",
            ),
        ]
        indexes = [
            models.Index(fields=["venue", "-event_date"]),
            models.Index(fields=["area", "event_date"]),
            models.Index(fields=["card_area", "event_date"]),
            models.Index(fields=["card", "event_date"]),
            models.Index(fields=["offer", "event_date"]),
            # the desk's "today at this site" list: no sort, no scan of the day
            # (also a site's uses by date, read backwards: no index of its own)
            models.Index(fields=["site", "event_date", "-recorded_at"],
                         name="use_site_day_recent"),
            # the few uses with a seller or cancelled (a seller's list, deleting a person)
            models.Index(fields=["seller"], condition=Q(seller__isnull=False),
                         name="use_seller"),
            models.Index(fields=["cancelled_by"], condition=Q(cancelled_by__isnull=False),
                         name="use_cancelled_by"),
        ]

    def __str__(self) -> str:
        return f"{self.card} {self.event_date} {self.venue}"


class OfferDateCount(models.Model):
    """How many Kaikukortti tickets (holder + children) an offer has given on one event
    date. The desk adds to it with one conditional UPDATE, so two desks selling the last
    place at once cannot both succeed (see `services._take_places`)."""

    offer = models.ForeignKey(Offer, verbose_name=_("offer"), on_delete=models.CASCADE,
                              related_name="date_counts")
    event_date = models.DateField(_("event date"))
    tickets = models.PositiveIntegerField(_("Kaikukortti tickets"), default=0)

    class Meta:
        verbose_name = _("tickets given on a date")
        verbose_name_plural = _("tickets given on dates")
        constraints = [
            models.UniqueConstraint(fields=["offer", "event_date"],
                                    name="offer_date_count_once"),
        ]

    def __str__(self) -> str:
        return f"{self.offer_id} {self.event_date}: {self.tickets}"


class LookupLogQuerySet(models.QuerySet):
    def for_scope(self, scope: Scope) -> LookupLogQuerySet:
        """National admins see every look-up; culture coordinators their area's."""
        if scope.is_national:
            return self
        return self.filter(area__in=scope.culture_area_ids)


class LookupLog(models.Model):
    """One card look-up at a desk: who, when, which number and whether a card answered.
    Used to slow down and to show attempts to guess card numbers."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    # user and area: no index of their own, the composite indexes below start with them
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", db_index=False)
    actor_label = models.CharField(_("actor"), max_length=120, blank=True)
    # The area of the user's organisation, so its culture coordinator sees the log.
    area = models.ForeignKey("network.Area", verbose_name=_("area"), on_delete=models.SET_NULL,
                             null=True, blank=True, related_name="+", db_index=False)
    number = models.CharField(_("card number"), max_length=16)
    found = models.BooleanField(_("card found"), default=False)
    throttled = models.BooleanField(_("slowed down"), default=False)

    objects = LookupLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("card look-up")
        verbose_name_plural = _("card look-ups")
        indexes = [
            models.Index(fields=["user", "found", "at"]),
            models.Index(fields=["actor_label", "found", "at"]),
            models.Index(fields=["area", "throttled", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.number}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for its turn")
    RUNNING = "running", _("Checking and saving the rows")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class UseImport(models.Model):
    """A large file of uses handed to the background worker (`usage.tasks`). The file's
    bytes are kept only until the worker has processed it; its result (the wrong rows or
    the number saved) is shown to the uploader only."""

    site = models.ForeignKey(Unit, verbose_name=_("site"), on_delete=models.CASCADE,
                             related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                    on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("file name"), max_length=200, blank=True)
    data = models.BinaryField(_("file"), blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices,
                              default=ImportStatus.QUEUED)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("uses saved"), default=0)
    errors = models.JSONField(_("wrong rows"), default=list, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("uses file")
        verbose_name_plural = _("uses files")

    def __str__(self) -> str:
        return f"{self.name} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)
