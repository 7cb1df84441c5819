"""Local surveys: an area's coordinators ask the staff of the area's organisations.

- `Survey`: a short questionnaire of one area, addressed to its distributors, venues
  and/or ticket sellers; draft → open (until a closing date) → closed.
- `Question`: a scale 1–5, a single choice or a short text.
- `Response` and `Answer`: one staff member's answers. A response has no link to the
  person, and only the day it was given.
- `Responder`: who has answered which survey, kept apart from the answers, only so that
  a person answers once. No page shows it.

Staff answer about their work, never about clients; the answer form says so.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaikukanta.lib.roles import OrganisationKind
from kaikukanta.lib.scope import Scope

TITLE_MAX = 200
INTRO_MAX = 1000
QUESTION_MAX = 300
OPTION_MAX = 100
MAX_OPTIONS = 10
MAX_QUESTIONS = 20
TEXT_ANSWER_MAX = 500
SCALE = range(1, 6)  # 1–5


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("Scale 1–5")
    CHOICE = "choice", _("Single choice")
    TEXT = "text", _("Short text")


# The audience flags of a survey, by organisation kind.
AUDIENCE_FIELDS = {
    OrganisationKind.DISTRIBUTOR: "to_distributors",
    OrganisationKind.VENUE: "to_venues",
    OrganisationKind.TICKET_SELLER: "to_sellers",
}


class SurveyQuerySet(models.QuerySet):
    def for_scope(self, scope: Scope) -> SurveyQuerySet:
        """Coordinators see every survey of their areas; nobody else sees any here (staff
        reach the surveys addressed to them through `addressed_to`)."""
        if scope.is_national:
            return self
        return self.filter(area__in=scope.coordinator_area_ids)

    def addressed_to(self, scope: Scope) -> SurveyQuerySet:
        """Surveys addressed to the organisations the scope works for (any status): a
        survey of the organisation's home area that asks its kind."""
        from kaikukanta.network.models import Organisation

        def home_areas(ids):
            return Organisation.objects.filter(pk__in=ids, is_active=True).values("home_area")

        q = Q(pk__in=[])
        if scope.distributor_org_ids:
            q |= Q(to_distributors=True, area__in=home_areas(scope.distributor_org_ids))
        if scope.venue_org_ids or scope.venue_site_org_ids:
            q |= Q(to_venues=True,
                   area__in=home_areas(scope.venue_org_ids | scope.venue_site_org_ids))
        if scope.seller_org_ids:
            q |= Q(to_sellers=True, area__in=home_areas(scope.seller_org_ids))
        return self.filter(q).exclude(status=SurveyStatus.DRAFT)

    def open_on(self, day: datetime.date) -> SurveyQuerySet:
        return self.filter(status=SurveyStatus.OPEN, closes_on__gte=day)


class Survey(models.Model):
    area = models.ForeignKey("network.Area", verbose_name=_("area"), on_delete=models.CASCADE,
                             related_name="surveys")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    intro = models.TextField(_("introduction"), max_length=INTRO_MAX, blank=True,
                             help_text=_("Shown above the questions: what the survey is "
                                         "for and how the results are used."))
    to_distributors = models.BooleanField(_("distributors' staff"), default=False)
    to_venues = models.BooleanField(_("venues' staff"), default=False)
    to_sellers = models.BooleanField(_("ticket sellers' staff"), default=False)
    status = models.CharField(_("status"), max_length=8, choices=SurveyStatus.choices,
                              default=SurveyStatus.DRAFT)
    closes_on = models.DateField(_("closing date"), null=True, blank=True,
                                 help_text=_("Answers are taken through this day."))
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("local survey")
        verbose_name_plural = _("local surveys")
        constraints = [
            models.CheckConstraint(
                condition=Q(to_distributors=True) | Q(to_venues=True) | Q(to_sellers=True),
                name="survey_has_audience"),
            models.CheckConstraint(
                condition=Q(status=SurveyStatus.DRAFT) | Q(closes_on__isnull=False),
                name="survey_opened_has_closing_date"),
        ]

    def __str__(self) -> str:
        return self.title

    def addresses(self, kind: str) -> bool:
        field = AUDIENCE_FIELDS.get(kind)
        return bool(field and getattr(self, field))

    @property
    def audience_labels(self) -> list[str]:
        return [str(OrganisationKind(k).label) for k, f in AUDIENCE_FIELDS.items()
                if getattr(self, f)]

    def is_open_on(self, day: datetime.date) -> bool:
        """Taking answers: opened and the closing day not passed."""
        return (self.status == SurveyStatus.OPEN and self.closes_on is not None
                and day <= self.closes_on)

    def is_closed_on(self, day: datetime.date) -> bool:
        """Closed by a coordinator, or open with its closing day passed."""
        return self.status == SurveyStatus.CLOSED or (
            self.status == SurveyStatus.OPEN and self.closes_on is not None
            and day > self.closes_on)


class Question(models.Model):
    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE,
                               related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=8, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=QUESTION_MAX)
    options = models.JSONField(_("options"), default=list, blank=True)
    required = models.BooleanField(_("an answer is required"), default=False)

    class Meta:
        ordering = ["survey", "position"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="question_position"),
        ]

    def __str__(self) -> str:
        return self.text


class Response(models.Model):
    """One person's answers to a survey: no link to the person, only the day."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE,
                               related_name="responses")
    given_on = models.DateField(_("given on"))

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return f"{self.survey_id} {self.given_on}"


class Answer(models.Model):
    response = models.ForeignKey(Response, verbose_name=_("response"), on_delete=models.CASCADE,
                                 related_name="answers")
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.CASCADE,
                                 related_name="answers")
    scale = models.PositiveSmallIntegerField(_("scale value"), null=True, blank=True)
    choice = models.PositiveSmallIntegerField(_("choice"), null=True, blank=True)
    text = models.CharField(_("short text"), max_length=TEXT_ANSWER_MAX, blank=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_once"),
            models.CheckConstraint(condition=Q(scale__isnull=True) | Q(scale__gte=1, scale__lte=5),
                                   name="answer_scale_range"),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"


class Responder(models.Model):
    """Who has answered (so that nobody answers twice); never joined to the answers."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE,
                               related_name="responders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("staff member"),
                             on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("survey responder")
        verbose_name_plural = _("survey responders")
        constraints = [
            models.UniqueConstraint(fields=["survey", "user"], name="responder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.user_id}"
