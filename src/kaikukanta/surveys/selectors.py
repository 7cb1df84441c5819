"""Reads of local surveys: what a staff member is asked, and the results.

Results protect the people who answered (staff are personal data too):
- they show only once the survey is closed, so nobody reads one person's answers from
  the change between two looks while answers come in;
- nothing shows until at least `MIN_RESPONSES` people have answered;
- short texts are listed in alphabetical order, never in the order given and never next
  to the same person's other answers; no page shows who answered.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from kaikukanta.lib.scope import Scope
from kaikukanta.surveys.models import (
    SCALE,
    Answer,
    Question,
    QuestionKind,
    Responder,
    Survey,
    SurveyStatus,
)

MIN_RESPONSES = 3


def open_for(scope: Scope, today: datetime.date) -> list[Survey]:
    """Open surveys addressed to the person that they have not answered yet."""
    if scope.user_id is None:
        return []
    answered = Responder.objects.filter(user_id=scope.user_id).values("survey_id")
    return list(Survey.objects.addressed_to(scope).open_on(today).exclude(pk__in=answered)
                .select_related("area").order_by("closes_on", "pk"))


def has_answered(scope: Scope, survey: Survey) -> bool:
    return Responder.objects.filter(survey=survey, user_id=scope.user_id).exists()


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    # scale: (value, count) for 1–5; choice: (option, count)
    counts: list[tuple[str, int]] = field(default_factory=list)
    mean: float | None = None
    texts: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.question.kind


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    shown: bool
    reason: str = ""  # why not shown: "open" or "few"
    questions: list[QuestionResult] = field(default_factory=list)


def response_count(survey: Survey) -> int:
    return survey.responses.count()


def results(survey: Survey, today: datetime.date) -> SurveyResults:
    n = response_count(survey)
    if not survey.is_closed_on(today):
        return SurveyResults(survey, n, False, "open")
    if n < MIN_RESPONSES:
        return SurveyResults(survey, n, False, "few")
    out = SurveyResults(survey, n, True)
    questions = list(survey.questions.all())
    scale_rows = (Answer.objects.filter(question__survey=survey, scale__isnull=False)
                  .values("question_id", "scale").annotate(n=Count("pk")).order_by())
    choice_rows = (Answer.objects.filter(question__survey=survey, choice__isnull=False)
                   .values("question_id", "choice").annotate(n=Count("pk")).order_by())
    scales: dict[int, dict[int, int]] = {}
    for r in scale_rows:
        scales.setdefault(r["question_id"], {})[r["scale"]] = r["n"]
    choices: dict[int, dict[int, int]] = {}
    for r in choice_rows:
        choices.setdefault(r["question_id"], {})[r["choice"]] = r["n"]
    texts: dict[int, list[str]] = {}
    for qid, text in (Answer.objects.filter(question__survey=survey).exclude(text="")
                      .values_list("question_id", "text")):
        texts.setdefault(qid, []).append(text)
    for q in questions:
        res = QuestionResult(q)
        if q.kind == QuestionKind.SCALE:
            got = scales.get(q.pk, {})
            res.counts = [(str(v), got.get(v, 0)) for v in SCALE]
            res.answered = sum(got.values())
            if res.answered:
                res.mean = round(sum(v * c for v, c in got.items()) / res.answered, 2)
        elif q.kind == QuestionKind.CHOICE:
            got = choices.get(q.pk, {})
            res.counts = [(opt, got.get(i, 0)) for i, opt in enumerate(q.options)]
            res.answered = sum(got.values())
        else:
            res.texts = sorted(texts.get(q.pk, []), key=str.casefold)
            res.answered = len(res.texts)
        out.questions.append(res)
    return out


def closed_in_year(area, year: int, today: datetime.date) -> list[Survey]:
    """The area's surveys that closed in the year (by a coordinator or by their date)."""
    qs = Survey.objects.filter(area=area).exclude(status=SurveyStatus.DRAFT)
    out = []
    for s in qs.order_by("closes_on", "pk"):
        if not s.is_closed_on(today):
            continue
        end = timezone.localdate(s.closed_at) if s.closed_at else s.closes_on
        if end and end.year == year:
            out.append(s)
    return out


def addressed_or_404(scope: Scope, pk: int) -> Survey:
    """A survey addressed to the person's organisations (not a draft), else 404."""
    from django.http import Http404

    try:
        return Survey.objects.addressed_to(scope).select_related("area").get(pk=pk)
    except Survey.DoesNotExist as exc:
        raise Http404 from exc


def addressed_recent(scope: Scope, today: datetime.date) -> list[tuple[Survey, bool, bool]]:
    """Surveys addressed to the person: (survey, open now, answered by them), newest first."""
    if scope.user_id is None:
        return []
    answered = set(Responder.objects.filter(user_id=scope.user_id)
                   .values_list("survey_id", flat=True))
    rows = Survey.objects.addressed_to(scope).select_related("area").order_by("-opened_at")[:20]
    return [(s, s.is_open_on(today), s.pk in answered) for s in rows]


def response_counts(surveys: list[Survey]) -> dict[int, int]:
    from kaikukanta.surveys.models import Response

    return dict(Response.objects.filter(survey__in=surveys).values("survey_id")
                .annotate(n=Count("pk")).values_list("survey_id", "n").order_by())
