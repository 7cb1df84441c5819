"""Pages of staff accounts: inviting people (from an area or organisation page), the
invitation link, and the coordinators' list of accounts. Views parse input and call
`accounts.services`; invitations and accounts outside the scope are 404."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaikukanta.accounts import selectors, services
from kaikukanta.accounts.errors import InvitationAccountDeactivated
from kaikukanta.accounts.forms import AcceptForm, InvitationForm
from kaikukanta.accounts.models import Invitation, InvitationStatus
from kaikukanta.lib import confirm
from kaikukanta.lib.errors import DomainError
from kaikukanta.lib.permissions import Perm, can
from kaikukanta.lib.views import form_page
from kaikukanta.network.selectors import coordinated_areas, managed_organisations


def require_coordinator(request: HttpRequest) -> None:
    if not (request.scope.is_national or request.scope.is_coordinator):
        raise PermissionDenied


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _invite(request: HttpRequest, *, area=None, organisation=None, back) -> HttpResponse:
    form = InvitationForm(request.POST or None, area=area, organisation=organisation)
    return form_page(
        request, form,
        call=lambda d: services.invitation_create(
            scope=request.scope, email=d["email"], name=d["name"], role=d["role"],
            language=d["language"], area=area, organisation=organisation,
            unit=d.get("unit"), base_url=_base_url(request)),
        done=lambda invitation: _("The invitation was sent to %(email)s.")
        % {"email": invitation.email},
        redirect_to=back,
        context={"title": _("Invite a person to %(where)s") % {"where": organisation or area},
                 "submit": _("Send invitation")},
    )


@login_required
def invite_coordinator(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.scope.is_national:
        raise PermissionDenied
    area = get_object_or_404(coordinated_areas(request.scope), pk=pk)
    return _invite(request, area=area, back=("coordination:area_detail", area.pk))


@login_required
def organisation_invite(request: HttpRequest, pk: int) -> HttpResponse:
    require_coordinator(request)
    org = get_object_or_404(managed_organisations(request.scope), pk=pk)
    return _invite(request, organisation=org,
                   back=("coordination:organisation_detail", org.pk))


@login_required
def invitation_list(request: HttpRequest) -> HttpResponse:
    require_coordinator(request)
    invitations = (Invitation.objects.for_scope(request.scope)
                   .select_related("area", "organisation", "unit", "created_by"))
    show = request.GET.get("show", "open")
    if show != "all":
        invitations = invitations.filter(status=InvitationStatus.PENDING)
    return render(request, "accounts/invitation_list.html", {
        "invitations": invitations[:200], "show": show})


def _invitation(request, pk: int) -> Invitation:
    require_coordinator(request)
    return get_object_or_404(Invitation.objects.for_scope(request.scope), pk=pk)


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
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
    invitation = _invitation(request, pk)
    try:
        services.invitation_revoke(scope=request.scope, invitation=invitation)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The invitation was cancelled."))
    return redirect("coordination:invitation_list")


def _refused(request, error: DomainError) -> HttpResponse:
    return render(request, "accounts/invitation_refused.html", {"error": error},
                  status=error.http_status)


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
        return _refused(request, error)
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
            return _refused(request, error)
        else:
            login(request, user, backend="kaikukanta.accounts.backends.EmailBackend")
            messages.success(request, _("Welcome to Kaikukanta. Your account is ready."))
            return redirect("accounts:home")
    return render(request, "accounts/invitation_accept.html", {
        "form": form, "invitation": invitation})


def _invitation_accept_existing(request, token, invitation, account) -> HttpResponse:
    signed_in_as_account = request.user.is_authenticated and request.user.pk == account.pk
    if request.method == "POST" and signed_in_as_account:
        try:
            services.invitation_accept_signed_in(token=token, user=request.user)
        except DomainError as error:
            return _refused(request, error)
        messages.success(request, _("You now have the new role: %(role)s.")
                         % {"role": invitation.get_role_display()})
        return redirect("accounts:home")
    sign_in = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': request.path})}"
    return render(request, "accounts/invitation_existing.html", {
        "invitation": invitation, "signed_in_as_account": signed_in_as_account,
        "signed_in_as_other": request.user.is_authenticated and not signed_in_as_account,
        "sign_in": sign_in}, status=200)


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    require_coordinator(request)
    users = selectors.users_in_scope(request.scope).prefetch_related(
        "memberships__organisation", "memberships__unit", "memberships__area")
    area = None
    if request.GET.get("area"):
        area = get_object_or_404(coordinated_areas(request.scope),
                                 pk=request.GET["area"] if request.GET["area"].isdigit() else 0)
        users = users.filter(pk__in=selectors.area_user_ids(area))
    rows = [{"user": u, "manageable": can(request.scope, Perm.MANAGE_USER, u)
             and u.pk != request.user.pk} for u in users[:500]]
    return render(request, "accounts/user_list.html", {"rows": rows, "area": area})


@login_required
@require_POST
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    require_coordinator(request)
    user = get_object_or_404(selectors.users_in_scope(request.scope), pk=pk)
    active = request.POST.get("active") == "1"
    if not active and not confirm.confirmed(request) and user.pk != request.user.pk:
        if not can(request.scope, Perm.MANAGE_USER, user):
            raise PermissionDenied
        return confirm.ask(
            request, title=_("Deactivate %(name)s?") % {"name": user.name},
            question=_("They can no longer sign in, their open sessions end at once, and "
                       "their pending invitations are revoked. You can reactivate them later."),
            facts=[(_("Name"), user.name), (_("Work email"), user.email),
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
