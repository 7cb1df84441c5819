"""While the database cannot be reached (a restart, a fail-over), every request answers
503 with `Retry-After` instead of 500: the partner API with its error shape (so that a
partner retries with the same Idempotency-Key), pages with a plain translated page that
needs no database.

`DatabaseUnavailableMiddleware` turns a view's database error into that answer;
`server_error` (the project's `handler500`) does the same for an error raised anywhere
else (for example while a middleware reads the session), and is Django's 500 page
otherwise. The API's own exception handler uses `DATABASE_ERRORS` and
`DatabaseUnavailable` for the same answer.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.views.defaults import server_error as django_server_error

from kaikukanta.lib.errors import DomainError

logger = logging.getLogger(__name__)

# A lost or refused connection, a restart in progress, a serialization failure.
DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10
API_PREFIX = "/api/"


class DatabaseUnavailable(DomainError):
    code = "service_unavailable"
    message = _("The service is briefly unavailable. Try again in %(seconds)s seconds.")
    http_status = 503

    def __init__(self, field: str | None = None, **params) -> None:
        params.setdefault("seconds", RETRY_AFTER_SECONDS)
        super().__init__(field, **params)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    error = DatabaseUnavailable()
    if request.path.startswith(API_PREFIX):
        response: HttpResponse = JsonResponse(error.as_dict(), status=503,
                                              json_dumps_params={"ensure_ascii": False})
    else:
        # Rendered without the request: the page frame's menus would read the database.
        response = HttpResponse(render_to_string("lib/unavailable.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.warning("Database unavailable: %s %s: %s", request.method, request.path,
                           exception)
            return unavailable_response(request)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """`handler500`: the 503 answer when the failure was the database's."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return unavailable_response(request)
    return django_server_error(request)
