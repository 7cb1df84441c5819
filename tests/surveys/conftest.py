"""A survey of area a for its distributors and venues, with one question of each kind."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.surveys import services
from kaikukanta.surveys.models import QuestionKind


def make_survey(cast, *, to_distributors=True, to_venues=True, to_sellers=False,
                title="Working with the card", open_days: int | None = 14):
    scope = scope_for_user(cast.a.welfare)
    survey = services.survey_create(scope=scope, area=cast.a.area, title=title,
                                    intro="How is it going?", to_distributors=to_distributors,
                                    to_venues=to_venues, to_sellers=to_sellers)
    services.question_add(scope=scope, survey=survey, kind=QuestionKind.SCALE,
                          text="How easy is the registry?", required=True)
    services.question_add(scope=scope, survey=survey, kind=QuestionKind.CHOICE,
                          text="Best training form?", options=["Video", "Workshop", "Paper"])
    services.question_add(scope=scope, survey=survey, kind=QuestionKind.TEXT,
                          text="What should change?")
    if open_days is not None:
        services.survey_open(scope=scope, survey=survey,
                             closes_on=timezone.localdate() + datetime.timedelta(days=open_days))
    survey.refresh_from_db()
    return survey


def answer(survey, user, scale=None, choice=None, text=""):
    q = {x.kind: x.pk for x in survey.questions.all()}
    return services.survey_answer(scope=scope_for_user(user), survey=survey, answers={
        q[QuestionKind.SCALE]: scale, q[QuestionKind.CHOICE]: choice,
        q[QuestionKind.TEXT]: text})


@pytest.fixture
def survey(cast):
    return make_survey(cast)
