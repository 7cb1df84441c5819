"""Local surveys: who sees and answers what, once, while open; translated errors that
write nothing; results from a small hand-computed dataset, protected."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from kaikukanta.accounts.models import Membership, Role
from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.audit.models import AuditEntry
from kaikukanta.lib.errors import NotAllowed
from kaikukanta.surveys import selectors, services
from kaikukanta.surveys.errors import (
    AlreadyAnswered,
    AnswerEmpty,
    AnswerInvalid,
    AnswerRequired,
    ClosingDateInvalid,
    OptionsInvalid,
    SurveyClosed,
    SurveyHasNoQuestions,
    SurveyNoAudience,
    SurveyNotDraft,
)
from kaikukanta.surveys.models import (
    Answer,
    Question,
    QuestionKind,
    Responder,
    Response,
    Survey,
    SurveyStatus,
)
from tests.conftest import make_user, sign_in
from tests.surveys.conftest import answer, make_survey
from tests.test_every_page import PageAudit

TODAY = timezone.localdate


def _written():
    return (Survey.objects.count(), Question.objects.count(), Response.objects.count(),
            Answer.objects.count(), Responder.objects.count())


def _close(survey, who):
    services.survey_close(scope=scope_for_user(who), survey=survey)
    survey.refresh_from_db()


# --- who sees what ----------------------------------------------------------------

@pytest.mark.parametrize(("who", "status"), [
    ("a.welfare", 200), ("a.culture", 200), ("national", 200),
    ("b.welfare", 404), ("b.culture", 404),
    ("a.distributor", 404), ("a.venue", 404), ("a.seller", 404), ("outsider", 404),
])
def test_coordinator_pages_of_a_survey(cast, client, survey, who, status):
    user = cast
    for part in who.split("."):
        user = getattr(user, part)
    sign_in(client, user)
    for url in (f"/surveys/{survey.pk}/", f"/surveys/{survey.pk}/results/",
                f"/surveys/{survey.pk}/edit/", f"/surveys/{survey.pk}/questions/",
                f"/surveys/{survey.pk}/open/"):
        assert client.get(url).status_code == status, url
    before = Survey.objects.get(pk=survey.pk).status
    response = client.post(f"/surveys/{survey.pk}/close/")
    assert response.status_code == (302 if status == 200 else 404)
    assert (Survey.objects.get(pk=survey.pk).status == SurveyStatus.CLOSED) == (status == 200)
    assert before == SurveyStatus.OPEN


@pytest.mark.parametrize(("who", "status"), [
    ("a.distributor", 200), ("a.venue", 200), ("a.site_staff", 200),
    ("a.seller", 404),  # the survey does not ask ticket sellers
    ("b.distributor", 404), ("b.venue", 404),  # another area
    ("a.welfare", 404), ("national", 404), ("outsider", 404),
])
def test_who_may_answer(cast, client, survey, who, status):
    user = cast
    for part in who.split("."):
        user = getattr(user, part)
    sign_in(client, user)
    assert client.get(f"/surveys/{survey.pk}/answer/").status_code == status
    if status != 200:
        with pytest.raises(NotAllowed):
            answer(survey, user, scale=3)
        assert Response.objects.count() == 0


def test_a_draft_is_not_shown_to_staff(cast, client):
    draft = make_survey(cast, open_days=None)
    sign_in(client, cast.a.distributor)
    assert client.get(f"/surveys/{draft.pk}/answer/").status_code == 404
    assert "Working with the card" not in client.get("/surveys/").content.decode()


def test_coordinator_creates_for_own_area_only(cast, client):
    sign_in(client, cast.b.culture)
    response = client.post("/surveys/new/", {"area": cast.a.area.pk, "title": "X",
                                             "audience": ["venue"]})
    assert response.status_code == 200 and Survey.objects.count() == 0
    with pytest.raises(NotAllowed):
        services.survey_create(scope=scope_for_user(cast.b.culture), area=cast.a.area,
                               title="X", to_venues=True)
    for staff in (cast.a.distributor, cast.a.venue):
        sign_in(client, staff)
        assert client.get("/surveys/new/").status_code == 403
        with pytest.raises(NotAllowed):
            services.survey_create(scope=scope_for_user(staff), area=cast.a.area, title="X",
                                   to_venues=True)
    assert Survey.objects.count() == 0


def test_making_and_opening_through_the_pages(cast, client, mailoutbox):
    sign_in(client, cast.a.culture)
    r = client.post("/surveys/new/", {"area": cast.a.area.pk, "title": "Desk work",
                                      "intro": "", "audience": ["venue", "ticket_seller"]})
    survey = Survey.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/surveys/{survey.pk}/"
    assert (survey.to_venues, survey.to_sellers, survey.to_distributors) == (True, True, False)
    r = client.post(f"/surveys/{survey.pk}/questions/",
                    {"kind": "choice", "text": "Which days?", "options": "Mon\nTue\n\nWed"})
    assert r.status_code == 302
    assert survey.questions.get().options == ["Mon", "Tue", "Wed"]
    closes = TODAY() + datetime.timedelta(days=7)
    r = client.post(f"/surveys/{survey.pk}/open/", {"closes_on": closes.isoformat(),
                                                    "notify": "on"})
    assert r.status_code == 302
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN and survey.closes_on == closes
    # the active staff of area a's venue and ticket seller, once each; nobody of area b
    assert sorted(m.to[0] for m in mailoutbox) == ["seller@espoo.test", "site@espoo.test",
                                                   "venue@espoo.test"]
    assert "Desk work" in mailoutbox[0].subject and "/surveys/" in mailoutbox[0].body
    actions = list(AuditEntry.objects.filter(action__startswith="survey.")
                   .values_list("action", flat=True))
    assert {"survey.created", "survey.question_added", "survey.opened"} <= set(actions)
    # an opened survey is not changed any more
    r = client.post(f"/surveys/{survey.pk}/questions/", {"kind": "text", "text": "More?"})
    assert r.status_code == 200 and "can no longer be changed" in r.content.decode()
    assert survey.questions.count() == 1
    client.post(f"/surveys/{survey.pk}/close/")
    assert AuditEntry.objects.filter(action="survey.closed").count() == 1


def test_email_in_the_recipients_language(cast, survey, mailoutbox):
    cast.a.distributor.language = "fi"
    cast.a.distributor.save()
    draft = make_survey(cast, open_days=None, to_venues=False, title="Kysely")
    services.survey_open(scope=scope_for_user(cast.a.welfare), survey=draft,
                         closes_on=TODAY(), notify=True)
    assert [m.to for m in mailoutbox] == [["distributor@espoo.test"]]
    assert "kysely sinulle" in mailoutbox[0].subject.lower()


def test_staff_see_the_notice_until_they_answer(cast, client, survey):
    sign_in(client, cast.a.distributor)
    home = client.get("/accounts/home/").content.decode()
    assert "Survey waiting for your answer: Working with the card" in home
    q = {x.kind: x.pk for x in survey.questions.all()}
    r = client.post(f"/surveys/{survey.pk}/answer/", {
        f"q{q['scale']}": "4", f"q{q['choice']}": "1", f"q{q['text']}": "More training"})
    assert r.status_code == 302
    assert "Survey waiting" not in client.get("/accounts/home/").content.decode()
    assert "you have answered" in client.get("/surveys/").content.decode()
    sign_in(client, cast.b.distributor)
    assert "Survey waiting" not in client.get("/accounts/home/").content.decode()


# --- once, while open ---------------------------------------------------------------

def test_answering_twice_is_refused(cast, client, survey):
    answer(survey, cast.a.venue, scale=5)
    before = _written()
    with pytest.raises(AlreadyAnswered):
        answer(survey, cast.a.venue, scale=1)
    assert _written() == before
    sign_in(client, cast.a.venue)
    q = survey.questions.get(kind=QuestionKind.SCALE)
    r = client.post(f"/surveys/{survey.pk}/answer/", {f"q{q.pk}": "1"}, follow=True)
    assert "already answered" in r.content.decode() and _written() == before


def test_one_answer_per_person_not_per_organisation(cast, survey):
    colleague = make_user("colleague@espoo.test", Role.VENUE_STAFF,
                          organisation=cast.a.venue_org)
    answer(survey, cast.a.venue, scale=5)
    answer(survey, colleague, scale=4)
    assert Response.objects.filter(survey=survey).count() == 2


def test_a_person_in_two_addressed_organisations_answers_once(cast, survey):
    Membership.objects.create(user=cast.a.venue, role=Role.DISTRIBUTOR_STAFF,
                              organisation=cast.a.distributor_org, unit=cast.a.unit)
    answer(survey, cast.a.venue, scale=5)
    with pytest.raises(AlreadyAnswered):
        answer(survey, cast.a.venue, scale=4)


def test_a_closed_survey_takes_no_answers(cast, client, survey):
    _close(survey, cast.a.culture)
    with pytest.raises(SurveyClosed):
        answer(survey, cast.a.venue, scale=5)
    sign_in(client, cast.a.venue)
    body = client.get(f"/surveys/{survey.pk}/answer/").content.decode()
    assert "closed and takes no more answers" in body
    q = survey.questions.get(kind=QuestionKind.SCALE)
    client.post(f"/surveys/{survey.pk}/answer/", {f"q{q.pk}": "5"})
    assert Response.objects.count() == 0 and Responder.objects.count() == 0


def test_the_closing_day_is_the_last_day(cast, survey):
    answer_on = survey.closes_on
    q = {x.kind: x.pk for x in survey.questions.all()}
    services.survey_answer(scope=scope_for_user(cast.a.venue), survey=survey,
                           answers={q["scale"]: 3}, today=answer_on)
    with pytest.raises(SurveyClosed):
        services.survey_answer(scope=scope_for_user(cast.a.distributor), survey=survey,
                               answers={q["scale"]: 3},
                               today=answer_on + datetime.timedelta(days=1))
    assert Response.objects.count() == 1


# --- bad input: a translated error, nothing written -------------------------------------

@pytest.mark.parametrize(("value", "error"), [
    ({"scale": 6}, AnswerInvalid), ({"scale": 0}, AnswerInvalid),
    ({"scale": True}, AnswerInvalid), ({"scale": 3, "choice": 3}, AnswerInvalid),
    ({"scale": 3, "text": "x" * 501}, AnswerInvalid),
    ({"choice": 1}, AnswerRequired), ({}, AnswerRequired),
])
def test_out_of_range_answers_are_refused(cast, survey, value, error):
    q = {x.kind: x.pk for x in survey.questions.all()}
    before = _written()
    with pytest.raises(error):
        services.survey_answer(scope=scope_for_user(cast.a.venue), survey=survey,
                               answers={q[k]: v for k, v in value.items()})
    assert _written() == before


def test_an_empty_answer_is_refused(cast):
    survey = make_survey(cast, open_days=None)
    survey.questions.update(required=False)
    services.survey_open(scope=scope_for_user(cast.a.welfare), survey=survey,
                         closes_on=TODAY())
    with pytest.raises(AnswerEmpty):
        answer(survey, cast.a.venue, text="   ")
    assert Responder.objects.count() == 0


@pytest.mark.parametrize(("lang", "text"), [
    ("fi", "Valitse oikea vaihtoehto"),
    ("sv", "Välj ett giltigt alternativ"),
    ("en", "Select a valid choice"),
])
def test_bad_answer_in_the_form_is_translated(cast, client, survey, lang, text):
    cast.a.venue.language = lang
    cast.a.venue.save()
    sign_in(client, cast.a.venue)
    client.cookies["django_language"] = lang
    q = survey.questions.get(kind=QuestionKind.SCALE)
    before = _written()
    r = client.post(f"/surveys/{survey.pk}/answer/", {f"q{q.pk}": "7"})
    assert r.status_code == 200 and text in r.content.decode()
    assert _written() == before


@pytest.mark.parametrize(("lang", "text"), [
    ("fi", "Valitse, kenen henkilöstöltä kysely kysytään."),
    ("sv", "Välj vems personal enkäten riktar sig till."),
    ("en", "Choose whose staff the survey is for."),
])
def test_survey_without_audience_is_refused_in_each_language(cast, client, lang, text):
    sign_in(client, cast.a.welfare)
    client.cookies["django_language"] = lang
    cast.a.welfare.language = lang
    cast.a.welfare.save()
    r = client.post("/surveys/new/", {"area": cast.a.area.pk, "title": "Hello"})
    assert r.status_code == 200 and text in r.content.decode()
    assert Survey.objects.count() == 0


def test_rules_of_making_a_survey(cast):
    scope = scope_for_user(cast.a.welfare)
    with pytest.raises(SurveyNoAudience):
        services.survey_create(scope=scope, area=cast.a.area, title="X")
    draft = make_survey(cast, open_days=None)
    before = _written()
    with pytest.raises(OptionsInvalid):
        services.question_add(scope=scope, survey=draft, kind="choice", text="Q",
                              options=["Only one"])
    with pytest.raises(OptionsInvalid):
        services.question_add(scope=scope, survey=draft, kind="choice", text="Q",
                              options=["Same", "Same"])
    with pytest.raises(ClosingDateInvalid):
        services.survey_open(scope=scope, survey=draft,
                             closes_on=TODAY() - datetime.timedelta(days=1))
    with pytest.raises(ClosingDateInvalid):
        services.survey_open(scope=scope, survey=draft,
                             closes_on=TODAY() + datetime.timedelta(days=181))
    empty = services.survey_create(scope=scope, area=cast.a.area, title="Empty",
                                   to_venues=True)
    with pytest.raises(SurveyHasNoQuestions):
        services.survey_open(scope=scope, survey=empty, closes_on=TODAY())
    assert _written()[1:] == before[1:]
    assert Survey.objects.get(pk=draft.pk).status == SurveyStatus.DRAFT
    services.survey_open(scope=scope, survey=draft, closes_on=TODAY())
    with pytest.raises(SurveyNotDraft):
        services.survey_update(scope=scope, survey=draft, title="Y", to_venues=True)


# --- results ------------------------------------------------------------------------

def test_results_from_a_small_dataset(cast):
    survey = make_survey(cast)
    colleague = make_user("colleague@espoo.test", Role.VENUE_STAFF,
                          organisation=cast.a.venue_org)
    answer(survey, cast.a.distributor, scale=5, choice=1, text="more training")
    answer(survey, cast.a.venue, scale=4, choice=1, text="Bigger print")
    answer(survey, cast.a.site_staff, scale=2, choice=0)
    answer(survey, colleague, scale=4)
    res = selectors.results(survey, TODAY())
    assert not res.shown and res.reason == "open"  # nothing while answers come in
    _close(survey, cast.a.welfare)
    res = selectors.results(survey, TODAY())
    assert res.shown and res.responses == 4
    scale, choice, text = res.questions
    assert scale.counts == [("1", 0), ("2", 1), ("3", 0), ("4", 2), ("5", 1)]
    assert scale.answered == 4 and scale.mean == 3.75  # (5 + 4 + 2 + 4) / 4
    assert choice.counts == [("Video", 1), ("Workshop", 2), ("Paper", 0)]
    assert choice.answered == 3
    assert text.texts == ["Bigger print", "more training"]  # alphabetical, not given order


def test_results_need_three_answers(cast, client):
    survey = make_survey(cast)
    answer(survey, cast.a.distributor, scale=5, text="secret opinion")
    answer(survey, cast.a.venue, scale=1)
    _close(survey, cast.a.welfare)
    res = selectors.results(survey, TODAY())
    assert not res.shown and res.reason == "few" and res.questions == []
    sign_in(client, cast.a.welfare)
    body = client.get(f"/surveys/{survey.pk}/results/").content.decode()
    assert "Fewer than 3 people answered" in body and "secret opinion" not in body


def test_results_page_never_shows_who_answered(cast, client):
    survey = make_survey(cast)
    for i, user in enumerate((cast.a.distributor, cast.a.venue, cast.a.site_staff)):
        user.name = f"Answerer Person{i}"
        user.save()
        answer(survey, user, scale=3, text="fine")
    _close(survey, cast.a.culture)
    sign_in(client, cast.a.culture)
    body = client.get(f"/surveys/{survey.pk}/results/").content.decode()
    assert "3 people answered" in body and "3.00" in body
    for user in (cast.a.distributor, cast.a.venue, cast.a.site_staff):
        assert user.email not in body and user.name not in body
    assert cast.a.distributor_org.name not in body and cast.a.venue_org.name not in body


def test_the_survey_pages_are_well_formed(cast, client):
    survey = make_survey(cast, open_days=None)
    sign_in(client, cast.a.welfare)
    urls = ["/surveys/", "/surveys/new/", f"/surveys/{survey.pk}/",
            f"/surveys/{survey.pk}/edit/", f"/surveys/{survey.pk}/questions/",
            f"/surveys/{survey.pk}/open/", "/surveys/pack/"]
    client.post(f"/surveys/{survey.pk}/open/", {"closes_on": TODAY().isoformat()})
    for user in (cast.a.distributor, cast.a.venue, cast.a.site_staff):
        answer(survey, user, scale=3, text="fine")
    client.post(f"/surveys/{survey.pk}/close/")
    urls.append(f"/surveys/{survey.pk}/results/")
    for url in urls:
        _audit(client, url)
    sign_in(client, cast.a.seller)
    _audit(client, "/surveys/")
    seller_survey = make_survey(cast, to_sellers=True, to_distributors=False, to_venues=False)
    _audit(client, f"/surveys/{seller_survey.pk}/answer/")


def _audit(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    audit = PageAudit()
    audit.feed(response.content.decode())
    assert audit.h1 == 1, url
    assert audit.inline_scripts == 0 and audit.style_attrs == 0, url
    for field in audit.fields:
        assert field.get("id") in audit.labels or field["_wrapped"], f"{url}: {field}"


def test_finnish_and_swedish_question_kinds():
    with translation.override("fi"):
        assert str(QuestionKind.SCALE.label) != "Scale 1–5"
    with translation.override("sv"):
        assert str(QuestionKind.TEXT.label) != "Short text"


def test_who_answered_is_forgotten_when_no_more_answers_can_come(cast):
    closed_by_hand, by_date = make_survey(cast), make_survey(cast, open_days=0)
    still_open = make_survey(cast)
    for s in (closed_by_hand, by_date, still_open):
        answer(s, cast.a.venue, scale=4)
    _close(closed_by_hand, cast.a.culture)
    assert not Responder.objects.filter(survey=closed_by_hand).exists()
    assert Response.objects.filter(survey=closed_by_hand).count() == 1  # answers stay
    from kaikukanta.ops.retention import retention_apply

    report = retention_apply(now=timezone.now() + datetime.timedelta(days=1))
    assert report.counts["survey responders forgotten"] == 1
    assert list(Responder.objects.values_list("survey_id", flat=True)) == [still_open.pk]
    assert retention_apply(now=timezone.now() + datetime.timedelta(days=1)).counts[
        "survey responders forgotten"] == 0
