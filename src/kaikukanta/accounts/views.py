"""Signing in and out, the role home page, and the language and text-size choices."""

import logging

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kaikukanta.accounts.forms import LoginForm
from kaikukanta.accounts.models import Membership
from kaikukanta.lib.context_processors import TEXT_SIZE_COOKIE, TEXT_SIZES
from kaikukanta.lib.email import EmailFailed, email_enqueue
from kaikukanta.lib.navigation import navigation_for, notices_for

logger = logging.getLogger(__name__)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_success_url(self):
        from kaikukanta.accounts.two_factor import pending_redirect

        url = super().get_success_url()
        return pending_redirect(self.request, url) or url


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_form.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/message.html"


class LocalisedPasswordResetForm(PasswordResetForm):
    """Sends the reset email in the account's own language, not the page's, through the
    background worker (lib.email)."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):
        user = context.get("user")
        with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
            subject = render_to_string(subject_template_name, context)
            body = render_to_string(email_template_name, context)
        try:
            email_enqueue(subject=subject, body=body, to=[to_email])
        except EmailFailed:
            logger.exception("the password reset email was not sent")


class PasswordResetView(auth_views.PasswordResetView):
    form_class = LocalisedPasswordResetForm
    template_name = "accounts/password_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        from kaikukanta.accounts.security import password_reset_allowed

        if not password_reset_allowed(self.request, form.cleaned_data["email"]):
            return render(self.request, "accounts/reset_limited.html", {
                "minutes": settings.KAIKUKANTA_PASSWORD_RESET_WINDOW_MINUTES}, status=429)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/message.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_form.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        from kaikukanta.accounts.security import clear_account_lock

        response = super().form_valid(form)
        # The link proved the person reads the account's email: their account lock ends
        # (a lock on their address stays).
        clear_account_lock(form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/message.html"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("area", "organisation__home_area", "unit")
        .order_by("role")
    )
    tasks = [item for item in navigation_for(request.scope) if item["key"] != "home"]
    return render(request, "accounts/home.html", {"memberships": memberships, "tasks": tasks,
                                                  "notices": notices_for(request.scope)})


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or "/"
    if url_has_allowed_host_and_scheme(target, {request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return "/"


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    code = request.POST.get("language", "")
    response = HttpResponseRedirect(_safe_next(request))
    if code not in dict(settings.LANGUAGES):
        return response
    translation.activate(code)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, code, max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE, secure=settings.LANGUAGE_COOKIE_SECURE,
    )
    if request.user.is_authenticated and request.user.language != code:
        request.user.language = code
        request.user.save(update_fields=["language"])
    return response


@require_POST
def text_size_set(request: HttpRequest) -> HttpResponse:
    size = request.POST.get("size", "")
    response = HttpResponseRedirect(_safe_next(request))
    if size in TEXT_SIZES:
        response.set_cookie(TEXT_SIZE_COOKIE, size, max_age=settings.LANGUAGE_COOKIE_AGE,
                            samesite="Lax", secure=settings.LANGUAGE_COOKIE_SECURE)
    return response


def root(request: HttpRequest) -> HttpResponse:
    """Staff go to their home page; everyone else to the public front page."""
    target = "accounts:home" if request.user.is_authenticated else "public:front"
    return HttpResponseRedirect(reverse(target))
