"""Pages of the coordinators and the national team. Views parse input and call
`coordination.services`; objects outside the user's area or side are 404."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaikukanta.accounts.models import User
from kaikukanta.audit.labels import action_label, readable_changes
from kaikukanta.audit.models import AuditEntry
from kaikukanta.coordination import selectors, services
from kaikukanta.coordination.errors import InvitationAccountDeactivated
from kaikukanta.coordination.forms import (
    AcceptForm,
    AreaForm,
    AuditFilterForm,
    ChecklistStepForm,
    InvitationForm,
    OperatingModelForm,
    OrganisationCreateForm,
    OrganisationEditForm,
    SellerLinkRequestForm,
    UnitForm,
)
from kaikukanta.coordination.models import (
    ChecklistStep,
    DistributorReview,
    Invitation,
    InvitationStatus,
)
from kaikukanta.lib import confirm
from kaikukanta.lib.errors import DomainError
from kaikukanta.lib.permissions import Perm, can
from kaikukanta.network import services as network_services
from kaikukanta.network.models import (
    Area,
    OperatingModelVersion,
    Organisation,
    SellerLink,
    SellerLinkStatus,
)

# Cardholder fields are never shown, even if an entry were ever written with one.
HOLDER_FIELDS = {"birth_year", "postal_code", "gender", "life_situation",
                 "preferred_language", "date_of_birth", "address", "phone"}
# On card and use entries, where they describe the holder, these are hidden too.
CARD_HOLDER_FIELDS = HOLDER_FIELDS | {"municipality", "children", "name"}


def _shown_changes(entry: AuditEntry) -> dict:
    hidden = (CARD_HOLDER_FIELDS if entry.target_type.startswith(("cards.", "usage."))
              else HOLDER_FIELDS)
    return {k: v for k, v in (entry.changes or {}).items() if k not in hidden}


def _require_coordinator(request: HttpRequest) -> None:
    scope = request.scope
    if not (scope.is_national or scope.coordinator_area_ids):
        raise PermissionDenied


def _require_national(request: HttpRequest) -> None:
    if not request.scope.is_national:
        raise PermissionDenied


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _form_error(form, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error))


def _area(request, pk: int) -> Area:
    return get_object_or_404(selectors.coordinated_areas(request.scope), pk=pk)


def _org(request, pk: int):
    return get_object_or_404(selectors.managed_organisations(request.scope), pk=pk)


# --- overview and areas --------------------------------------------------------------

@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    reviews = (DistributorReview.objects.for_scope(request.scope).pending()
               .select_related("organisation__home_area"))
    pending_links = _seller_links(request.scope).filter(status=SellerLinkStatus.PENDING).count()
    return render(request, "coordination/dashboard.html", {
        "rows": selectors.areas_at_a_glance(request.scope),
        "reviews": reviews,
        "is_national": request.scope.is_national,
        "pending_links": pending_links,
    })


@login_required
def area_create(request: HttpRequest) -> HttpResponse:
    _require_national(request)
    form = AreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            area = network_services.area_create(scope=request.scope, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The area was created."))
            return redirect("coordination:area_detail", area.pk)
    return render(request, "coordination/form.html", {
        "form": form, "title": _("New area"), "back": "coordination:dashboard"})


@login_required
def area_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_national(request)
    area = _area(request, pk)
    initial = {"name": area.name, "municipalities": list(area.municipalities.all()),
               "wellbeing_county": area.wellbeing_county, "status": area.status,
               "status_since": area.status_since}
    form = AreaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            network_services.area_update(scope=request.scope, area=area, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The area was saved."))
            return redirect("coordination:area_detail", area.pk)
    return render(request, "coordination/form.html", {
        "form": form, "title": _("Edit area %(name)s") % {"name": area.name}})


@login_required
def area_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coordinator(request)
    area = _area(request, pk)
    from kaikukanta.cards.models import CardBatch

    organisations = selectors.managed_organisations(request.scope).filter(home_area=area)
    coordinators = (User.objects.filter(memberships__area=area)
                    .prefetch_related("memberships").distinct())
    return render(request, "coordination/area_detail.html", {
        "area": area,
        "municipalities": area.municipalities.all(),
        "steps": selectors.checklist_for(area),
        "organisations": selectors.commitment_overview(organisations),
        "coordinators": coordinators,
        "invitations": Invitation.objects.for_scope(request.scope).filter(
            area=area, status=InvitationStatus.PENDING),
        "user_count": selectors.area_user_count(area),
        "batches": CardBatch.objects.filter(area=area),
        "kinds": selectors.kinds_for(request.scope, area),
        "is_national": request.scope.is_national,
        "USERS": ChecklistStep.USERS, "CARDS": ChecklistStep.CARDS,
    })


@login_required
def checklist_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    _require_coordinator(request)
    area = _area(request, pk)
    if step not in ChecklistStep.values:
        raise PermissionDenied
    current = next(s for s in selectors.checklist_for(area) if s.step == step)
    form = ChecklistStepForm(request.POST or None, initial={
        "status": current.status, "on": current.on, "note": current.note})
    if request.method == "POST" and form.is_valid():
        try:
            services.checklist_step_set(scope=request.scope, area=area, step=step,
                                        **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The step was saved."))
            return redirect("coordination:area_detail", area.pk)
    return render(request, "coordination/form.html", {
        "form": form, "title": f"{current.number}. {current.get_step_display()} – {area}"})


@login_required
def invite_coordinator(request: HttpRequest, pk: int) -> HttpResponse:
    _require_national(request)
    area = _area(request, pk)
    return _invite(request, area=area, back=("coordination:area_detail", area.pk))


# --- organisations -------------------------------------------------------------------

@login_required
def organisation_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coordinator(request)
    area = _area(request, pk)
    kinds = selectors.kinds_for(request.scope, area)
    if not kinds:
        raise PermissionDenied
    form = OrganisationCreateForm(request.POST or None, kinds=kinds, area=area)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_add(scope=request.scope, area=area, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The organisation was added."))
            return redirect("coordination:organisation_detail", org.pk)
    return render(request, "coordination/form.html", {
        "form": form, "title": _("New organisation in %(area)s") % {"area": area}})


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coordinator(request)
    org = _org(request, pk)
    links = SellerLink.objects.filter(Q(seller=org) | Q(venue=org)).select_related(
        "seller", "venue")
    return render(request, "coordination/organisation_detail.html", {
        "org": org,
        "units": org.units.select_related("municipality"),
        "staff": User.objects.filter(memberships__organisation=org).distinct(),
        "invitations": Invitation.objects.filter(organisation=org,
                                                 status=InvitationStatus.PENDING),
        "links": [link for link in links if can(request.scope, Perm.APPROVE_SELLER_LINK, link)
                  or link.seller_id == org.pk],
        "commitment": selectors.commitment_overview([org])[0],
        "current": selectors.current_operating_model(),
        "review": DistributorReview.objects.filter(organisation=org).first(),
    })


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coordinator(request)
    org = _org(request, pk)
    form = OrganisationEditForm(request.POST or None, initial={
        f: getattr(org, f) for f in OrganisationEditForm.base_fields})
    if request.method == "POST" and form.is_valid():
        try:
            network_services.organisation_update(scope=request.scope, organisation=org,
                                       **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The organisation was saved."))
            return redirect("coordination:organisation_detail", org.pk)
    return render(request, "coordination/form.html", {
        "form": form, "title": _("Edit %(name)s") % {"name": org.name}})


@login_required
def unit_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coordinator(request)
    org = _org(request, pk)
    form = UnitForm(request.POST or None, area=org.home_area)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            network_services.unit_create(scope=request.scope, organisation=org, name=data["name"],
                              municipality=data["municipality"])
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The unit was added."))
            return redirect("coordination:organisation_detail", org.pk)
    return render(request, "coordination/form.html", {
        "form": form, "title": _("New unit or site for %(name)s") % {"name": org.name}})


@login_required
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coordinator(request)
    unit = get_object_or_404(selectors.managed_units(request.scope), pk=pk)
    form = UnitForm(request.POST or None, area=unit.organisation.home_area, initial={
        "name": unit.name, "municipality": unit.municipality, "is_active": unit.is_active})
    if request.method == "POST" and form.is_valid():
        try:
            network_services.unit_update(scope=request.scope, unit=unit, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The unit was saved."))
            return redirect("coordination:organisation_detail", unit.organisation_id)
    return render(request, "coordination/form.html", {
        "form": form, "title": _("Edit %(name)s") % {"name": unit.name}})


@login_required
def organisation_invite(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coordinator(request)
    org = _org(request, pk)
    return _invite(request, organisation=org,
                   back=("coordination:organisation_detail", org.pk))


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


# --- invitations and accounts --------------------------------------------------------

def _invite(request: HttpRequest, *, area=None, organisation=None, back) -> HttpResponse:
    form = InvitationForm(request.POST or None, area=area, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.invitation_create(
                scope=request.scope, email=data["email"], name=data["name"], role=data["role"],
                language=data["language"], area=area, organisation=organisation,
                unit=data.get("unit"), base_url=_base_url(request),
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The invitation was sent to %(email)s.")
                             % {"email": data["email"]})
            return redirect(*back)
    where = organisation or area
    return render(request, "coordination/form.html", {
        "form": form, "title": _("Invite a person to %(where)s") % {"where": where},
        "submit": _("Send invitation")})


@login_required
def invitation_list(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    invitations = (Invitation.objects.for_scope(request.scope)
                   .select_related("area", "organisation", "unit", "created_by"))
    show = request.GET.get("show", "open")
    if show != "all":
        invitations = invitations.filter(status=InvitationStatus.PENDING)
    return render(request, "coordination/invitation_list.html", {
        "invitations": invitations[:200], "show": show})


def _invitation(request, pk: int) -> Invitation:
    return get_object_or_404(Invitation.objects.for_scope(request.scope), pk=pk)


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coordinator(request)
    invitation = _invitation(request, pk)
    try:
        services.invitation_resend(scope=request.scope, invitation=invitation,
                                   base_url=_base_url(request))
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("A new link was sent; the old link no longer works."))
    return redirect("coordination:invitation_list")


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coordinator(request)
    invitation = _invitation(request, pk)
    try:
        services.invitation_revoke(scope=request.scope, invitation=invitation)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The invitation was cancelled."))
    return redirect("coordination:invitation_list")


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The public page behind an invitation link. A new person sets a password; a person
    who already has an account signs in with it first and then accepts (the invitation
    never sets an existing account's password nor reactivates a deactivated one)."""
    try:
        invitation = services.invitation_open(token)
        account = services.invitation_account(invitation)
        if account is not None and not account.is_active:
            raise InvitationAccountDeactivated()
    except DomainError as error:
        return render(request, "coordination/invitation_refused.html", {"error": error},
                      status=error.http_status)
    if account is not None:
        return _invitation_accept_existing(request, token, invitation, account)
    form = AcceptForm(request.POST or None, initial={"name": invitation.name})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, name=form.cleaned_data["name"],
                                              password=form.cleaned_data["password1"])
        except ValidationError as error:
            form.add_error("password1", error)
        except DomainError as error:
            return render(request, "coordination/invitation_refused.html", {"error": error},
                          status=error.http_status)
        else:
            login(request, user, backend="kaikukanta.accounts.backends.EmailBackend")
            messages.success(request, _("Welcome to Kaikukanta. Your account is ready."))
            return redirect("accounts:home")
    return render(request, "coordination/invitation_accept.html", {
        "form": form, "invitation": invitation})


def _invitation_accept_existing(request, token, invitation, account) -> HttpResponse:
    signed_in_as_account = request.user.is_authenticated and request.user.pk == account.pk
    if request.method == "POST" and signed_in_as_account:
        try:
            services.invitation_accept_signed_in(token=token, user=request.user)
        except DomainError as error:
            return render(request, "coordination/invitation_refused.html", {"error": error},
                          status=error.http_status)
        messages.success(request, _("You now have the new role: %(role)s.")
                         % {"role": invitation.get_role_display()})
        return redirect("accounts:home")
    sign_in = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': request.path})}"
    return render(request, "coordination/invitation_existing.html", {
        "invitation": invitation, "signed_in_as_account": signed_in_as_account,
        "signed_in_as_other": request.user.is_authenticated and not signed_in_as_account,
        "sign_in": sign_in}, status=200)


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    users = selectors.users_in_scope(request.scope).prefetch_related(
        "memberships__organisation", "memberships__unit", "memberships__area")
    area = None
    if request.GET.get("area"):
        area = get_object_or_404(selectors.coordinated_areas(request.scope),
                                 pk=request.GET["area"] if request.GET["area"].isdigit() else 0)
        users = users.filter(pk__in=selectors.area_user_ids(area))
    rows = [{"user": u, "manageable": can(request.scope, Perm.MANAGE_USER, u)
             and u.pk != request.user.pk} for u in users[:500]]
    return render(request, "coordination/user_list.html", {"rows": rows, "area": area})


@login_required
@require_POST
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    _require_coordinator(request)
    user = get_object_or_404(selectors.users_in_scope(request.scope), pk=pk)
    active = request.POST.get("active") == "1"
    if not active and not confirm.confirmed(request):
        if not can(request.scope, Perm.MANAGE_USER, user):
            raise PermissionDenied
        return confirm.ask(
            request, title=_("Deactivate %(name)s?") % {"name": user.name},
            question=_("They can no longer sign in, their open sessions end at once, and "
                       "their pending invitations are revoked. You can reactivate them later."),
            facts=[(_("Name"), user.name), (_("Email"), user.email),
                   (_("Roles"), "; ".join(str(m) for m in user.memberships.all()) or "–")],
            button=_("Deactivate"), back_url=reverse("coordination:user_list"))
    try:
        services.user_set_active(scope=request.scope, user=user, is_active=active)
    except DomainError as error:
        if error.http_status == 403:
            raise PermissionDenied from error
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s can sign in again.") % {"name": user.name}
                         if active else
                         _("%(name)s can no longer sign in.") % {"name": user.name})
    return redirect("coordination:user_list")


# --- seller links --------------------------------------------------------------------

def _seller_links(scope):
    return SellerLink.objects.for_scope(scope).select_related("seller__home_area",
                                                              "venue__home_area")


@login_required
def seller_link_list(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    if not (scope.is_national or scope.culture_area_ids or scope.venue_org_ids
            or scope.seller_org_ids):
        raise PermissionDenied
    links = list(_seller_links(request.scope).order_by("status", "-requested_at"))
    for link in links:
        link.may_decide = can(request.scope, Perm.APPROVE_SELLER_LINK, link)
    return render(request, "coordination/seller_link_list.html", {
        "links": links, "may_request": scope.is_national or bool(scope.seller_org_ids),
    })


@login_required
def seller_link_request(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    if not (scope.is_national or scope.seller_org_ids):
        raise PermissionDenied
    sellers = Organisation.objects.ticket_sellers().filter(is_active=True)
    if not scope.is_national:
        sellers = sellers.filter(pk__in=scope.seller_org_ids)
    venues = (Organisation.objects.venues().filter(is_active=True)
              .select_related("home_area").order_by("home_area__name", "name"))
    form = SellerLinkRequestForm(request.POST or None, sellers=sellers, venues=venues)
    if request.method == "POST" and form.is_valid():
        try:
            link = network_services.seller_link_request(scope=request.scope,
                                            seller=form.cleaned_data["seller"],
                                            venue=form.cleaned_data["venue"])
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Asked %(venue)s; the link is %(status)s.") % {
                "venue": link.venue.name, "status": link.get_status_display().lower()})
            return redirect("coordination:seller_link_list")
    return render(request, "coordination/seller_link_request.html", {"form": form})


@login_required
@require_POST
def seller_link_decide(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(_seller_links(request.scope), pk=pk)
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
        network_services.seller_link_decide(scope=request.scope, link=link, approve=approve)
    except DomainError as error:
        raise PermissionDenied from error
    messages.success(request, (_("Approved: %(seller)s may sell for %(venue)s.") if approve
                               else _("Rejected: %(seller)s may not sell for %(venue)s."))
                     % names)
    return redirect("coordination:seller_link_list")


# --- commitments ---------------------------------------------------------------------

@login_required
def commitment_list(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    if scope.is_anonymous:
        raise PermissionDenied
    if scope.is_national or scope.coordinator_area_ids:
        organisations = selectors.managed_organisations(request.scope).filter(is_active=True)
    else:
        organisations = selectors.staff_organisations(request.scope)
    rows = selectors.commitment_overview(organisations.order_by("home_area__name", "name"))
    for row in rows:
        row["can_acknowledge"] = (not row["current"] and can(
            request.scope, Perm.ACKNOWLEDGE_COMMITMENT, row["org"]))
    return render(request, "coordination/commitment_list.html", {
        "rows": rows, "current": selectors.current_operating_model(),
        "missing": sum(1 for r in rows if not r["current"])})


@login_required
@require_POST
def commitment_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(
        selectors.managed_organisations(request.scope)
        | selectors.staff_organisations(request.scope), pk=pk)
    try:
        network_services.commitment_acknowledge(scope=request.scope, organisation=org)
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
    form = OperatingModelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            network_services.operating_model_publish(scope=request.scope, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The new version was published."))
            return redirect("coordination:operating_model")
    return render(request, "coordination/operating_model.html", {
        "form": form, "versions": OperatingModelVersion.objects.all()})


# --- audit log -----------------------------------------------------------------------

@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    entries = AuditEntry.objects.for_scope(request.scope)
    people = (User.objects.filter(pk__in=entries.values("actor_id"))
              .values_list("pk", "name").order_by("name"))
    actions = entries.order_by("action").values_list("action", flat=True).distinct()
    organisations = (selectors.managed_organisations(request.scope)
                     .filter(pk__in=entries.values("organisation_id"))
                     .values_list("pk", "name").order_by("name"))
    form = AuditFilterForm(request.GET or None, people=list(people), actions=list(actions),
                           organisations=list(organisations))
    if form.is_valid():
        data = form.cleaned_data
        if data["person"]:
            entries = entries.filter(actor_id=data["person"])
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["organisation"]:
            entries = entries.filter(organisation_id=data["organisation"])
        if data["date_from"]:
            entries = entries.filter(at__date__gte=data["date_from"])
        if data["date_to"]:
            entries = entries.filter(at__date__lte=data["date_to"])
    page = Paginator(entries.select_related("actor", "area", "organisation"), 50).get_page(
        request.GET.get("page"))
    for entry in page:
        entry.action_text = action_label(entry.action)
        entry.change_lines = readable_changes(_shown_changes(entry))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "coordination/audit_list.html", {
        "form": form, "page": page, "query": query.urlencode()})
