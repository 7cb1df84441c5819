"""Demo local surveys in Espoo: one closed with answers (its results and the feedback
meeting pack show them) and one open, waiting on the staff's home pages. Idempotent."""

from __future__ import annotations

import datetime

from django.utils import timezone

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.demo.context import DemoContext
from kaikukanta.surveys import services
from kaikukanta.surveys.models import QuestionKind, Survey

CLOSED = "Kaikukortin arki 2026"
OPEN = "Koulutustarpeet ensi vuodelle"

CLOSED_QUESTIONS = [
    (QuestionKind.SCALE, "Kuinka helppoa rekisterin käyttö on?", [], True),
    (QuestionKind.CHOICE, "Mikä tukisi työtäsi kortin kanssa eniten?",
     ["Lyhyt video", "Yhteinen työpaja", "Tulostettava ohje"], False),
    (QuestionKind.TEXT, "Mitä toivoisit muutettavan?", [], False),
]
# distributor, venue and ticket seller staff answer: (scale, choice, text)
CLOSED_ANSWERS = {
    "user_distributor_espoo": (4, 1, "Lisää esitteitä ruotsiksi"),
    "user_venue_espoo": (5, 0, "Kassalle selkeämpi ohje seuralaislipuista"),
    "user_seller": (3, 1, ""),
}


def _survey(ctx: DemoContext, title: str, questions, **audience) -> Survey:
    scope = scope_for_user(ctx["user_culture_espoo"])
    survey = services.survey_create(scope=scope, area=ctx["area_espoo"], title=title,
                                    intro="Vastaukset käsitellään alueen palautetapaamisessa.",
                                    **audience)
    for kind, text, options, required in questions:
        services.question_add(scope=scope, survey=survey, kind=kind, text=text,
                              options=options, required=required)
    return survey


def load(ctx: DemoContext) -> None:
    today = timezone.localdate()
    coordinator = scope_for_user(ctx["user_culture_espoo"])
    if not Survey.objects.filter(area=ctx["area_espoo"], title=CLOSED).exists():
        survey = _survey(ctx, CLOSED, CLOSED_QUESTIONS, to_distributors=True, to_venues=True,
                         to_sellers=True)
        services.survey_open(scope=coordinator, survey=survey, closes_on=today)
        ids = [q.pk for q in survey.questions.all()]
        for key, values in CLOSED_ANSWERS.items():
            services.survey_answer(scope=scope_for_user(ctx[key]), survey=survey,
                                   answers=dict(zip(ids, values, strict=True)))
        services.survey_close(scope=coordinator, survey=survey)
    if not Survey.objects.filter(area=ctx["area_espoo"], title=OPEN).exists():
        survey = _survey(ctx, OPEN, [
            (QuestionKind.CHOICE, "Mikä koulutusmuoto sopii sinulle parhaiten?",
             ["Verkossa", "Paikan päällä", "Ei tarvetta"], True),
            (QuestionKind.TEXT, "Mistä aiheesta haluaisit koulutusta?", [], False),
        ], to_distributors=True, to_venues=True)
        services.survey_open(scope=coordinator, survey=survey,
                             closes_on=today + datetime.timedelta(days=30))
    ctx.notes.append("Local surveys: Espoo has one closed survey with results and one open "
                     "survey on the staff's home pages.")
