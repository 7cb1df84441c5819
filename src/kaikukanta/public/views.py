"""Public pages: no sign-in, the language from the address (/fi/, /sv/, /en/).

Nothing here is cached: a change a coordinator or a venue saves shows on the next load.
"""

from __future__ import annotations

import dataclasses
import time
from functools import wraps
from xml.sax.saxutils import escape

from django import forms
from django.conf import settings
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from kaikukanta.lib.errors import DomainError
from kaikukanta.public import printing, selectors, services
from kaikukanta.public.ratelimit import client_address
from kaikukanta.usage.models import Category, OfferKind

LANGS = ("fi", "sv", "en")


def public_view(view):
    """Activate the language of the address, whatever a signed-in user's own setting."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        lang = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        return view(request, *args, **kwargs)

    wrapper.second_factor_exempt = True  # nothing here needs a signed-in person
    return wrapper


def _frame(request, **extra) -> dict:
    """Alternate-language addresses (for the language links and search engines)."""
    path = request.get_full_path()
    alternates = [(code, translate_url(path, code)) for code in LANGS]
    return {"alternates": alternates, "canonical": request.build_absolute_uri(
        request.path), "lang": translation.get_language(), **extra}


def _area_or_404(pk: int):
    area = selectors.public_area_or_none(pk)
    if area is None:
        raise Http404
    return area


class OfferSearchForm(forms.Form):
    text = forms.CharField(label=_("Search words"), required=False, max_length=100)
    municipality = forms.ChoiceField(label=_("Municipality"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    children = forms.BooleanField(label=_("Children's tickets available"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = [("", _("All municipalities"))] + [
            (m.code, m.name) for m in selectors.public_municipalities()]
        self.fields["category"].choices = [("", _("All categories")), *Category.choices]

    def to_filter(self) -> selectors.OfferFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return selectors.OfferFilter(
            municipality=data.get("municipality", ""), category=data.get("category", ""),
            children=bool(data.get("children")), text=data.get("text", ""))


HOW_TO_GET = {
    OfferKind.EVENT: _("Ask for a Kaikukortti ticket at the ticket office or from the "
                       "ticket seller before the event."),
    OfferKind.ADMISSION: _("Show your card at the entrance or ticket desk."),
    OfferKind.COURSE: _("Enrol with the organiser and tell them you have a Kaikukortti."),
    OfferKind.COURSE_SEASON: _("Enrol with the organiser and tell them you have a "
                               "Kaikukortti."),
}


@public_view
def front(request):
    areas = list(selectors.public_areas())
    groups = []
    for key, label in (("in_use", _("In use")), ("trial", _("Trial")),
                       ("coming", _("Coming"))):
        members = [a for a in areas if selectors.STATUS_LABEL_KEYS.get(a.status) == key]
        if members:
            groups.append((label, [(a, selectors.area_name(a, translation.get_language()))
                                   for a in members]))
    return render(request, "public/front.html", _frame(
        request, groups=groups, form=OfferSearchForm()))


@public_view
def offers(request):
    form = OfferSearchForm(request.GET or None)
    f = form.to_filter() if request.GET else selectors.OfferFilter()
    area = selectors.public_area_or_none(request.GET.get("area")) if request.GET.get(
        "area", "").isdigit() else None
    if area is not None:  # from an area page's "more offers" link
        f = dataclasses.replace(f, area=area.pk)
    paginator = Paginator(selectors.offer_search(f), selectors.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "public/offers.html", _frame(
        request, form=form, page=page, query=query.urlencode(), area=area,
        noindex=bool(request.GET)))


@public_view
def area(request, pk: int):
    area = _area_or_404(pk)
    lang = translation.get_language()
    return render(request, "public/area.html", _frame(
        request, area=area, name=selectors.area_name(area, lang),
        page=selectors.area_page(area),
        municipalities=list(area.municipalities.all()),
        distributors=selectors.area_distributors(area),
        venues=selectors.area_venues(area, limit=selectors.AREA_PAGE_OFFERS),
        is_operating=area.is_operating))


class FeedbackForm(forms.Form):
    message = forms.CharField(label=_("Your feedback"), max_length=3000,
                              widget=forms.Textarea(attrs={"rows": 6}))
    reply_email = forms.EmailField(
        label=_("Your email address (optional)"), required=False,
        help_text=_("Only if you want an answer. Without it your feedback is anonymous. "
                    "The address is used only to answer you and is erased when your "
                    "feedback has been handled."))
    # People do not see this field (it is hidden with CSS); form-filling robots do.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    started = forms.CharField(widget=forms.HiddenInput, required=False)


def _started_token() -> str:
    return signing.dumps(time.time(), salt="public.feedback")


def _seconds_on_form(token: str) -> float | None:
    try:
        started = signing.loads(token, salt="public.feedback", max_age=24 * 3600)
    except signing.BadSignature:
        return 0.0  # missing or forged: treated as too fast
    return time.time() - float(started)


@public_view
@require_http_methods(["GET", "POST"])
def feedback(request, pk: int):
    area = _area_or_404(pk)
    lang = translation.get_language()
    sent = request.GET.get("sent") == "1"
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.feedback_receive(
                    area=area, message=d["message"], reply_email=d["reply_email"],
                    client=client_address(request), honeypot=d["website"],
                    seconds_on_form=_seconds_on_form(d["started"]), language=lang)
            except DomainError as exc:
                form.add_error(exc.field, exc.render())
                status = exc.http_status
            else:
                return HttpResponseRedirect(
                    reverse("public:feedback", args=[area.pk]) + "?sent=1")
        else:
            status = 400
    else:
        form = FeedbackForm(initial={"started": _started_token()})
        status = 200
    if request.method == "POST":
        form.data = form.data.copy()
        form.data["started"] = _started_token()
    return render(request, "public/feedback.html", _frame(
        request, area=area, name=selectors.area_name(area, lang), form=form, sent=sent),
        status=status)


def _pdf(request, pk: int, kind: str) -> HttpResponse:
    area = _area_or_404(pk)
    lang = translation.get_language()
    url = request.build_absolute_uri(reverse("public:area", args=[area.pk]))
    data = printing.area_material(area=area, kind=kind, url=url, lang=lang)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="kaikukortti-{area.pk}-{kind}-{lang}.pdf"')
    return response


@public_view
def brochure(request, pk: int):
    return _pdf(request, pk, "brochure")


@public_view
def poster(request, pk: int):
    return _pdf(request, pk, "poster")


@public_view
def open_data(request):
    return render(request, "public/open_data.html", _frame(request))


def sitemap(request):
    """Every public page in every language, for search engines."""
    base = f"{request.scheme}://{request.get_host()}"
    paths = ["public:front", "public:offers", "public:open_data"]
    urls = []
    for lang in LANGS:
        with translation.override(lang):
            urls += [reverse(name) for name in paths]
            urls += [reverse("public:area", args=[a.pk]) for a in selectors.public_areas()]
    body = ['<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    body += [f"<url><loc>{escape(base + u)}</loc></url>" for u in urls]
    body.append("</urlset>")
    return HttpResponse("\n".join(body), content_type="application/xml")


def robots(request):
    sitemap_url = request.build_absolute_uri(reverse("public_sitemap"))
    text = ("User-agent: *\nDisallow: /accounts/\nDisallow: /admin/\nDisallow: /api/v1/\n"
            "Disallow: /oma/\n"
            f"Sitemap: {sitemap_url}\n")
    return HttpResponse(text, content_type="text/plain")


sitemap.second_factor_exempt = True
robots.second_factor_exempt = True
