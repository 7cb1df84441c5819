"""The partner API's request handling: key authentication, language, rate limits, the one
error shape and idempotent writes. Endpoint handlers in `views.py` only parse input, check
the key's scope and call the services of the other apps."""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from kaikukanta.accounts.scope import scope_for_organisation
from kaikukanta.api import services
from kaikukanta.api.errors import (
    IdempotencyConflict,
    MethodNotAllowed,
    RateLimited,
    ReadOnlyKey,
    ServerError,
    Unauthorized,
)
from kaikukanta.api.models import ApiKey, IdempotentResponse
from kaikukanta.api.selectors import api_key_for_header
from kaikukanta.lib.errors import DomainError, InvalidInput, NotInScope

logger = logging.getLogger(__name__)

LANGUAGES = ("fi", "sv", "en")
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,64}$")


def rate_limit() -> tuple[int, int]:
    """(requests, window seconds) allowed per key for all requests."""
    return (getattr(settings, "KAIKUKANTA_API_RATE_LIMIT", 300),
            getattr(settings, "KAIKUKANTA_API_RATE_WINDOW", 60))


def api_language(request: HttpRequest) -> str:
    """The first supported language in Accept-Language; Finnish (the default) otherwise."""
    choices = []
    for i, part in enumerate(request.headers.get("Accept-Language", "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                q = 0.0
        code = tag.strip().lower()[:2]
        if code in LANGUAGES and q > 0:
            choices.append((-q, i, code))
    return min(choices)[2] if choices else settings.LANGUAGE_CODE


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str] | None = None


def error_reply(error: DomainError) -> Reply:
    headers = {}
    if error.http_status == 429:
        seconds = error.params.get("seconds") or int(error.params.get("minutes", 1)) * 60
        headers["Retry-After"] = str(seconds)
    return Reply(error.http_status, error.as_dict(), headers)


def _json(reply: Reply, language: str) -> JsonResponse:
    response = JsonResponse(reply.body, status=reply.status, safe=False,
                            json_dumps_params={"ensure_ascii": False})
    for name, value in (reply.headers or {}).items():
        response[name] = value
    response["Content-Language"] = language
    response["Cache-Control"] = "no-store"
    return response


def plain_error(request: HttpRequest, error: DomainError) -> JsonResponse:
    """An error answer outside the endpoints (for example an unknown address)."""
    language = api_language(request)
    with translation.override(language):
        return _json(error_reply(error), language)


@dataclass(frozen=True)
class Handler:
    func: Callable[..., Reply]
    write: bool = False
    idempotency: str = ""  # "", "optional" or "required"


def endpoint(func=None, *, write: bool = False, idempotency: str = ""):
    """Mark a handler `(request, key, **path) -> Reply` with what it needs."""
    def wrap(f):
        return Handler(f, write=write, idempotency=idempotency)
    return wrap(func) if func is not None else wrap


def route(**methods: Handler) -> Callable[..., JsonResponse]:
    """One URL: its handlers by HTTP method, with authentication and error handling."""
    allowed = sorted(methods)

    @csrf_exempt
    def view(request: HttpRequest, **kwargs) -> JsonResponse:
        language = api_language(request)
        with translation.override(language):
            try:
                reply = _dispatch(request, methods, allowed, kwargs)
            except Exception:
                logger.exception("API request failed: %s %s", request.method, request.path)
                reply = error_reply(ServerError())
            return _json(reply, language)

    view.api_methods = allowed  # type: ignore[attr-defined]
    return view


def _dispatch(request, methods: dict[str, Handler], allowed: list[str], kwargs) -> Reply:
    handler = methods.get(request.method or "")
    if handler is None:
        reply = error_reply(MethodNotAllowed())
        reply.headers = {"Allow": ", ".join(allowed)}
        return reply
    key = api_key_for_header(request.headers.get("Authorization", ""))
    if key is None:
        reply = error_reply(Unauthorized())
        reply.headers = {"WWW-Authenticate": 'Bearer realm="kaikukanta"'}
        return reply
    request.api_key = key
    request.scope = scope_for_organisation(key.organisation, label=key.actor_label)
    try:
        limit, window = rate_limit()
        used, retry_after = services.rate_window_hit(api_key=key, bucket="all",
                                                     window_seconds=window)
        if used > limit:
            raise RateLimited(seconds=retry_after)
        services.api_key_touch(api_key=key)
        if handler.write and not key.can_write:
            raise ReadOnlyKey()
        if handler.idempotency:
            return _idempotent(request, key, handler, kwargs)
        return handler.func(request, key, **kwargs)
    except DomainError as exc:
        return error_reply(exc)
    except Http404:
        return error_reply(NotInScope())


def _call(request, key: ApiKey, handler: Handler, kwargs) -> Reply:
    try:
        with transaction.atomic():
            return handler.func(request, key, **kwargs)
    except DomainError as exc:
        return error_reply(exc)
    except Http404:
        return error_reply(NotInScope())


def _idempotent(request, key: ApiKey, handler: Handler, kwargs) -> Reply:
    """Run a write once per Idempotency-Key; a retry gets the first response again.

    The stored row is inserted first and committed together with the write, so a second
    identical request that arrives meanwhile waits on the row's unique index and then
    reads the first response: never a second write.
    """
    idem = request.headers.get("Idempotency-Key", "")
    if not idem:
        if handler.idempotency == "required":
            raise InvalidInput(field="Idempotency-Key")
        return _call(request, key, handler, kwargs)
    if not IDEMPOTENCY_KEY.match(idem):
        raise InvalidInput(field="Idempotency-Key")
    digest = hashlib.sha256(
        b"\n".join([(request.method or "").encode(), request.path.encode(), request.body])
    ).hexdigest()
    with transaction.atomic():
        try:
            with transaction.atomic():
                stored = IdempotentResponse.objects.create(
                    api_key=key, idempotency_key=idem, request_hash=digest)
        except IntegrityError:
            stored = IdempotentResponse.objects.get(api_key=key, idempotency_key=idem)
            if stored.request_hash != digest:
                raise IdempotencyConflict() from None
            return Reply(stored.status_code or 200, json.loads(stored.body or "null"),
                         {"Idempotent-Replayed": "true"})
        reply = _call(request, key, handler, kwargs)
        stored.status_code = reply.status
        stored.body = json.dumps(reply.body, cls=DjangoJSONEncoder, ensure_ascii=False)
        stored.save(update_fields=["status_code", "body"])
    return reply


# Input parsing: every problem is an `invalid` error naming the field.

def parse_json_object(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput(field="body") from None
    if not isinstance(data, dict):
        raise InvalidInput(field="body")
    return data


def get_int(data, name: str, *, required: bool = False, default: int | None = None,
            minimum: int = 0, maximum: int = 2**31 - 1) -> int | None:
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise InvalidInput(field=name)
        return default
    if isinstance(value, str):
        if not re.fullmatch(r"[0-9]{1,10}", value.strip()):
            raise InvalidInput(field=name)
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(field=name)
    if not minimum <= value <= maximum:
        raise InvalidInput(field=name)
    return value


def get_bool(data, name: str, *, default: bool = False) -> bool:
    value = data.get(name, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise InvalidInput(field=name)
    return value


def get_str(data, name: str, *, required: bool = False, max_length: int = 200) -> str:
    value = data.get(name)
    if value is None:
        if required:
            raise InvalidInput(field=name)
        return ""
    if not isinstance(value, str) or len(value) > max_length:
        raise InvalidInput(field=name)
    value = value.strip()
    if required and not value:
        raise InvalidInput(field=name)
    return value


def get_date(data, name: str, *, required: bool = False) -> datetime.date | None:
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise InvalidInput(field=name)
        return None
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise InvalidInput(field=name)
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(field=name) from None
