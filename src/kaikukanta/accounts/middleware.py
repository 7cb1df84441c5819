"""Per-request state of the signed-in person: their saved language and their scope."""

from django.conf import settings
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from kaikukanta.accounts.scope import scope_for_user


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
        ):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class ScopeMiddleware:
    """Set `request.scope`: what the signed-in person sees (built on first use). The
    partner API replaces it with its key's organisation's scope when it authenticates."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = SimpleLazyObject(lambda: scope_for_user(request.user))
        return self.get_response(request)
