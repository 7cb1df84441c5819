"""Pages of local surveys. Coordinators: list, make, open, close, results and the feedback
meeting pack; staff: answer the surveys addressed to them. Outside the scope is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaikukanta.lib.errors import DomainError
from kaikukanta.lib.forms import add_domain_error
from kaikukanta.lib.permissions import Perm, can
from kaikukanta.lib.scope import get_visible_or_404
from kaikukanta.lib.views import form_page
from kaikukanta.network.models import Area
from kaikukanta.surveys import pack, selectors, services
from kaikukanta.surveys.forms import (
    NO_CLIENTS,
    AnswerForm,
    OpenForm,
    PackForm,
    QuestionForm,
    SurveyForm,
)
from kaikukanta.surveys.models import Question, Survey, SurveyStatus


def _coordinated_areas(scope):
    areas = Area.objects.for_scope(scope).order_by("name")
    return areas if scope.is_national else areas.filter(pk__in=scope.coordinator_area_ids)


def _is_coordinator(scope) -> bool:
    return scope.is_national or bool(scope.coordinator_area_ids)


def _survey(request, pk: int) -> Survey:
    return get_visible_or_404(Survey.objects.select_related("area"), request.scope, pk=pk)


@login_required
def survey_list(request):
    scope, today = request.scope, timezone.localdate()
    coordinator = _is_coordinator(scope)
    if not coordinator and not scope.staff_org_ids:
        raise PermissionDenied
    context = {"coordinator": coordinator, "today": today,
               "addressed": selectors.addressed_recent(scope, today)}
    if coordinator:
        surveys = list(Survey.objects.for_scope(scope).select_related("area")[:100])
        counts = selectors.response_counts(surveys)
        context["surveys"] = [(s, counts.get(s.pk, 0), s.is_closed_on(today)) for s in surveys]
        context["pack_form"] = PackForm(areas=_coordinated_areas(scope),
                                        initial={"year": today.year})
    return render(request, "surveys/list.html", context)


@login_required
def survey_create(request):
    if not _is_coordinator(request.scope):
        raise PermissionDenied
    form = SurveyForm(request.POST or None, areas=_coordinated_areas(request.scope))
    return form_page(
        request, form,
        call=lambda d: services.survey_create(scope=request.scope, area=d["area"],
                                              **form.service_fields()),
        done=_("The survey was saved as a draft. Add its questions."),
        redirect_to=lambda s: ("surveys:detail", s.pk),
        context={"title": _("New local survey")})


@login_required
def survey_detail(request, pk: int):
    survey = _survey(request, pk)
    today = timezone.localdate()
    context = {"survey": survey, "questions": list(survey.questions.all()),
               "responses": selectors.response_count(survey),
               "is_open": survey.is_open_on(today), "is_closed": survey.is_closed_on(today),
               "can_run": can(request.scope, Perm.RUN_SURVEY, survey)}
    if survey.status == SurveyStatus.DRAFT:
        context["question_form"] = QuestionForm()
        context["open_form"] = OpenForm()
    return render(request, "surveys/detail.html", context)


@login_required
def survey_edit(request, pk: int):
    survey = _survey(request, pk)
    form = SurveyForm(request.POST or None, initial=SurveyForm.initial_for(survey))
    return form_page(
        request, form,
        call=lambda d: services.survey_update(scope=request.scope, survey=survey,
                                              **form.service_fields()),
        done=_("The survey was saved."), redirect_to=("surveys:detail", survey.pk),
        context={"title": _("Edit the survey: %(title)s") % {"title": survey.title}})


@login_required
def question_add(request, pk: int):
    survey = _survey(request, pk)
    form = QuestionForm(request.POST or None)
    return form_page(
        request, form,
        call=lambda d: services.question_add(
            scope=request.scope, survey=survey, kind=d["kind"], text=d["text"],
            options=form.option_list(), required=d["required"]),
        done=_("The question was added."), redirect_to=("surveys:detail", survey.pk),
        context={"title": _("New question: %(title)s") % {"title": survey.title}})


def _run(request, survey: Survey, call, done: str):
    """Run a button's service; a broken rule is shown as a message on the survey page."""
    try:
        call()
    except DomainError as error:
        if error.http_status == 403:
            raise PermissionDenied from error
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("surveys:detail", survey.pk)


@login_required
@require_POST
def question_remove(request, pk: int, question_pk: int):
    survey = _survey(request, pk)
    question = Question.objects.filter(survey=survey, pk=question_pk).first()
    if question is None:
        return redirect("surveys:detail", survey.pk)
    return _run(request, survey,
                lambda: services.question_remove(scope=request.scope, question=question),
                _("The question was removed."))


@login_required
def survey_open(request, pk: int):
    survey = _survey(request, pk)
    form = OpenForm(request.POST or None)
    return form_page(
        request, form,
        call=lambda d: services.survey_open(
            scope=request.scope, survey=survey, closes_on=d["closes_on"], notify=d["notify"],
            base_url=request.build_absolute_uri("/")),
        done=lambda sent: _("The survey is open. Emails sent: %(n)s.") % {"n": sent},
        redirect_to=("surveys:detail", survey.pk),
        context={"title": _("Open the survey: %(title)s") % {"title": survey.title},
                 "submit": _("Open the survey")})


@login_required
@require_POST
def survey_close(request, pk: int):
    survey = _survey(request, pk)
    return _run(request, survey,
                lambda: services.survey_close(scope=request.scope, survey=survey),
                _("The survey is closed. Its results can be read now."))


@login_required
def survey_results(request, pk: int):
    survey = _survey(request, pk)
    res = selectors.results(survey, timezone.localdate())
    return render(request, "surveys/results.html",
                  {"survey": survey, "res": res, "min": selectors.MIN_RESPONSES})


@login_required
def survey_answer(request, pk: int):
    survey = selectors.addressed_or_404(request.scope, pk)
    today = timezone.localdate()
    if services.answering_organisation(request.scope, survey) is None:
        raise PermissionDenied
    answered = selectors.has_answered(request.scope, survey)
    form = None
    if survey.is_open_on(today) and not answered:
        form = AnswerForm(request.POST or None, survey=survey)
        if request.method == "POST" and form.is_valid():
            try:
                services.survey_answer(scope=request.scope, survey=survey,
                                       answers=form.answers(), today=today)
            except DomainError as error:
                if error.http_status == 403:
                    raise PermissionDenied from error
                add_domain_error(form, error)
            else:
                messages.success(request, _("Thank you! Your answers were saved."))
                return redirect("surveys:list")
    elif request.method == "POST":
        messages.error(request, _("You have already answered this survey. Thank you!")
                       if answered else _("This survey is closed and takes no more answers."))
        return redirect("surveys:answer", survey.pk)
    return render(request, "surveys/answer.html",
                  {"survey": survey, "form": form, "answered": answered,
                   "no_clients": NO_CLIENTS})


@login_required
def feedback_pack(request):
    if not _is_coordinator(request.scope):
        raise PermissionDenied
    form = PackForm(request.GET or None, areas=_coordinated_areas(request.scope),
                    initial={"year": timezone.localdate().year})
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        try:
            data = pack.pack_data(scope=request.scope, area=d["area"], year=d["year"],
                                  with_messages=d["with_messages"])
        except DomainError as error:
            if error.http_status == 403:
                raise PermissionDenied from error
            add_domain_error(form, error)
        else:
            response = HttpResponse(pack.pack_pdf(data), content_type="application/pdf")
            response["Content-Disposition"] = (
                f'attachment; filename="kaikukortti-feedback-{d["area"].pk}-{d["year"]}.pdf"')
            return response
    return render(request, "surveys/pack.html", {"form": form})
