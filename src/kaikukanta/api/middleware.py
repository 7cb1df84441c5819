"""The partner API's JSON answers pass by the middleware that only the staff pages need.

A partner system authenticates each request with its key (`core.KeyAuth`); it has no
session, no messages and no second factor (and its endpoints are CSRF-exempt). Each class
here is a subclass of one of Django's (or django-otp's, or the accounts app's) middleware
that runs as it for every other address and, for an API call, hands the request on.
`AuthenticationMiddleware` is the exception: an API call gets an anonymous `request.user`
(cheap, and `accounts.middleware.ScopeMiddleware` builds the anonymous scope from it until
the key's authentication replaces `request.scope`).

Everything else in settings.MIDDLEWARE still runs for the API: the health check, the
security headers, compression, the language from `Accept-Language`, CSRF (the endpoints
are exempt), the 503 answer while the database is away, the sign-in lockout's page. The
key, its rate limit, its audit and the look-up log are the API's own (`core`,
`services`) and are untouched.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.module_loading import import_string

API_PREFIX = "/api/v1/"
# The human pages under the API's prefix (the reference and the key pages of the staff),
# which need the whole chain.
API_PAGES = ("/api/v1/", "/api/v1/openapi.json")
API_PAGE_PREFIXES = ("/api/v1/keys/",)


def is_api_call(path: str) -> bool:
    """A request for one of the API's JSON endpoints (or its JSON 404)."""
    return (
        path.startswith(API_PREFIX)
        and path not in API_PAGES
        and not path.startswith(API_PAGE_PREFIXES)
    )


def _pages_only(dotted: str, *, on_api=None) -> type:
    """A subclass of the middleware `dotted` (so that Django's checks still find it) that
    runs it except for API calls, where it runs `on_api` on the request, if given, and
    hands the request on."""
    wrapped = import_string(dotted)

    def __call__(self, request: HttpRequest):
        if is_api_call(request.path_info):
            if on_api is not None:
                on_api(request)
            return self.get_response(request)
        return wrapped.__call__(self, request)

    def _hook(method):
        def hook(self, request, *args):
            return None if is_api_call(request.path_info) else method(self, request, *args)

        return hook

    attrs = {
        "__call__": __call__,
        "__module__": __name__,
        "__doc__": f"{wrapped.__module__}.{wrapped.__name__}, except for API calls.",
    }
    for name in ("process_view", "process_exception", "process_template_response"):
        if hasattr(wrapped, name):
            attrs[name] = _hook(getattr(wrapped, name))
    return type(wrapped.__name__, (wrapped,), attrs)


def _anonymous(request: HttpRequest) -> None:
    request.user = AnonymousUser()


SessionMiddleware = _pages_only("django.contrib.sessions.middleware.SessionMiddleware")
AuthenticationMiddleware = _pages_only(
    "django.contrib.auth.middleware.AuthenticationMiddleware", on_api=_anonymous
)
OTPMiddleware = _pages_only("django_otp.middleware.OTPMiddleware")
UserLanguageMiddleware = _pages_only("kaikukanta.accounts.middleware.UserLanguageMiddleware")
SecondFactorMiddleware = _pages_only("kaikukanta.accounts.middleware.SecondFactorMiddleware")
MessageMiddleware = _pages_only("django.contrib.messages.middleware.MessageMiddleware")
