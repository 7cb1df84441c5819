"""The load balancer's health check."""

import logging

from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

_PROBE_KEY = "ops:healthz"


def _database_answers(alias: str) -> bool:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("healthz: database %s does not answer", alias)
        return False


def _cache_answers() -> bool:
    try:
        cache.set(_PROBE_KEY, "ok", timeout=30)
        return cache.get(_PROBE_KEY) == "ok"
    except Exception:
        logger.exception("healthz: the cache does not answer")
        return False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when every database (primary and any replica) and the cache answer, else 503."""
    checks = {f"database:{alias}": _database_answers(alias) for alias in connections}
    checks["cache"] = _cache_answers()
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable",
         "checks": {name: "ok" if ok else "failed" for name, ok in checks.items()}},
        status=200 if healthy else 503,
    )
