"""The health check answers before any other middleware: the load balancer may ask by
address (no allowed host name) and over plain HTTP, and needs no session or language."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

HEALTH_PATH = "/healthz"


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == HEALTH_PATH:
            from kaikukanta.ops.views import healthz

            return healthz(request)
        return self.get_response(request)
