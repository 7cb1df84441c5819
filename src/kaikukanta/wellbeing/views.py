"""Wellbeing pages: the staff questionnaire (handed to the holder or entered from paper)
and the protected dashboards with their downloads. Thin: scope in, services and figures
out. No page shows an answer of one card."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from kaikukanta.cards.models import Card
from kaikukanta.lib.errors import DomainError
from kaikukanta.lib.forms import add_domain_error
from kaikukanta.lib.permissions import Perm, can
from kaikukanta.lib.scope import get_visible_or_404
from kaikukanta.lib.targets import TargetKind
from kaikukanta.stats import exports
from kaikukanta.stats.svg import bar_chart
from kaikukanta.wellbeing import figures, services
from kaikukanta.wellbeing.forms import MeterForm, YearForm
from kaikukanta.wellbeing.questions import WHO5_INTRO
from kaikukanta.wellbeing.svg import interval_chart
from kaikukanta.wellbeing.targets import target_for, targets_for

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# --- the questionnaire at the distributor ----------------------------------------------

def _issuer_card(request, number: str) -> Card:
    card = get_visible_or_404(Card.objects.select_related("unit__organisation", "area"),
                              request.scope, number=number)
    if card.unit is None or not can(request.scope, Perm.ISSUE_CARDS, card.unit):
        raise PermissionDenied
    return card


def time_point_label(tp: int) -> str:
    return str(_("At issue")) if tp == 0 else _("At renewal %(n)s") % {"n": tp}


@never_cache
@login_required
def card_meter(request, number: str):
    """The wellbeing meter for one card. The staff member hands the screen to the holder
    (or types in a paper form); after saving, the page shows no answer back."""
    card = _issuer_card(request, number)
    points = [(tp, time_point_label(tp)) for tp in services.open_time_points(card)]
    form = MeterForm(request.POST or None, time_points=points, staff=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.wellbeing_answer_record(
                scope=request.scope, card=card, time_point=form.cleaned_data["time_point"],
                channel=form.cleaned_data["channel"], items=form.items(),
                participation=form.participation())
        except DomainError as exc:
            if exc.http_status == 403:
                raise PermissionDenied from exc
            add_domain_error(form, exc)
        else:
            return redirect("wellbeing:card_meter_done", number=card.number)
    return render(request, "wellbeing/card_meter.html",
                  {"form": form, "card": card, "points": points, "intro": WHO5_INTRO,
                   "days": services.ANSWER_DAYS, "min": figures.MIN_ANSWERS})


@never_cache
@login_required
def card_meter_done(request, number: str):
    card = _issuer_card(request, number)
    return render(request, "wellbeing/card_meter_done.html", {"card": card})


# --- dashboards ------------------------------------------------------------------------

def _year(request) -> tuple[int, YearForm]:
    years = figures.years_open(timezone.localdate())
    form = YearForm(request.GET or None, years=years)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["year"], form
    if form.is_bound:
        return years[0], form  # shows the error, and the newest year
    return years[0], YearForm(initial={"year": years[0]}, years=years)


@login_required
def index(request):
    targets = targets_for(request.scope)
    if not targets:
        raise PermissionDenied
    if len(targets) == 1:
        t = targets[0]
        return dashboard(request, t.kind, t.pk)
    return render(request, "wellbeing/index.html", {"targets": targets})


CACHE_SECONDS = 3600


def _data(request, kind: str, pk):
    """The figures of an ended year never change (see `figures`), so they are cached."""
    target = target_for(request.scope, kind, pk)
    year, form = _year(request)
    key = f"wellbeing:v1:{kind}:{pk}:{year}:{get_language()}"
    d = cache.get(key)
    if d is None:
        d = figures.dashboard(target, year)
        cache.set(key, d, CACHE_SECONDS)
    return d, form


@login_required
def dashboard(request, kind: str, pk=None):
    d, form = _data(request, kind, pk)
    charts = {}
    for t in d.tables:
        if t.chart:
            charts[t.key] = bar_chart(t, column=1, prefix="wb")
    if d.paired is not None:
        _issue, _renewal, change = d.paired
        charts["paired"] = interval_chart(
            "wb-paired-change", _("Change between issue and first renewal (same cards)"),
            [(_("Change"), change)], low=-50, high=50)
        charts["score"] = interval_chart(
            "wb-score", _("WHO-5 wellbeing score (0–100)"), d.scores, low=0, high=100)
    sections = [(t, charts.get(t.key)) for t in d.tables]
    query = f"year={d.year}"
    return render(request, "wellbeing/dashboard.html", {
        "d": d, "form": form, "sections": sections, "query": query,
        "csv": d.target.url("export", "csv"), "xlsx": d.target.url("export", "xlsx"),
        "min_answers": figures.MIN_ANSWERS, "national": d.target.kind == TargetKind.NATIONAL,
    })


@login_required
def export(request, kind: str, fmt: str, pk=None):
    d, _form = _data(request, kind, pk)
    tables = d.tables
    key = request.GET.get("table")
    if key:
        tables = [t for t in tables if t.key == key]
        if not tables:
            raise Http404
    heading = (_("Wellbeing indicators") + f": {d.target.kind_label}: {d.target.label}, "
               f"{d.year}")
    data = exports.to_csv(tables, heading) if fmt == "csv" else exports.to_xlsx(tables, heading)
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    name = f"kaikukanta-wellbeing-{kind}-{pk or 'all'}-{d.year}"
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
