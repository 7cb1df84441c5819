"""Venue pages: the ticket desk, uses, monthly counts, offers, paper backfill and the
coordinators' list of look-ups that were slowed down. Views parse input, check
`can(...)` and call services; every list starts from `for_scope(request.scope)`."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaikukanta.accounts.scope import person_cached
from kaikukanta.lib import confirm, formatting
from kaikukanta.lib.errors import DomainError
from kaikukanta.lib.forms import add_domain_error
from kaikukanta.lib.permissions import Perm, can
from kaikukanta.lib.scope import get_visible_or_404
from kaikukanta.lib.views import form_page
from kaikukanta.network.models import Organisation, Unit
from kaikukanta.usage import desk_page, selectors, services
from kaikukanta.usage.errors import LookupThrottled
from kaikukanta.usage.forms import LookupForm, OfferForm, RecordForm, UploadForm, UseFilterForm
from kaikukanta.usage.imports import uses_upload
from kaikukanta.usage.models import (
    LookupLog,
    Offer,
    OfferStatus,
    Use,
    UseImport,
    UseSource,
    UseStatus,
)
from kaikukanta.usage.selectors import COMMUNITY_CLIENTS_MAX
from kaikukanta.usage.tasks import uses_upload_later

# The desk remembers in the person's session the site they chose, and per site what was
# last recorded there (an offer, or general admission's category).
DESK_SITE_KEY = "desk_site"
DESK_LAST_KEY = "desk_last"


def _site_or_none(request, sites: list[Unit], *, remembered: bool = False) -> Unit | None:
    """The site chosen with ?site= (404 outside scope, 403 without the right to record),
    the only site the user has, or (`remembered`) the site last chosen at the desk."""
    raw = request.POST.get("site") or request.GET.get("site")
    if raw:
        site = next((s for s in sites if str(s.pk) == raw), None)  # no query when it is
        if site is None:
            site = get_visible_or_404(Unit.objects.select_related("organisation__home_area"),
                                      request.scope, pk=raw)
            if not can(request.scope, Perm.RECORD_USES, site):
                raise PermissionDenied
        return site
    if len(sites) == 1:
        return sites[0]
    if remembered:
        chosen = request.session.get(DESK_SITE_KEY)
        return next((s for s in sites if s.pk == chosen), None)
    return None


def _sites_or_403(request) -> list[Unit]:
    # kept with the person's scope between requests (accounts.scope, the person's cache)
    sites = person_cached(request.user, "recording_sites",
                          lambda: list(selectors.recording_sites_for(request.scope)))
    if not sites:
        raise PermissionDenied
    return sites


def _choose_site(request, sites, next_name: str):
    return render(request, "usage/choose_site.html",
                  {"sites": sites, "next_url": reverse(next_name)})


def _record_fields_of(request, site, d: dict) -> dict:
    """The service's arguments for the use a desk or backfill form describes."""
    return {
        "scope": request.scope, "site": site, "card_number": d["number"],
        "event_date": d["event_date"], "offer": d["offer"],
        "category": d["category"] or None, "children": d["children"] or 0,
        "companion": d["companion"], "request_token": d["token"],
    }


def _record_from_form(request, site, d: dict, source: str):
    """Record the use a form describes (the service holds the rules)."""
    return services.use_record(**_record_fields_of(request, site, d), source=source)


def _desk_offers(site) -> selectors.DeskOffers:
    """The site's active offers for the desk's forms (kept in the shared cache and in the
    process until an offer changes: the record after a look-up reads none)."""
    return selectors.desk_offers(site)


def _record_form(site, answer, data=None, *, offers, last: dict | None = None):
    """The desk's record form for a looked-up card (ids prefixed: the look-up has its own
    `number`). A fresh form has the site's only offer, or the last one used, chosen."""
    form = RecordForm(data, site=site, children_max=answer.children_max if answer else 0,
                      community=bool(answer and answer.is_community), offers=offers,
                      initial={"number": answer.number if answer else "",
                               "token": uuid.uuid4().hex}, auto_id="record_%s")
    if data is None:
        _preselect(form, last or {})
    return form


def _preselection(offer_ids, last: dict) -> dict:
    """The site's only offer, or what was last recorded at this desk (so that one key
    records), as the record form's initial values."""
    offer_ids = list(offer_ids)
    if len(offer_ids) == 1:
        return {"offer": offer_ids[0]}
    if last.get("offer") in offer_ids:
        return {"offer": last["offer"]}
    if not last.get("offer") and last.get("category"):
        return {"category": last["category"]}
    return {}


def _preselect(form: RecordForm, last: dict) -> None:
    form.initial.update(_preselection(form.offers, last))


# The offline form is the same for every look-up at a site (the same offers, the same
# choice preselected, today's date): its HTML is kept in this process's memory under a key
# made of everything it shows (a new release's templates come with new processes). Not in
# the shared cache: a round trip to it cost more than the key is worth sharing.
_HTML: dict[tuple, str] = {}
_HTML_MAX = 2000


def _cached_html(name: str, shown: list, render) -> str:
    """`render()`'s HTML, kept under a key made of everything it shows."""
    key = (name, get_language(), timezone.localdate().isoformat(), repr(shown))
    html = _HTML.get(key)
    if html is None:
        html = render()
        if len(_HTML) >= _HTML_MAX:  # yesterday's and long-gone sites' forms
            _HTML.clear()
        _HTML[key] = html
    return mark_safe(html)  # noqa: S308 - rendered by a template (autoescaped)


def _offline_form(request, site, offers) -> str:
    """The form the page uses when the connection is down: the number is checked for its
    check character only, the children's tickets when the use is sent."""
    chosen = _preselection(offers.by_pk, _desk_last(request, site))

    def render():
        offline = RecordForm(site=site, children_max=COMMUNITY_CLIENTS_MAX, offers=offers,
                             auto_id="offline_%s", initial=chosen)
        return render_to_string("usage/desk_offline_form.html",
                                {"offline": offline, "site": site})

    return _cached_html("offline", [site.pk, offers.titles(),
                                    sorted(chosen.items())], render)


def _record_fields(site, form, answer, offers) -> str:
    """The record form's visible fields. A fresh form's are the same for every card with
    as many children at the site (its hidden number and token are rendered apart), so
    their HTML is cached; a form with errors is rendered as it is."""
    def render():
        return render_to_string("usage/desk_record_fields.html",
                                {"form": form, "answer": answer})

    if form.is_bound:
        return mark_safe(render())  # noqa: S308 - rendered by a template (autoescaped)
    shown = [site.pk, offers.titles(),
             sorted((k, str(v)) for k, v in form.initial.items() if k in ("offer", "category")),
             answer.children_max, bool(answer.is_community)]
    return _cached_html("record", shown, render)


def _desk_last(request, site) -> dict:
    return (request.session.get(DESK_LAST_KEY) or {}).get(str(site.pk), {})


def _remember_desk(request, site, use=None) -> None:
    """Keep the chosen site (and what `use` recorded) in the session; the session is only
    written when something changed."""
    if request.session.get(DESK_SITE_KEY) != site.pk:
        request.session[DESK_SITE_KEY] = site.pk
    if use is not None:
        chosen = {"offer": str(use.offer_id or ""),
                  "category": "" if use.offer_id else use.category}
        if _desk_last(request, site) != chosen:
            last = dict(request.session.get(DESK_LAST_KEY) or {})
            last[str(site.pk)] = chosen
            request.session[DESK_LAST_KEY] = last


# --- the desk --------------------------------------------------------------------------

@login_required
def desk(request):
    sites = _sites_or_403(request)
    site = _site_or_none(request, sites, remembered="choose" not in request.GET)
    if site is None:
        return _choose_site(request, sites, "usage:desk")
    _remember_desk(request, site)
    # opening the desk (or coming back after recording) is not an empty look-up
    lookup = LookupForm(request.GET if "number" in request.GET else None)
    answer = error = None
    status = 200
    if lookup.is_bound and lookup.is_valid():
        try:
            answer = services.card_lookup(scope=request.scope,
                                          number_text=lookup.cleaned_data["number"])
        except DomainError as exc:
            error, status = exc, exc.http_status if exc.http_status == 429 else 200
            lookup.add_error("number", str(exc))
    offers = _desk_offers(site)
    form = (_record_form(site, answer, offers=offers, last=_desk_last(request, site))
            if answer and answer.is_valid else None)
    return _render_desk(request, site, sites, lookup, answer, form, offers, error, status)


def _render_desk(request, site, sites, lookup, answer, form, offers, error=None, status=200):
    attrs = lookup.fields["number"].widget.attrs
    attrs["aria-describedby"] = "number_errors number_help" if lookup.errors else "number_help"
    if lookup.errors:
        attrs["aria-invalid"] = "true"
    if form is not None:  # the answer's "Record use" has the focus: Enter records
        attrs.pop("autofocus", None)
    recent = selectors.desk_recent_uses(site, timezone.localdate())
    context = {
        "site": site, "many_sites": len(sites) > 1, "lookup": lookup, "answer": answer,
        "form": form, "error": error, "recent": recent,
        "offline_form": _offline_form(request, site, offers),
        "record_fields": _record_fields(site, form, answer, offers) if form is not None else "",
        "seller": selectors.seller_for(request.scope, site.organisation),
        # one token for the whole page, the frame's forms and the body's alike
        "csrf_token": get_token(request),
    }
    if desk_page.writes(lookup=lookup, answer=answer, form=form):
        # the body from pieces translated once (the template's own HTML; `desk_page`)
        context["desk_body"] = desk_page.body(**{k: context[k] for k in desk_page.BODY_VALUES})
    return render(request, "usage/desk.html", context, status=status)


@login_required
@require_POST
def desk_record(request):
    sites = _sites_or_403(request)
    site = _site_or_none(request, sites)
    if site is None:
        raise Http404
    offers = _desk_offers(site)
    number_text = request.POST.get("number", "")
    form = _record_form(site, None, request.POST, offers=offers)
    status, error, answer, refusal = 200, None, None, None
    try:
        if form.is_valid():
            # the number is resolved once, by the recording (its log row goes in with the
            # use); a refusal comes back with the card's answer for the page
            done = services.use_record_at_desk(**_record_fields_of(request, site,
                                                                   form.cleaned_data))
            if done.use is not None:
                use = done.use
                _remember_desk(request, site, use)
                messages.success(request, _(
                    "Recorded: card %(number)s, %(date)s, %(children)s children's tickets.")
                    % {"number": use.card.display_number,
                       "date": formatting.day(use.event_date), "children": use.children})
                return redirect(f"{reverse('usage:desk')}?site={site.pk}")
            answer, refusal = done.answer, done.refusal
        else:  # nothing to record: the page shows the card's answer (a look-up, counted)
            answer = services.card_lookup(scope=request.scope, number_text=number_text)
    except LookupThrottled as exc:
        status, error = exc.http_status, exc
    except DomainError:  # the number does not parse
        pass
    if answer is not None:  # the form as the answer shows it (children, community card)
        form = _record_form(site, answer, request.POST, offers=offers)
        if refusal is not None:
            add_domain_error(form, refusal)
    else:
        form.add_error(None, _("Look the card up again."))
    lookup = LookupForm(initial={"number": number_text})
    return _render_desk(request, site, sites, lookup, answer, form, offers, error, status)


# --- the desk without a connection -----------------------------------------------------

@login_required
@require_POST
def desk_queued(request):
    """One use the desk queued in the browser while offline, sent now; answers JSON for the
    page's queue. The same rules as recording at the desk (`services.use_record`, which
    also counts the number against the look-up limit); the queue's idempotency key
    (`token`) makes a use sent twice count once. A refusal is the clerk's to resolve
    (`ok: false` with the message); too many look-ups (429) ask the page to retry later."""
    sites = _sites_or_403(request)
    site = _site_or_none(request, sites)
    if site is None:
        raise Http404
    form = RecordForm(request.POST, site=site, children_max=COMMUNITY_CLIENTS_MAX)
    if not form.is_valid():
        text = " ".join(f"{form.fields[name].label}: {error}" if name in form.fields
                        else str(error)
                        for name, errors in form.errors.items() for error in errors)
        return JsonResponse({"ok": False, "code": "invalid", "message": text}, status=400)
    try:
        use = _record_from_form(request, site, form.cleaned_data, UseSource.DESK)
    except DomainError as exc:
        retry = exc.http_status == 429
        return JsonResponse({"ok": False, "code": exc.code, "message": str(exc),
                             "retry": retry}, status=429 if retry else 409)
    return JsonResponse({"ok": True, "use": use.pk, "message": _(
        "Recorded: card %(number)s, %(date)s, %(children)s children's tickets.")
        % {"number": use.card.display_number,
           "date": date_format(use.event_date, "SHORT_DATE_FORMAT"),
           "children": use.children}})


# The files the desk needs without a connection (kept by its service worker).
DESK_ASSETS = ["kaikukanta/site.css", "kaikukanta/site.js", "kaikukanta/favicon.svg",
               "usage/desk.css", "usage/desk.js", "oma/desk_verify.js"]


def desk_service_worker(request):
    """The desk's service worker, served from the desk's own path so that it may look
    after the desk's pages (a worker's reach is the folder it is served from). It names
    the static files with their hashed names, so a new release installs a new worker."""
    assets = [static(name) for name in DESK_ASSETS]
    scope = reverse("usage:desk")
    response = render(request, "usage/desk-sw.js", {
        "assets": assets, "scope": scope, "static_prefix": settings.STATIC_URL,
        "version": hashlib.sha256("|".join(assets).encode()).hexdigest()[:12],
    }, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


def desk_manifest(request):
    """The desk as an installable app (starts at the desk, stays within it)."""
    scope = reverse("usage:desk")
    return JsonResponse({
        "name": _("Kaikukanta ticket desk"), "short_name": _("Ticket desk"),
        "lang": get_language(), "start_url": scope, "scope": scope, "display": "standalone",
        "background_color": "#ffffff", "theme_color": "#0b5394",
        "icons": [{"src": static("kaikukanta/favicon.svg"), "sizes": "any",
                   "type": "image/svg+xml"}],
    }, content_type="application/manifest+json")


# --- uses ------------------------------------------------------------------------------

def _filtered_uses(request):
    uses = selectors.uses_for_venue_pages(request.scope)
    sites = Unit.objects.for_scope(request.scope).filter(
        pk__in=Use.objects.for_scope(request.scope).values("site")).order_by("name")
    offers = Offer.objects.for_scope(request.scope).order_by("title_fi")
    form = UseFilterForm(request.GET or None, sites=sites, offers=offers)
    if form.is_valid():
        d = form.cleaned_data
        if d["site"]:
            uses = uses.filter(site=d["site"])
        if d["offer"]:
            uses = uses.filter(offer=d["offer"])
        if d["date_from"]:
            uses = uses.filter(event_date__gte=d["date_from"])
        if d["date_to"]:
            uses = uses.filter(event_date__lte=d["date_to"])
    return uses, form


@login_required
def use_list(request):
    uses, form = _filtered_uses(request)
    page = Paginator(uses, 50).get_page(request.GET.get("page"))
    cancel_after = timezone.now() - timedelta(days=services.CANCEL_DAYS)
    recordable = {s.pk for s in selectors.recording_sites_for(request.scope)}
    rows = [{"use": u, "can_cancel": u.status == UseStatus.RECORDED
             and u.recorded_at >= cancel_after and u.site_id in recordable}
            for u in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "usage/use_list.html", {
        "form": form, "page": page, "rows": rows, "query": query.urlencode(),
    })


@login_required
def use_months(request):
    uses, form = _filtered_uses(request)
    return render(request, "usage/use_months.html", {
        "form": form, "months": selectors.use_month_counts(uses),
    })


@login_required
@require_POST
def use_cancel(request, pk: int):
    use = get_visible_or_404(Use.objects.select_related("site__organisation", "card", "offer"),
                             request.scope, pk=pk)
    if not can(request.scope, Perm.RECORD_USES, use.site):
        raise PermissionDenied
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("usage:uses")
    what = {"number": use.card.display_number,
            "date": date_format(use.event_date, "SHORT_DATE_FORMAT"),
            "offer": use.offer.title if use.offer else use.get_category_display()}
    if not confirm.confirmed(request):
        return confirm.ask(
            request, title=_("Cancel the use?"),
            question=_("The use is cancelled for good; it no longer counts anywhere."),
            facts=[(_("Card"), what["number"]), (_("Offer"), what["offer"]),
                   (_("Event date"), what["date"]), (_("Site"), use.site.name)],
            button=_("Cancel the use"), back_url=target)
    try:
        services.use_cancel(scope=request.scope, use=use)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _(
            "Cancelled: the use of card %(number)s, %(offer)s, %(date)s.") % what)
    return redirect(target)


# --- offers ----------------------------------------------------------------------------

def _managed_venues(request):
    venues = Organisation.objects.for_scope(request.scope).venues().order_by("name")
    return [v for v in venues if can(request.scope, Perm.MANAGE_OFFERS, v)]


@login_required
def offer_list(request):
    offers = (Offer.objects.for_scope(request.scope).select_related("site", "venue")
              .order_by("venue__name", "status", "title_fi"))
    return render(request, "usage/offer_list.html", {
        "offers": offers, "venues": _managed_venues(request),
    })


@login_required
def offer_create(request):
    venues = _managed_venues(request)
    raw = request.GET.get("venue")
    if raw:
        venue = get_visible_or_404(Organisation.objects.venues(), request.scope, pk=raw)
        if not can(request.scope, Perm.MANAGE_OFFERS, venue):
            raise PermissionDenied
    elif len(venues) == 1:
        venue = venues[0]
    elif venues:
        raise Http404
    else:
        raise PermissionDenied
    return form_page(
        request, OfferForm(request.POST or None, venue=venue),
        call=lambda d: services.offer_create(scope=request.scope, venue=venue, **d),
        done=_("The offer was saved."), redirect_to="usage:offers",
        template="usage/offer_form.html", context={"venue": venue})


@login_required
def offer_edit(request, pk: int):
    offer = get_visible_or_404(Offer.objects.select_related("venue", "site"), request.scope,
                               pk=pk)
    if not can(request.scope, Perm.MANAGE_OFFERS, offer.venue):
        raise PermissionDenied
    return form_page(
        request, OfferForm(request.POST or None, instance=offer, venue=offer.venue),
        call=lambda d: services.offer_update(scope=request.scope, offer=offer, **d),
        done=_("The offer was saved."), redirect_to="usage:offers",
        template="usage/offer_form.html",
        context={"venue": offer.venue, "offer": offer, "statuses": OfferStatus.choices})


@login_required
@require_POST
def offer_status(request, pk: int):
    offer = get_visible_or_404(Offer.objects.select_related("venue"), request.scope, pk=pk)
    if not can(request.scope, Perm.MANAGE_OFFERS, offer.venue):
        raise PermissionDenied
    try:
        services.offer_set_status(scope=request.scope, offer=offer,
                                  status=request.POST.get("status", ""))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The offer's status was changed."))
    return redirect("usage:offers")


# --- paper backfill --------------------------------------------------------------------

@login_required
def backfill(request):
    sites = _sites_or_403(request)
    site = _site_or_none(request, sites)
    if site is None:
        return _choose_site(request, sites, "usage:backfill")
    data = request.POST if request.method == "POST" else None
    form = RecordForm(data, site=site, backfill=True,
                      initial={"token": uuid.uuid4().hex, "event_date": None})
    if data is not None and form.is_valid():
        d = form.cleaned_data
        try:
            use = _record_from_form(request, site, d, UseSource.BACKFILL)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Entered: card %(number)s, %(date)s.") % {
                "number": use.card.display_number,
                "date": formatting.day(use.event_date)})
            return redirect(f"{reverse('usage:backfill')}?site={site.pk}")
    return render(request, "usage/backfill.html", {
        "site": site, "form": form, "upload": UploadForm(), "many_sites": len(sites) > 1,
        "days": services.BACKFILL_DAYS,
        "offers": selectors.offers_for_site(site),
    })


@login_required
def backfill_upload(request):
    sites = _sites_or_403(request)
    site = _site_or_none(request, sites)
    if site is None:
        return _choose_site(request, sites, "usage:backfill_upload")
    form = UploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = upload.read()
            job = uses_upload_later(scope=request.scope, site=site, name=upload.name,
                                    data=data, language=get_language() or "")
            if job is not None:
                return redirect("usage:upload_job", pk=job.pk)
            result = uses_upload(scope=request.scope, site=site, name=upload.name,
                                 data=data)
        except DomainError as exc:
            add_domain_error(form, exc)
    return render(request, "usage/backfill_upload.html", {
        "site": site, "form": form, "result": result,
        "offers": selectors.offers_for_site(site),
    }, status=400 if result is not None and result.errors else 200)


@login_required
def upload_job(request, pk: int):
    """A large file's progress and then its result, for the uploader only."""
    job = (UseImport.objects.filter(pk=pk, uploaded_by=request.user).select_related("site")
           .defer("data").first())
    if job is None:
        raise Http404
    return render(request, "usage/upload_job.html", {
        "job": job, "site": job.site, "wrong": job.errors,
    })


# --- coordinators: look-ups that were slowed down --------------------------------------

@login_required
def lookup_review(request):
    if not can(request.scope, Perm.REVIEW_LOOKUPS):
        raise PermissionDenied
    since = timezone.now() - timedelta(days=30)
    logs = LookupLog.objects.for_scope(request.scope).filter(at__gte=since)
    throttled = logs.filter(throttled=True).select_related("user")[:200]
    guessers = (
        logs.filter(found=False).values("user__name", "user__email", "actor_label")
        .annotate(unknown=Count("id"), slowed=Count("id", filter=Q(throttled=True)))
        .filter(unknown__gte=5).order_by("-unknown")[:100]
    )
    return render(request, "usage/lookup_review.html", {
        "throttled": throttled, "guessers": guessers,
    })


