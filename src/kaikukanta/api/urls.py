from functools import wraps

from django.http import HttpResponseNotAllowed
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from kaikukanta.api import pages
from kaikukanta.api.core import api, error_response
from kaikukanta.api.endpoints import router
from kaikukanta.api.errors import MethodNotAllowed, RouteNotFound

app_name = "api"

api.add_router("", router)


def _json_405(view):
    """Ninja answers a method an address does not take in plain text; ours is the error
    shape like every other API error."""
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = sorted(m.strip() for m in response["Allow"].split(","))
            return error_response(MethodNotAllowed(), {"Allow": ", ".join(allowed)})
        return response
    return wrapped


@csrf_exempt
def not_found(request, rest: str = ""):
    """Any other address under /api/v1/: the JSON 404."""
    return error_response(RouteNotFound())


# The JSON endpoints (each in the OpenAPI document, which is generated from them).
api_urlpatterns = [pattern for pattern in api.urls[0] if str(pattern.pattern)]
for pattern in api_urlpatterns:
    pattern.callback = _json_405(pattern.callback)

urlpatterns = [
    path("", pages.docs, name="docs"),
    path("openapi.json", pages.openapi_json, name="openapi"),
    path("keys/", pages.key_list, name="key_list"),
    path("keys/organisation/<int:pk>/", pages.key_organisation, name="key_organisation"),
    path("keys/<int:pk>/revoke/", pages.key_revoke, name="key_revoke"),
    *api_urlpatterns,
    # any other path, also one with a newline in it (which "." would not match)
    re_path(r"^(?P<rest>[\s\S]*)$", not_found, name="not_found"),
]
