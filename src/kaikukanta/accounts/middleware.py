"""Per-request state of the signed-in person: their saved language (unless the address
names one: the public pages live under /fi/, /sv/ and /en/), their scope, and the second
factor required before any page."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from kaikukanta.accounts.scope import scope_for_request_user


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and user.language
            and translation.get_language_from_path(request.path_info) is None
        ):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class ScopeMiddleware:
    """Set `request.scope`: what the signed-in person sees (built on first use, once per
    request; kept in the person's cache between requests, see `accounts.scope`). The
    partner API replaces it with its key's organisation's scope when it authenticates."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = SimpleLazyObject(lambda: scope_for_request_user(request.user))
        return self.get_response(request)


def second_factor_exempt(view):
    """Mark a view that a person may open before giving their second factor (signing out,
    the second-factor pages themselves, language and text size)."""
    view.second_factor_exempt = True
    return view


def second_factor_exempt_urls(patterns: list) -> list:
    """Mark every view of these URL patterns (and of the ones they include) exempt, for
    whole parts of the site that no staff sign-in opens: OmaKaiku and the public API. A
    browser whose staff session still waits for its second factor can use them, and they
    show nothing of the staff session. Returns the patterns."""
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):  # an include()
            second_factor_exempt_urls(pattern.url_patterns)
        else:
            second_factor_exempt(pattern.callback)
    return patterns


class SecondFactorMiddleware:
    """National admins, coordinators and anyone who has set up an app reach no page (and
    no data) until they have given the second factor: they are sent to set it up or to
    give a code, and come back afterwards. `request.second_factor_pending` tells the page
    frame to show no tasks meanwhile."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from kaikukanta.accounts import security

        request.second_factor_pending = security.second_factor_pending(request)
        if not request.second_factor_pending:
            return None
        if getattr(view_func, "second_factor_exempt", False):
            return None
        name = ("accounts:two_factor_verify" if security.has_second_factor(request.user)
                else "accounts:two_factor_setup")
        url = reverse(name)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(url)
