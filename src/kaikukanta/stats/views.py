"""Statistics pages and downloads. Thin: scope and period in, selectors out."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kaikukanta.lib.errors import DomainError
from kaikukanta.lib.formatting import day, number
from kaikukanta.lib.forms import add_domain_error
from kaikukanta.lib.permissions import Perm, can
from kaikukanta.stats import cache as stats_cache
from kaikukanta.stats import exports, pdf, reports, services
from kaikukanta.stats.errors import CostShareFarFromPrevious
from kaikukanta.stats.forms import CostShareForm, YearsForm, period_from
from kaikukanta.stats.models import CostShare
from kaikukanta.stats.privacy import HIDDEN, SMALL, THRESHOLD
from kaikukanta.stats.scopes import Period, target_for, targets_for
from kaikukanta.stats.svg import bar_chart

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _download(data: bytes, name: str, fmt: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _national_only(request) -> None:
    if not request.scope.is_national:
        raise Http404


def _rule() -> dict:
    return {"threshold": THRESHOLD, "small": SMALL, "hidden": HIDDEN}


@login_required
def index(request):
    targets = targets_for(request.scope)
    if len(targets) == 1:  # one dashboard only: show it here
        return dashboard(request, targets[0].kind, targets[0].pk)
    return render(request, "stats/index.html", {
        "targets": targets, "is_national": request.scope.is_national,
    })


def _dashboard_data(request, kind: str, pk: int | None):
    target = target_for(request.scope, kind, pk)
    period, form = period_from(request.GET, timezone.localdate())
    exact = request.scope.is_national
    return stats_cache.dashboard_cached(target=target, period=period, exact=exact), form


@login_required
def dashboard(request, kind: str = "national", pk: int | None = None):
    d, form = _dashboard_data(request, kind, pk)
    sections = [(t, bar_chart(t) if t.chart else None) for t in d.tables]
    this_year = timezone.localdate().year
    t = d.target
    links = {"csv": t.url("export", "csv"), "xlsx": t.url("export", "xlsx"),
             "reports": [(y, t.url("report", y)) for y in (this_year, this_year - 1)]
             if t.has_report else []}
    return render(request, "stats/dashboard.html", {
        "d": d, "form": form, "sections": sections, "links": links,
        "query": request.GET.urlencode(),
        "years": list(range(this_year, this_year - 4, -1)), "rule": _rule(),
    })


@login_required
def dashboard_export(request, fmt: str, kind: str = "national", pk: int | None = None):
    d, _form = _dashboard_data(request, kind, pk)
    tables = d.tables
    key = request.GET.get("table")
    if key:
        tables = [t for t in tables if t.key == key]
        if not tables:
            raise Http404
    heading = f"{d.target.kind_label}: {d.target.label}, {d.period}"
    name = f"kaikukanta-{kind}-{pk or 'all'}-{d.period.start}-{d.period.end}"
    if key:
        name += f"-{key}"
    data = exports.to_csv(tables, heading) if fmt == "csv" else exports.to_xlsx(tables, heading)
    return _download(data, name, fmt)


def _wellbeing_section(request, kind: str, pk, year: int) -> list:
    """The wellbeing and mood meters' tables for the municipal wellbeing report (the same
    protected tables as the wellbeing dashboard; a year not yet shown says when)."""
    from kaikukanta.wellbeing import figures as wellbeing
    from kaikukanta.wellbeing.targets import target_for as wellbeing_target

    try:
        target = wellbeing_target(request.scope, kind, pk)
    except Http404:
        return []
    shown = year in wellbeing.years_open(timezone.localdate())
    return wellbeing.report_tables(target, year, ended=shown)


@login_required
def report_pdf(request, year: int, kind: str = "national", pk: int | None = None):
    """The yearly report of an area (or the whole network) as a PDF."""
    if kind not in ("national", "area", "municipality") or not 2000 <= year <= 2100:
        raise Http404
    target = target_for(request.scope, kind, pk)
    d = stats_cache.dashboard_cached(target=target, period=Period.year(year),
                                     exact=request.scope.is_national)
    heading = _("Kaikukortti in %(year)s: %(name)s") % {"year": year, "name": target.label}
    sub = _("Figures from Kaikukanta, compared with %(previous)s. Made %(today)s.") % {
        "previous": year - 1, "today": day(timezone.localdate())}
    running = f"{target.kind_label}: {target.label} · {d.period}"
    tables = list(d.tables) + _wellbeing_section(request, kind, pk, year)
    data = pdf.to_pdf(tables, heading, sub, running, exports.rule_text())
    return _download(data, f"kaikukortti-{year}-{kind}-{pk or 'all'}", "pdf")


def _years(request) -> tuple[int, int, YearsForm]:
    last_default = timezone.localdate().year
    form = YearsForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["first"], form.cleaned_data["last"], form
    if not form.is_bound:
        form = YearsForm(initial={"first": last_default - 1, "last": last_default})
    return last_default - 1, last_default, form


@login_required
def annual(request):
    _national_only(request)
    first, last, form = _years(request)
    table = reports.annual_table(first, last)
    return render(request, "stats/annual.html", {"table": table, "form": form,
                                                 "query": request.GET.urlencode()})


@login_required
def annual_export(request, fmt: str):
    _national_only(request)
    first, last, _form = _years(request)
    table = reports.annual_table(first, last)
    heading = _("Kaikukortti national annual table %(first)s–%(last)s") % {
        "first": first, "last": last}
    data = exports.to_csv([table], heading) if fmt == "csv" else exports.to_xlsx([table], heading)
    return _download(data, f"kaikukortti-annual-{first}-{last}", fmt)


def _cost_year(request) -> int:
    y = request.GET.get("year", "")
    return int(y) if y.isdigit() and 2015 <= int(y) <= 2100 else timezone.localdate().year


@login_required
def costs(request):
    _national_only(request)
    year = _cost_year(request)
    if request.method == "POST":
        if not can(request.scope, Perm.MANAGE_AREAS):
            raise Http404
        form = CostShareForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                share = services.cost_share_save(scope=request.scope,
                                                 confirmed=data.pop("confirm"), **data)
            except CostShareFarFromPrevious as exc:
                add_domain_error(form, exc)
                form.fields["confirm"].widget = forms.CheckboxInput()  # ask for it
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The cost sharing for %(year)s was saved.")
                                 % {"year": share.year})
                return redirect(f"{request.path}?year={share.year}")
    else:
        share = CostShare.objects.filter(year=year).first()
        form = CostShareForm(initial={
            "year": year, "population_year": share.population_year if share else year - 1,
            "rate_per_resident": number(share.rate_per_resident.normalize())
            if share and share.rate_per_resident is not None else None,
            "total": number(share.total) if share and share.total is not None else None,
        })
    share = CostShare.objects.filter(year=year).first()
    split = reports.cost_split(share) if share else None
    return render(request, "stats/costs.html", {
        "form": form, "year": year, "split": split,
        "table": reports.cost_table(split) if split else None,
        "years": CostShare.objects.values_list("year", flat=True),
    })


@login_required
def costs_export(request, fmt: str):
    _national_only(request)
    year = _cost_year(request)
    share = CostShare.objects.filter(year=year).first()
    if share is None:
        raise Http404
    table = reports.cost_table(reports.cost_split(share))
    heading = _("Kaikukanta shared costs %(year)s") % {"year": year}
    data = exports.to_csv([table], heading) if fmt == "csv" else exports.to_xlsx([table], heading)
    return _download(data, f"kaikukanta-costs-{year}", fmt)

