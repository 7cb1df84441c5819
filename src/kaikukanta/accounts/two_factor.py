"""Pages of sign-in security: the second factor (set up, give a code, recovery codes),
the lockout answer and the national admin's list of locked sign-ins."""

from __future__ import annotations

import math
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaikukanta.accounts import security
from kaikukanta.accounts.forms import SecondFactorCodeForm
from kaikukanta.accounts.middleware import second_factor_exempt
from kaikukanta.accounts.models import User
from kaikukanta.lib.compression import never_compress
from kaikukanta.lib.qr import qr_svg

NO_STORE = "no-store"


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse("accounts:home")


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def pending_redirect(request: HttpRequest, next_url: str) -> str | None:
    """Where a person who has signed in with the password goes next, if anywhere."""
    if not security.second_factor_pending(request):
        return None
    name = ("accounts:two_factor_verify" if security.has_second_factor(request.user)
            else "accounts:two_factor_setup")
    return _with_next(name, next_url)


def _no_store(response: HttpResponse) -> HttpResponse:
    """A page with a second factor's key or recovery codes: never stored, never compressed
    (lib/compression.py)."""
    response["Cache-Control"] = NO_STORE
    return never_compress(response)


@second_factor_exempt
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    next_url = _next(request)
    user = request.user
    if security.has_second_factor(user) and not security.is_verified(user):
        # A new app must not stand in for the one already set up.
        return HttpResponseRedirect(_with_next("accounts:two_factor_verify", next_url))
    device = security.begin_enrolment(user)
    form = SecondFactorCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        codes = security.confirm_enrolment(request, device, form.cleaned_data["code"])
        if codes is not None:
            return _no_store(render(request, "accounts/recovery_codes.html", {
                "codes": codes, "next": next_url, "new_app": True}))
        form.add_error("code", _("That code is not right. Check that the app shows "
                                 "Kaikukanta and type the code it shows now."))
    return _no_store(render(request, "accounts/two_factor_setup.html", {
        "form": form, "secret": security.secret_for_display(device), "next": next_url,
        "required": security.requires_second_factor(user),
        "replacing": security.has_second_factor(user),
    }))


@second_factor_exempt
@login_required
def setup_qr(request: HttpRequest) -> HttpResponse:
    """The QR code of the app being set up (an SVG from our own code: no third party)."""
    device = security.app_device(request.user, confirmed=False)
    if device is None or (security.has_second_factor(request.user)
                          and not security.is_verified(request.user)):
        raise Http404
    return _no_store(HttpResponse(qr_svg(device.config_url), content_type="image/svg+xml"))


@second_factor_exempt
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    next_url = _next(request)
    if not security.second_factor_pending(request):
        return HttpResponseRedirect(next_url)
    if not security.has_second_factor(request.user):
        return HttpResponseRedirect(_with_next("accounts:two_factor_setup", next_url))
    form = SecondFactorCodeForm(request.POST if request.method == "POST" else None, recovery=True)
    if request.method == "POST" and form.is_valid():
        result = security.verify(request, form.cleaned_data["code"])
        if result.ok:
            return HttpResponseRedirect(next_url)
        if result.locked_until:
            seconds = max(1, math.ceil((result.locked_until - timezone.now()).total_seconds()))
            form.add_error("code", _("Too many wrong codes. Wait %(seconds)s seconds and "
                                     "try again.") % {"seconds": seconds})
        else:
            form.add_error("code", _("That code is not right or has already been used. "
                                     "Type the code your app shows now, or a recovery code."))
    return _no_store(render(request, "accounts/two_factor_verify.html", {
        "form": form, "next": next_url}))


@login_required
def security_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(request, "accounts/security.html", {
        "has_app": security.has_second_factor(user),
        "required": security.requires_second_factor(user),
        "codes_left": security.recovery_codes_left(user),
    })


@require_POST
@login_required
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    if not security.has_second_factor(request.user):
        raise PermissionDenied
    codes = security.replace_recovery_codes(request.user)
    return _no_store(render(request, "accounts/recovery_codes.html", {
        "codes": codes, "next": reverse("accounts:security"), "new_app": False}))


@require_POST
@login_required
def remove(request: HttpRequest) -> HttpResponse:
    security.remove_second_factor(request)
    messages.success(request, _("The second factor is no longer in use for your account."))
    return HttpResponseRedirect(reverse("accounts:security"))


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked account or address (AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


@login_required
def lockouts(request: HttpRequest) -> HttpResponse:
    if not request.scope.is_national:
        raise PermissionDenied
    return render(request, "accounts/lockouts.html", {
        "locks": security.current_lockouts(), "limit": settings.AXES_FAILURE_LIMIT,
        "address_limit": settings.SIGNIN_ADDRESS_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    })


@require_POST
@login_required
def second_factor_reset(request: HttpRequest) -> HttpResponse:
    if not request.scope.is_national:
        raise PermissionDenied
    email = request.POST.get("email", "").strip().lower()
    person = User.objects.filter(email=email).first() if email else None
    if person is None:
        messages.error(request, _("No account uses that email. Check it and try again."))
    else:
        security.reset_second_factor(scope=request.scope, user=person)
        messages.success(request, _("The second factor of %(email)s was reset. They set up "
                                    "a new app when they next sign in.") % {"email": email})
    return HttpResponseRedirect(reverse("accounts:lockouts"))


@require_POST
@login_required
def unlock(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    value = request.POST.get("value", "").strip()
    if kind not in ("account", "address") or not value:
        messages.error(request, _("Choose a lock to open."))
        return HttpResponseRedirect(reverse("accounts:lockouts"))
    security.unlock(scope=request.scope, kind=kind, value=value)
    messages.success(request, _("Unlocked: %(value)s. The next sign-in is allowed.")
                     % {"value": value})
    return HttpResponseRedirect(reverse("accounts:lockouts"))
