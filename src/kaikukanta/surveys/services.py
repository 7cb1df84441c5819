"""Writes of local surveys: coordinators make, open and close them; staff answer.

Each function takes the actor's `scope` and checks its permission itself. A broken rule
raises a `DomainError` before anything is written, so a refused request changes nothing.
Answering writes no audit entry: the audit log would tie a person to the moment of an
answer; `Responder` alone records that a person has answered, and only until the survey
takes no more answers.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from kaikukanta.audit.services import audit_log
from kaikukanta.lib.email import email_enqueue
from kaikukanta.lib.errors import NotAllowed
from kaikukanta.lib.permissions import Perm, can, require
from kaikukanta.lib.scope import Scope
from kaikukanta.network.models import Area, Organisation
from kaikukanta.surveys.errors import (
    AlreadyAnswered,
    AnswerEmpty,
    AnswerInvalid,
    AnswerRequired,
    ClosingDateInvalid,
    OptionsInvalid,
    QuestionInvalid,
    SurveyClosed,
    SurveyHasNoQuestions,
    SurveyNoAudience,
    SurveyNotDraft,
    SurveyNotOpen,
    SurveyTitleMissing,
    SurveyTooManyQuestions,
)
from kaikukanta.surveys.models import (
    AUDIENCE_FIELDS,
    MAX_OPTIONS,
    MAX_QUESTIONS,
    OPTION_MAX,
    QUESTION_MAX,
    SCALE,
    TEXT_ANSWER_MAX,
    TITLE_MAX,
    Answer,
    Question,
    QuestionKind,
    Responder,
    Response,
    Survey,
    SurveyStatus,
)

# The longest a survey may stay open.
MAX_OPEN_DAYS = 180


def _survey_fields(title: str, intro: str, to_distributors: bool, to_venues: bool,
                   to_sellers: bool) -> dict:
    title = " ".join((title or "").split())
    if not title or len(title) > TITLE_MAX:
        raise SurveyTitleMissing()
    if not (to_distributors or to_venues or to_sellers):
        raise SurveyNoAudience()
    return {"title": title, "intro": (intro or "").strip(), "to_distributors": to_distributors,
            "to_venues": to_venues, "to_sellers": to_sellers}


@transaction.atomic
def survey_create(*, scope: Scope, area: Area, title: str, intro: str = "",
                  to_distributors: bool = False, to_venues: bool = False,
                  to_sellers: bool = False) -> Survey:
    require(scope, Perm.COORDINATE_AREA, area)
    fields = _survey_fields(title, intro, to_distributors, to_venues, to_sellers)
    survey = Survey.objects.create(area=area, created_by_id=scope.user_id, **fields)
    audit_log(action="survey.created", scope=scope, target=survey, area=area,
              changes={"audience": [k for k, f in AUDIENCE_FIELDS.items() if fields[f]]})
    return survey


def _locked_draft(scope: Scope, survey: Survey) -> Survey:
    require(scope, Perm.RUN_SURVEY, survey)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != SurveyStatus.DRAFT:
        raise SurveyNotDraft()
    return survey


@transaction.atomic
def survey_update(*, scope: Scope, survey: Survey, title: str, intro: str = "",
                  to_distributors: bool = False, to_venues: bool = False,
                  to_sellers: bool = False) -> Survey:
    survey = _locked_draft(scope, survey)
    fields = _survey_fields(title, intro, to_distributors, to_venues, to_sellers)
    for key, value in fields.items():
        setattr(survey, key, value)
    survey.save(update_fields=list(fields))
    audit_log(action="survey.updated", scope=scope, target=survey, area=survey.area)
    return survey


def _clean_options(options: list[str]) -> list[str]:
    cleaned = [" ".join(o.split()) for o in options]
    cleaned = [o for o in cleaned if o]
    if (not 2 <= len(cleaned) <= MAX_OPTIONS or len(set(cleaned)) != len(cleaned)
            or any(len(o) > OPTION_MAX for o in cleaned)):
        raise OptionsInvalid(max=MAX_OPTIONS, length=OPTION_MAX)
    return cleaned


@transaction.atomic
def question_add(*, scope: Scope, survey: Survey, kind: str, text: str,
                 options: list[str] | None = None, required: bool = False) -> Question:
    survey = _locked_draft(scope, survey)
    text = " ".join((text or "").split())
    if kind not in QuestionKind.values:
        raise QuestionInvalid(field="kind", max=QUESTION_MAX)
    if not text or len(text) > QUESTION_MAX:
        raise QuestionInvalid(max=QUESTION_MAX)
    options = _clean_options(options or []) if kind == QuestionKind.CHOICE else []
    count = survey.questions.count()
    if count >= MAX_QUESTIONS:
        raise SurveyTooManyQuestions(max=MAX_QUESTIONS)
    last = survey.questions.aggregate(m=Max("position"))["m"] or 0
    question = Question.objects.create(survey=survey, position=last + 1, kind=kind, text=text,
                                       options=options, required=required)
    audit_log(action="survey.question_added", scope=scope, target=survey, area=survey.area,
              changes={"kind": kind})
    return question


@transaction.atomic
def question_remove(*, scope: Scope, question: Question) -> None:
    survey = _locked_draft(scope, question.survey)
    Question.objects.filter(pk=question.pk, survey=survey).delete()
    audit_log(action="survey.question_removed", scope=scope, target=survey, area=survey.area)


def _recipients(survey: Survey) -> list:
    """The active staff accounts of the area's active organisations the survey asks."""
    from kaikukanta.accounts.models import Membership

    kinds = [k for k in AUDIENCE_FIELDS if survey.addresses(k)]
    rows = (Membership.objects.filter(
        organisation__home_area=survey.area, organisation__kind__in=kinds,
        organisation__is_active=True, user__is_active=True)
        .select_related("user").order_by("user_id"))
    return list({m.user_id: m.user for m in rows}.values())


def _notify(survey: Survey, base_url: str) -> int:
    link = base_url.rstrip("/") + "/surveys/"
    sent = 0
    for user in _recipients(survey):
        with translation.override(user.language or settings.LANGUAGE_CODE):
            context = {"survey": survey, "link": link, "user": user,
                       "closes_on": survey.closes_on}
            subject = render_to_string("surveys/email/opened_subject.txt", context)
            body = render_to_string("surveys/email/opened.txt", context)
        email_enqueue(subject=subject, body=body, to=[user.email])
        sent += 1
    return sent


@transaction.atomic
def survey_open(*, scope: Scope, survey: Survey, closes_on: datetime.date | None,
                notify: bool = False, base_url: str = "",
                today: datetime.date | None = None) -> int:
    """Open a draft until `closes_on`; with `notify`, email the staff it asks (each in
    their own language). Returns how many emails were queued."""
    today = today or timezone.localdate()
    survey = _locked_draft(scope, survey)
    if closes_on is None or not today <= closes_on <= today + datetime.timedelta(
            days=MAX_OPEN_DAYS):
        raise ClosingDateInvalid(days=MAX_OPEN_DAYS)
    if not survey.questions.exists():
        raise SurveyHasNoQuestions()
    survey.status = SurveyStatus.OPEN
    survey.closes_on = closes_on
    survey.opened_at = timezone.now()
    survey.save(update_fields=["status", "closes_on", "opened_at"])
    sent = _notify(survey, base_url) if notify else 0
    audit_log(action="survey.opened", scope=scope, target=survey, area=survey.area,
              changes={"closes_on": closes_on, "emails": sent})
    return sent


@transaction.atomic
def survey_close(*, scope: Scope, survey: Survey) -> Survey:
    require(scope, Perm.RUN_SURVEY, survey)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != SurveyStatus.OPEN:
        raise SurveyNotOpen()
    survey.status = SurveyStatus.CLOSED
    survey.closed_at = timezone.now()
    survey.save(update_fields=["status", "closed_at"])
    Responder.objects.filter(survey=survey).delete()  # no answer can come any more
    audit_log(action="survey.closed", scope=scope, target=survey, area=survey.area)
    return survey


def responders_forget(*, today: datetime.date) -> int:
    """Forget who answered the surveys that take no more answers (closed, or open with
    the closing day passed): the record exists only to refuse a second answer. The daily
    retention run calls this."""
    done = Q(survey__status=SurveyStatus.CLOSED) | Q(survey__status=SurveyStatus.OPEN,
                                                      survey__closes_on__lt=today)
    deleted, _by_model = Responder.objects.filter(done).delete()
    return deleted


def answering_organisation(scope: Scope, survey: Survey) -> Organisation | None:
    """The organisation the person answers for: one of theirs that the survey asks."""
    orgs = Organisation.objects.filter(pk__in=scope.staff_org_ids, home_area_id=survey.area_id)
    return next((o for o in orgs.order_by("pk") if can(scope, Perm.ANSWER_SURVEY, (survey, o))),
                None)


def _clean_answer(question: Question, value) -> dict | None:
    """The answer's stored fields, None when not answered; AnswerInvalid when out of range."""
    if value is None or value == "":
        return None
    field = f"q{question.pk}"
    if question.kind == QuestionKind.SCALE:
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
            raise AnswerInvalid(field=field)
        return {"scale": value}
    if question.kind == QuestionKind.CHOICE:
        if (isinstance(value, bool) or not isinstance(value, int)
                or not 0 <= value < len(question.options)):
            raise AnswerInvalid(field=field)
        return {"choice": value}
    text = " ".join(str(value).split())
    if len(text) > TEXT_ANSWER_MAX:
        raise AnswerInvalid(field=field)
    return {"text": text} if text else None


@transaction.atomic
def survey_answer(*, scope: Scope, survey: Survey, answers: dict[int, object],
                  today: datetime.date | None = None) -> Response:
    """Store one person's answers (`answers`: question id → 1–5 for a scale, the option's
    index for a choice, text for a short text). Once per person; only while open."""
    today = today or timezone.localdate()
    if answering_organisation(scope, survey) is None:
        raise NotAllowed()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not survey.is_open_on(today):
        raise SurveyClosed()
    if Responder.objects.filter(survey=survey, user_id=scope.user_id).exists():
        raise AlreadyAnswered()
    rows = []
    for question in survey.questions.all():
        fields = _clean_answer(question, answers.get(question.pk))
        if fields is None:
            if question.required:
                raise AnswerRequired(field=f"q{question.pk}")
            continue
        rows.append(Answer(question=question, **fields))
    if not rows:
        raise AnswerEmpty()
    try:
        with transaction.atomic():
            Responder.objects.create(survey=survey, user_id=scope.user_id)
    except IntegrityError as exc:  # the same person in two tabs at once
        raise AlreadyAnswered() from exc
    response = Response.objects.create(survey=survey, given_on=today)
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)
    return response
