"""Pages of the network: areas, organisations and their units, the new-area checklist, the
national review of new distributors, ticket-seller links, commitments and the operating
model. Every list starts from `for_scope(request.scope)`; views parse input and call
`network.services`, which check the permission. An area or an organisation has one
detail page: everyone in scope sees it, its coordinators also the tools to run it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaikukanta.accounts.models import Invitation, InvitationStatus, User
from kaikukanta.accounts.selectors import area_user_count
from kaikukanta.cards.models import CardBatch
from kaikukanta.lib import confirm
from kaikukanta.lib.errors import DomainError
from kaikukanta.lib.permissions import Perm, can
from kaikukanta.lib.scope import get_visible_or_404
from kaikukanta.lib.views import form_page
from kaikukanta.network import selectors, services
from kaikukanta.network.forms import (
    AreaForm,
    ChecklistStepForm,
    OperatingModelForm,
    OrganisationCreateForm,
    OrganisationEditForm,
    SellerLinkRequestForm,
    UnitForm,
)
from kaikukanta.network.models import (
    Area,
    ChecklistStep,
    DistributorReview,
    OperatingModelVersion,
    Organisation,
    OrganisationKind,
    SellerLink,
    Unit,
)


def _require_coordinator(request: HttpRequest) -> None:
    if not (request.scope.is_national or request.scope.is_coordinator):
        raise PermissionDenied


def _require_national(request: HttpRequest) -> None:
    if not request.scope.is_national:
        raise PermissionDenied


def _area(request, pk: int) -> Area:
    return get_object_or_404(selectors.coordinated_areas(request.scope), pk=pk)


def _org(request, pk: int) -> Organisation:
    return get_object_or_404(selectors.managed_organisations(request.scope), pk=pk)


# --- areas ---------------------------------------------------------------------------

@login_required
def area_list(request):
    areas = (
        Area.objects.for_scope(request.scope)
        .select_related("wellbeing_county")
        .annotate(n_municipalities=Count("municipalities", distinct=True))
    )
    return render(request, "network/area_list.html", {"areas": areas})


@login_required
def area_detail(request, pk: int, coordinating: bool = False):
    """The area's page. Under /coordination/ it is the coordinators' (others get 403)."""
    if coordinating:
        _require_coordinator(request)
        area = _area(request, pk)
    else:
        area = get_visible_or_404(Area.objects.select_related("wellbeing_county"),
                                  request.scope, pk=pk)
    context = {"area": area, "municipalities": area.municipalities.all(),
               "can_coordinate": can(request.scope, Perm.COORDINATE_AREA, area)}
    if context["can_coordinate"]:
        organisations = selectors.managed_organisations(request.scope).filter(home_area=area)
        context.update({
            "steps": selectors.checklist_for(area),
            "managed": selectors.commitment_overview(organisations),
            "coordinators": (User.objects.filter(memberships__area=area)
                             .prefetch_related("memberships").distinct()),
            "invitations": Invitation.objects.for_scope(request.scope).filter(
                area=area, status=InvitationStatus.PENDING),
            "user_count": area_user_count(area),
            "batches": CardBatch.objects.for_scope(request.scope).filter(area=area),
            "kinds": selectors.kinds_for(request.scope, area),
            "is_national": request.scope.is_national,
            "USERS": ChecklistStep.USERS, "CARDS": ChecklistStep.CARDS,
        })
    else:
        context["organisations"] = (
            Organisation.objects.for_scope(request.scope).filter(home_area=area)
            .annotate(n_units=Count("units")).order_by("kind", "name"))
    return render(request, "network/area_detail.html", context)


@login_required
def area_create(request: HttpRequest) -> HttpResponse:
    _require_national(request)
    return form_page(
        request, AreaForm(request.POST or None),
        call=lambda d: services.area_create(scope=request.scope, **d),
        done=_("The area was created."),
        redirect_to=lambda area: ("coordination:area_detail", area.pk),
        context={"title": _("New area")})


@login_required
def area_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_national(request)
    area = _area(request, pk)
    initial = {"name": area.name, "municipalities": list(area.municipalities.all()),
               "wellbeing_county": area.wellbeing_county, "status": area.status,
               "status_since": area.status_since}
    return form_page(
        request, AreaForm(request.POST or None, initial=initial),
        call=lambda d: services.area_update(scope=request.scope, area=area, **d),
        done=_("The area was saved."), redirect_to=("coordination:area_detail", area.pk),
        context={"title": _("Edit area %(name)s") % {"name": area.name}})


@login_required
def checklist_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    _require_coordinator(request)
    area = _area(request, pk)
    if step not in ChecklistStep.values:
        raise PermissionDenied
    current = next(s for s in selectors.checklist_for(area) if s.step == step)
    form = ChecklistStepForm(request.POST or None, initial={
        "status": current.status, "on": current.on, "note": current.note})
    return form_page(
        request, form,
        call=lambda d: services.checklist_step_set(scope=request.scope, area=area, step=step,
                                                   **d),
        done=_("The step was saved."), redirect_to=("coordination:area_detail", area.pk),
        context={"title": f"{current.number}. {current.get_step_display()} – {area}"})


# --- organisations and units -----------------------------------------------------------

@login_required
def organisation_list(request):
    kind = request.GET.get("kind", "")
    organisations = (
        Organisation.objects.for_scope(request.scope).select_related("home_area")
        .annotate(n_units=Count("units")).order_by("home_area__name", "kind", "name")
    )
    if kind in OrganisationKind.values:
        organisations = organisations.filter(kind=kind)
    return render(request, "network/organisation_list.html", {
        "organisations": organisations, "kinds": OrganisationKind.choices, "kind": kind,
    })


@login_required
def organisation_detail(request, pk: int, coordinating: bool = False):
    """The organisation's page. Under /coordination/ it is its coordinators' (others get
    403; the other side's and other areas' organisations are 404)."""
    if coordinating:
        _require_coordinator(request)
        org = _org(request, pk)
    else:
        org = get_visible_or_404(Organisation.objects.select_related("home_area"),
                                 request.scope, pk=pk)
    links = list(SellerLink.objects.filter(Q(seller=org) | Q(venue=org))
                 .select_related("seller", "venue"))
    visible = set(Organisation.objects.for_scope(request.scope).filter(
        pk__in={x for link in links for x in (link.seller_id, link.venue_id)})
        .values_list("pk", flat=True))
    can_manage = can(request.scope, Perm.MANAGE_ORGANISATION, org)
    context = {
        "org": org, "can_manage": can_manage,
        "units": Unit.objects.for_scope(request.scope).filter(organisation=org)
        .select_related("municipality"),
        "links": [link for link in links if {link.seller_id, link.venue_id} <= visible],
        "commitment": selectors.commitment_overview([org])[0],
        "current": selectors.current_operating_model(),
    }
    if can_manage:
        context.update({
            "staff": User.objects.filter(memberships__organisation=org).distinct(),
            "invitations": Invitation.objects.for_scope(request.scope).filter(
                organisation=org, status=InvitationStatus.PENDING),
            "review": DistributorReview.objects.for_scope(request.scope)
            .filter(organisation=org).first(),
        })
    return render(request, "network/organisation_detail.html", context)


@login_required
def organisation_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coordinator(request)
    area = _area(request, pk)
    kinds = selectors.kinds_for(request.scope, area)
    if not kinds:
        raise PermissionDenied
    return form_page(
        request, OrganisationCreateForm(request.POST or None, kinds=kinds, area=area),
        call=lambda d: services.organisation_create(scope=request.scope, home_area=area, **d),
        done=_("The organisation was added."),
        redirect_to=lambda org: ("coordination:organisation_detail", org.pk),
        context={"title": _("New organisation in %(area)s") % {"area": area}})


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coordinator(request)
    org = _org(request, pk)
    form = OrganisationEditForm(request.POST or None, initial={
        f: getattr(org, f) for f in OrganisationEditForm.base_fields})
    return form_page(
        request, form,
        call=lambda d: services.organisation_update(scope=request.scope, organisation=org, **d),
        done=_("The organisation was saved."),
        redirect_to=("coordination:organisation_detail", org.pk),
        context={"title": _("Edit %(name)s") % {"name": org.name}})


@login_required
def unit_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coordinator(request)
    org = _org(request, pk)
    return form_page(
        request, UnitForm(request.POST or None, area=org.home_area),
        call=lambda d: services.unit_create(scope=request.scope, organisation=org,
                                            name=d["name"], municipality=d["municipality"]),
        done=_("The unit was added."), redirect_to=("coordination:organisation_detail", org.pk),
        context={"title": _("New unit or site for %(name)s") % {"name": org.name}})


@login_required
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coordinator(request)
    unit = get_object_or_404(selectors.managed_units(request.scope), pk=pk)
    form = UnitForm(request.POST or None, area=unit.organisation.home_area, initial={
        "name": unit.name, "municipality": unit.municipality, "is_active": unit.is_active})
    return form_page(
        request, form,
        call=lambda d: services.unit_update(scope=request.scope, unit=unit, **d),
        done=_("The unit was saved."),
        redirect_to=("coordination:organisation_detail", unit.organisation_id),
        context={"title": _("Edit %(name)s") % {"name": unit.name}})


@login_required
@require_POST
def review_done(request: HttpRequest, pk: int) -> HttpResponse:
    _require_national(request)
    review = get_object_or_404(DistributorReview, pk=pk)
    try:
        services.distributor_review_mark(scope=request.scope, review=review)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Marked as reviewed."))
    return redirect("coordination:dashboard")


# --- ticket seller links -----------------------------------------------------------------

def seller_links(scope):
    return SellerLink.objects.for_scope(scope).select_related("seller__home_area",
                                                              "venue__home_area")


@login_required
def seller_link_list(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    if not (scope.is_national or scope.culture_area_ids or scope.venue_org_ids
            or scope.seller_org_ids):
        raise PermissionDenied
    links = list(seller_links(scope).order_by("status", "-requested_at"))
    for link in links:
        link.may_decide = can(scope, Perm.APPROVE_SELLER_LINK, link)
    return render(request, "network/seller_link_list.html", {
        "links": links, "may_request": scope.is_national or bool(scope.seller_org_ids),
    })


@login_required
def seller_link_request(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    if not (scope.is_national or scope.seller_org_ids):
        raise PermissionDenied
    sellers = Organisation.objects.for_scope(scope).ticket_sellers().filter(is_active=True)
    if not scope.is_national:
        sellers = sellers.filter(pk__in=scope.seller_org_ids)
    venues = (Organisation.objects.venues().filter(is_active=True)
              .select_related("home_area").order_by("home_area__name", "name"))
    return form_page(
        request, SellerLinkRequestForm(request.POST or None, sellers=sellers, venues=venues),
        call=lambda d: services.seller_link_request(scope=scope, seller=d["seller"],
                                                    venue=d["venue"]),
        done=lambda link: _("Asked %(venue)s; the link is %(status)s.") % {
            "venue": link.venue.name, "status": link.get_status_display().lower()},
        redirect_to="coordination:seller_link_list",
        template="network/seller_link_request.html")


@login_required
@require_POST
def seller_link_decide(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(seller_links(request.scope), pk=pk)
    approve = request.POST.get("approve") == "1"
    names = {"seller": link.seller.name, "venue": link.venue.name}
    if not approve and not confirm.confirmed(request):
        if not can(request.scope, Perm.APPROVE_SELLER_LINK, link):
            raise PermissionDenied
        return confirm.ask(
            request, title=_("Reject the ticket seller's link?"),
            question=_("The ticket seller can no longer record uses for the venue. They may "
                       "ask again later."),
            facts=[(_("Ticket seller"), names["seller"]), (_("Venue"), names["venue"])],
            button=_("Reject"), back_url=reverse("coordination:seller_link_list"))
    try:
        services.seller_link_decide(scope=request.scope, link=link, approve=approve)
    except DomainError as error:
        raise PermissionDenied from error
    messages.success(request, (_("Approved: %(seller)s may sell for %(venue)s.")
                               if approve else
                               _("Rejected: %(seller)s may not sell for %(venue)s."))
                     % names)
    return redirect("coordination:seller_link_list")


# --- commitments and the operating model ---------------------------------------------------

@login_required
def commitment_list(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    if scope.is_anonymous:
        raise PermissionDenied
    if scope.is_national or scope.is_coordinator:
        organisations = selectors.managed_organisations(scope).filter(is_active=True)
    else:
        organisations = selectors.staff_organisations(scope)
    rows = selectors.commitment_overview(organisations.order_by("home_area__name", "name"))
    for row in rows:
        row["can_acknowledge"] = (not row["current"] and can(
            scope, Perm.ACKNOWLEDGE_COMMITMENT, row["org"]))
    return render(request, "network/commitment_list.html", {
        "rows": rows, "current": selectors.current_operating_model(),
        "missing": sum(1 for r in rows if not r["current"])})


@login_required
@require_POST
def commitment_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(
        selectors.managed_organisations(request.scope)
        | selectors.staff_organisations(request.scope), pk=pk)
    try:
        services.commitment_acknowledge(scope=request.scope, organisation=org)
    except DomainError as error:
        if error.http_status == 403:
            raise PermissionDenied from error
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s acknowledged the operating model.")
                         % {"name": org.name})
    return redirect("coordination:commitment_list")


@login_required
def operating_model(request: HttpRequest) -> HttpResponse:
    _require_national(request)
    return form_page(
        request, OperatingModelForm(request.POST or None),
        call=lambda d: services.operating_model_publish(scope=request.scope, **d),
        done=_("The new version was published."), redirect_to="coordination:operating_model",
        template="network/operating_model.html",
        context={"versions": OperatingModelVersion.objects.all()})
