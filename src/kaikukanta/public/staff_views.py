"""Signed-in pages that change what the public sees.

Coordinators edit their areas' public pages and read their feedback; a venue's
whole-organisation staff choose which offers are public and describe their sites; the
area's coordinators describe the units of their side. Lists start from what the user may
see (anything else is a 404); a visible object the user may not change is a 403.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kaikukanta.lib.permissions import Perm, can
from kaikukanta.lib.scope import get_visible_or_404
from kaikukanta.network.models import Area, Organisation, OrganisationKind, Unit
from kaikukanta.public import selectors, services
from kaikukanta.public.models import AreaPage, Feedback, UnitListing
from kaikukanta.usage.models import Offer


class AreaPageForm(forms.ModelForm):
    class Meta:
        model = AreaPage
        fields = list(services.AREA_PAGE_FIELDS)
        widgets = {f"text_{lang}": forms.Textarea(attrs={"rows": 8})
                   for lang in ("fi", "sv", "en")}


class UnitListingForm(forms.ModelForm):
    class Meta:
        model = UnitListing
        fields = list(services.UNIT_LISTING_FIELDS)
        help_texts = {"accessibility_fi": gettext_lazy(
            "For example quiet hours, a lift, seats for a companion.")}

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        if unit.organisation.kind == OrganisationKind.VENUE:
            del self.fields["service_kind"]
        else:
            for name in ("step_free", "induction_loop", "accessibility_fi",
                         "accessibility_sv", "accessibility_en"):
                del self.fields[name]


def _coordinated_areas(scope):
    areas = Area.objects.for_scope(scope).order_by("name")
    if scope.is_national:
        return areas
    return areas.filter(pk__in=scope.coordinator_area_ids)


@login_required
def areas(request):
    if not (request.scope.is_national or request.scope.coordinator_area_ids):
        raise PermissionDenied
    rows = []
    for area in _coordinated_areas(request.scope).select_related("public_page"):
        open_items = Feedback.objects.filter(area=area, handled_at__isnull=True).count()
        rows.append((area, open_items))
    return render(request, "public/staff/areas.html", {"rows": rows})


@login_required
def area_edit(request, pk: int):
    area = get_visible_or_404(Area.objects.all(), request.scope, pk=pk)
    if not services.can_edit_area_page(request.scope, area):
        raise PermissionDenied
    page = selectors.area_page(area)
    form = AreaPageForm(request.POST or None, instance=page)
    if request.method == "POST" and form.is_valid():
        services.area_page_save(scope=request.scope, area=area,
                                **{k: form.cleaned_data[k] for k in services.AREA_PAGE_FIELDS})
        messages.success(request, _("The public page was saved."))
        return HttpResponseRedirect(reverse("public_staff:area_edit", args=[area.pk]))
    units = (Unit.objects.for_scope(request.scope)
             .filter(organisation__home_area=area, is_active=True)
             .exclude(organisation__kind=OrganisationKind.TICKET_SELLER)
             .select_related("organisation", "public_listing").order_by(
                 "organisation__kind", "organisation__name", "name"))
    editable = [u for u in units if services.can_edit_unit_listing(request.scope, u)]
    return render(request, "public/staff/area_edit.html", {
        "area": area, "form": form, "units": editable,
    }, status=400 if request.method == "POST" else 200)


@login_required
def feedback_list(request, pk: int):
    area = get_visible_or_404(Area.objects.all(), request.scope, pk=pk)
    if not can(request.scope, Perm.COORDINATE_AREA, area):
        raise PermissionDenied
    show = request.GET.get("show", "open")
    items = Feedback.objects.filter(area=area).select_related("handled_by")
    if show != "all":
        items = items.filter(handled_at__isnull=True)
    return render(request, "public/staff/feedback.html", {
        "area": area, "items": items[:200], "show": show})


@login_required
@require_POST
def feedback_handled(request, pk: int):
    try:
        item = Feedback.objects.select_related("area").get(
            pk=pk, area__in=_coordinated_areas(request.scope))
    except Feedback.DoesNotExist as exc:
        raise Http404 from exc
    services.feedback_mark_handled(scope=request.scope, item=item)
    messages.success(request, _("Marked handled."))
    return HttpResponseRedirect(reverse("public_staff:feedback", args=[item.area_id]))


def _venues(scope):
    return Organisation.objects.filter(pk__in=scope.venue_org_ids, is_active=True).order_by(
        "name")


@login_required
def venue(request):
    """A venue's offers (public or not) and its sites' public facts."""
    venues = list(_venues(request.scope))
    if not venues:
        raise PermissionDenied
    if request.method == "POST":
        org = get_visible_or_404(Organisation.objects.venues(), request.scope,
                                 pk=request.POST.get("venue"))
        if not can(request.scope, Perm.MANAGE_OFFERS, org):
            raise PermissionDenied
        ids = {int(v) for v in request.POST.getlist("public") if v.isdigit()}
        changed = services.offers_publicity_set(scope=request.scope, venue=org,
                                                public_ids=ids)
        messages.success(request, _("Saved: %(n)d offers changed.") % {"n": changed})
        return HttpResponseRedirect(reverse("public_staff:venue"))
    rows = []
    for org in venues:
        offers = (Offer.objects.filter(venue=org).select_related("site", "public_listing")
                  .order_by("site__name", "title_fi"))
        listed = [(o, selectors.offer_is_public(o)) for o in offers]
        sites = org.units.filter(is_active=True).select_related("public_listing").order_by(
            "name")
        rows.append((org, listed, [(s, selectors.unit_listing(s)) for s in sites]))
    return render(request, "public/staff/venue.html", {"rows": rows})


@login_required
def unit_edit(request, pk: int):
    unit = get_visible_or_404(Unit.objects.select_related("organisation",
                                                          "organisation__home_area"),
                              request.scope, pk=pk)
    if not services.can_edit_unit_listing(request.scope, unit):
        raise PermissionDenied
    listing = selectors.unit_listing(unit) or UnitListing(unit=unit)
    form = UnitListingForm(request.POST or None, instance=listing, unit=unit)
    if request.method == "POST" and form.is_valid():
        services.unit_listing_save(scope=request.scope, unit=unit, **{
            k: form.cleaned_data[k] for k in form.fields})
        messages.success(request, _("Saved."))
        return HttpResponseRedirect(reverse("public_staff:unit_edit", args=[unit.pk]))
    return render(request, "public/staff/unit_edit.html", {"unit": unit, "form": form},
                  status=400 if request.method == "POST" else 200)
