"""What every partner API endpoint shares, on django-ninja: the `NinjaAPI` object, key
authentication (`KeyAuth`, which also counts the per-key limit and refuses writes with a
read-only key), the one error shape for every failure, idempotent writes and pages.

An endpoint in `endpoints.py` declares its input with pydantic schemas, its key with
`auth=KeyAuth(...)` and its answers with `responses(...)`; it raises the services'
`DomainError`s and never builds an error answer itself.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, connection, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer

from kaikukanta.accounts.scope import scope_for_organisation
from kaikukanta.api import services
from kaikukanta.api.errors import (
    IdempotencyConflict,
    RateLimited,
    ReadOnlyKey,
    RequestTooLarge,
    ServerError,
    Unauthorized,
    WrongKeyKind,
)
from kaikukanta.api.models import ApiKey, IdempotentResponse
from kaikukanta.api.schemas import Error
from kaikukanta.lib.errors import DomainError, InvalidInput, NotInScope
from kaikukanta.lib.scope import Scope
from kaikukanta.lib.unavailable import DATABASE_ERRORS, DatabaseUnavailable
from kaikukanta.usage import guessing

logger = logging.getLogger(__name__)

VERSION = "1.0.0"
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
IDEMPOTENCY_PATTERN = r"^[!-~]{1,64}$"


def max_body_bytes() -> int:
    """The largest request body the API reads (its JSON bodies are a few hundred bytes)."""
    return getattr(settings, "KAIKUKANTA_API_MAX_BODY", 64 * 1024)


# --- answers ---------------------------------------------------------------------------

def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None,
                  ) -> HttpResponse:
    response = HttpResponse(_dumps(body), status=status, content_type="application/json")
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _dumps(body: Any) -> str:
    return json.dumps(body, ensure_ascii=False, cls=JSONRenderer.encoder_class)


def error_response(error: DomainError, headers: dict[str, str] | None = None) -> HttpResponse:
    """The one error answer: `{code, message, field}` in the request's language."""
    headers = dict(headers or {})
    if error.http_status in (429, 503):
        seconds = error.params.get("seconds") or int(error.params.get("minutes", 1)) * 60
        headers["Retry-After"] = str(seconds)
    return json_response(error.as_dict(), error.http_status, headers)


def _field_of(loc: tuple) -> str:
    """The input an error concerns: a query, path or header name, or a body field (the
    body itself when it is not a JSON object)."""
    source, *rest = loc
    if source == "body":
        rest = rest[1:]  # the endpoint's parameter name for the whole body
        names = [str(part) for part in rest if isinstance(part, str)]
        return names[0] if names else "body"
    return str(rest[0]) if rest else str(source)


def _handle(request: HttpRequest, exc: Exception) -> HttpResponse:
    if isinstance(exc, DomainError):
        return error_response(exc)
    if isinstance(exc, ValidationError):
        return error_response(InvalidInput(field=_field_of(tuple(exc.errors[0]["loc"]))))
    if isinstance(exc, AuthenticationError):
        return error_response(Unauthorized(), {"WWW-Authenticate": 'Bearer realm="kaikukanta"'})
    if isinstance(exc, HttpError) and exc.status_code == 400:  # the body is not JSON
        cause = exc.__cause__
        return error_response(cause if isinstance(cause, DomainError)
                              else InvalidInput(field="body"))
    if isinstance(exc, RequestDataTooBig):
        return error_response(RequestTooLarge(limit=max_body_bytes()))
    if isinstance(exc, Http404):
        return error_response(NotInScope())
    if isinstance(exc, DATABASE_ERRORS):
        logger.warning("API request while the database is unavailable: %s", exc)
        return error_response(DatabaseUnavailable())
    logger.error("API request failed: %s %s", request.method, request.path, exc_info=exc)
    return error_response(ServerError())


class JsonParser(Parser):
    """JSON bodies: a body over the size limit is 413, one nested too deeply to parse
    is `invalid` like any other malformed body."""

    def parse_body(self, request: HttpRequest) -> Any:
        if len(request.body) > max_body_bytes():
            raise RequestTooLarge(limit=max_body_bytes())
        try:
            return json.loads(request.body)
        except RecursionError:
            raise InvalidInput(field="body") from None


class PartnerApi(NinjaAPI):
    def set_default_exception_handlers(self) -> None:
        self.add_exception_handler(Exception, _handle)  # the one error shape, always

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        # Paths are relative to `servers` (/api/v1), as partner tools expect.
        return super().get_openapi_schema(path_prefix="", path_params=path_params)


api = PartnerApi(
    title="Kaikukanta partner API",
    version=VERSION,
    description=(
        "For ticket sellers, venue systems and distributor systems. Authenticate with "
        "`Authorization: Bearer <key>`; a key is made by the organisation's area "
        "coordinator. Errors share one shape (`Error`) with a stable `code`; messages "
        "follow `Accept-Language` (fi by default, sv, en). Nothing about a cardholder "
        "is ever returned."
    ),
    servers=[{"url": "/api/v1"}],
    urls_namespace="api-v1",
    openapi_url=None,  # served by `urls.py`, with the reference page
    docs_url=None,  # no Swagger UI: it loads scripts from elsewhere (strict CSP)
    parser=JsonParser(),
)


# --- keys --------------------------------------------------------------------------------

class KeyAuth(HttpBearer):
    """`Authorization: Bearer <key>`: the key's organisation acts, within its scope
    (`request.scope`, built like a person's; `request.auth` is the key).

    Also counts the request against the key's limit, notes the key's use, and refuses a
    write with a read-only key (`write=True`) or a key of another kind of organisation
    than the endpoint serves (`kinds`), before any input is read. With the key kept by
    the process, its versions, its count, the look-up limit's counters and the cache
    versions the endpoint names (`versions`; into `request.versions_read`, else None) are
    one cache round trip (`services.api_key_request`).
    """

    def __init__(self, *, write: bool = False, kinds: tuple[str, ...] = (),
                 versions: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.write = write
        self.kinds = kinds
        # `lib.versioned_cache` versions the endpoint reads, read with the key (one round
        # trip) into `request.versions_read` when the process keeps the key
        self.versions = versions

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        limit, window = services.rate_limit()
        built: list[tuple[ApiKey, Scope, list[str]]] = []

        def counters(key: ApiKey) -> list[str]:
            # the look-up limit's counters of the key's scope, read with the key's versions
            # and its count in one round trip (`api_key_request`), for `guessing.check`
            scope = _scope_of(key)
            built.append((key, scope, guessing.counter_keys(scope)))
            return [*built[-1][2], *self.versions]

        found = services.api_key_request(token, window_seconds=window, also=counters)
        key = found.key
        if key is None:
            return None
        if found.used > limit:
            raise RateLimited(seconds=found.retry_after)
        services.api_key_touch(api_key=key, first_in_window=found.used == 1)
        if self.write and not key.can_write:
            raise ReadOnlyKey()
        if self.kinds and key.organisation.kind not in self.kinds:
            raise WrongKeyKind()
        request.versions_read = None
        if found.read is not None and built and built[0][0] is key:
            _key, scope, keys = built[0]
            read = found.read
            guessing.counts_read(scope, keys, {k: read[k] for k in keys if k in read})
            if self.versions:
                request.versions_read = {k: read[k] for k in self.versions if k in read}
        else:
            scope = _scope_of(key)
        request.api_key = key
        request.scope = scope
        return key


def _scope_of(key: ApiKey) -> Scope:
    return scope_for_organisation(key.organisation, label=key.actor_label)


# What each error status means, for the document (the `Error` body's `code` says more).
ERROR_STATUSES = {
    400: "`invalid` (with `field`) or a business rule's code.",
    401: "`unauthorized`: no key, a wrong key or a revoked key.",
    403: "`read_only_key`: the key may only read; `wrong_key_kind`: the address is for "
         "another kind of organisation's keys.",
    404: "`not_in_scope`: the object is not in the key's organisation's scope, or does not "
         "exist.",
    409: "A conflict with the current state (the error's `code` says which). Also "
         "`idempotency_conflict`: the Idempotency-Key was used for a different request.",
    413: "`request_too_large`: the body is over the size limit.",
    429: "`rate_limited`: too many requests for this key; wait `Retry-After` seconds.",
    503: "`service_unavailable`: the registry is briefly unavailable (for example while "
         "its database restarts); retry after `Retry-After` seconds, with the same "
         "Idempotency-Key.",
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"},
                               "description": "Seconds until a retry may succeed."}}


def responses(ok: int, schema: type[Schema], *errors: int) -> dict[int, type[Schema]]:
    """An operation's documented answers: its success and the error statuses it may give
    (every operation may also answer 400, 401, 429 and 503)."""
    return {ok: schema, **dict.fromkeys(sorted({400, 401, 429, 503, *errors}), Error)}


def document() -> dict[str, Any]:
    """The OpenAPI document, generated from the endpoints and their schemas."""
    doc = api.get_openapi_schema()
    for operations in doc["paths"].values():
        for operation in operations.values():
            for status, answer in operation["responses"].items():
                status = int(status)
                if status in ERROR_STATUSES:
                    answer["description"] = ERROR_STATUSES[status]
                if status in (429, 503):
                    answer["headers"] = RETRY_AFTER
    return doc


# --- idempotent writes -------------------------------------------------------------------

def idempotent(request: HttpRequest, idempotency_key: str | None,
               write: Callable[[], tuple[int, Any]], *, savepoint: bool = True,
               ) -> HttpResponse:
    """Run a write once per Idempotency-Key; a retry gets the first answer again, byte
    for byte (errors too).

    The stored row is inserted first (INSERT … ON CONFLICT DO NOTHING) and committed
    together with the write and its answer, so a second identical request that arrives
    meanwhile waits on the row's unique index and then reads the first answer: never a
    second write. The write runs in the same transaction, in a savepoint that a refusal
    rolls back; with `savepoint=False` without one, for a write whose service checks
    every rule before its first write (recording a use), so a refusal leaves only the
    stored row to answer. A write that loses a race at a unique index (its transaction
    is lost) is run again once, in a new transaction, and answers as the winner left it.
    """
    key: ApiKey = request.auth
    if not idempotency_key:
        return _write_once(write)
    digest = hashlib.sha256(
        b"\n".join([(request.method or "").encode(), request.path.encode(), request.body])
    ).hexdigest()
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                stored_id = _store_request(key, idempotency_key, digest)
                if stored_id is None:
                    return _replay(key, idempotency_key, digest)
                response = _answer(write, savepoint)
                _store_answer(stored_id, response)
            return response
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _store_request(key: ApiKey, idempotency_key: str, digest: str) -> int | None:
    """The new stored row's id, or None when the key was used before (one statement)."""
    table = IdempotentResponse._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (api_key_id, idempotency_key, request_hash, "  # noqa: S608
            "status_code, body, created_at) VALUES (%s, %s, %s, NULL, '', %s) "
            "ON CONFLICT (api_key_id, idempotency_key) DO NOTHING RETURNING id",
            [key.pk, idempotency_key, digest, timezone.now()])
        row = cur.fetchone()
    return row[0] if row else None


def _store_answer(stored_id: int, response: HttpResponse) -> None:
    """The answer into the stored row (one plain statement: this runs on every write)."""
    table = IdempotentResponse._meta.db_table
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {table} SET status_code = %s, body = %s WHERE id = %s",  # noqa: S608
                    [response.status_code, response.content.decode(), stored_id])


def _replay(key: ApiKey, idempotency_key: str, digest: str) -> HttpResponse:
    stored = IdempotentResponse.objects.get(api_key=key, idempotency_key=idempotency_key)
    if stored.request_hash != digest:
        raise IdempotencyConflict()
    response = HttpResponse(stored.body, status=stored.status_code or 200,
                            content_type="application/json")
    response["Idempotent-Replayed"] = "true"
    return response


def _answer(write: Callable[[], tuple[int, Any]], savepoint: bool) -> HttpResponse:
    """The write's answer, a refusal's too (in the caller's transaction)."""
    try:
        if savepoint:
            with transaction.atomic():
                status, body = write()
        else:
            status, body = write()
    except DomainError as exc:
        return error_response(exc)
    except Http404:
        return error_response(NotInScope())
    return json_response(body, status)


def _write_once(write: Callable[[], tuple[int, Any]]) -> HttpResponse:
    """One write in its own transaction; a refused write changes nothing."""
    try:
        with transaction.atomic():
            status, body = write()
    except DomainError as exc:
        return error_response(exc)
    except Http404:
        return error_response(NotInScope())
    return json_response(body, status)


def write_answer(schema: type[Schema], obj: Any) -> Any:
    """An object as the JSON its response schema describes."""
    return schema.from_orm(obj).model_dump(mode="json")


# --- pages -------------------------------------------------------------------------------

def page_of(request: HttpRequest, queryset, number: int, size: int) -> dict[str, Any]:
    count = queryset.count()
    start = (number - 1) * size
    rows = list(queryset[start:start + size])

    def link(n: int) -> str:
        query = request.GET.copy()
        query["page"] = str(n)
        return request.build_absolute_uri(f"{request.path}?{urlencode(sorted(query.items()))}")

    return {
        "count": count,
        "next": link(number + 1) if start + size < count else None,
        "previous": link(number - 1) if number > 1 and count else None,
        "results": rows,  # shaped by the operation's response schema
    }
