"""Errors of the partner API itself (keys, limits, HTTP). Business errors come from the
services of the other apps and keep their own codes."""

from django.utils.translation import gettext_lazy as _

from kaikukanta.lib.errors import DomainError


class Unauthorized(DomainError):
    code = "unauthorized"
    message = _("Give a valid API key in the header Authorization: Bearer <key>.")
    http_status = 401


class ReadOnlyKey(DomainError):
    code = "read_only_key"
    message = _("This API key may only read. Ask your coordinator for a read-write key.")
    http_status = 403


class RateLimited(DomainError):
    code = "rate_limited"
    message = _("Too many requests. Try again in %(seconds)s seconds.")
    http_status = 429


class WrongKeyKind(DomainError):
    code = "wrong_key_kind"
    message = _("This address is for the keys of another kind of organisation.")
    http_status = 403


class RequestTooLarge(DomainError):
    code = "request_too_large"
    field = "body"
    message = _("The request is too large: at most %(limit)s bytes.")
    http_status = 413


class RouteNotFound(DomainError):
    code = "not_found"
    message = _("There is no such address in the API.")
    http_status = 404


class MethodNotAllowed(DomainError):
    code = "method_not_allowed"
    message = _("This address does not accept this method.")
    http_status = 405


class IdempotencyConflict(DomainError):
    code = "idempotency_conflict"
    field = "Idempotency-Key"
    message = _("This Idempotency-Key was already used for a different request.")
    http_status = 409


class ServerError(DomainError):
    code = "server_error"
    message = _("Something went wrong on our side. Try again later.")
    http_status = 500


class KeyLabelTaken(DomainError):
    code = "api_key_label_taken"
    field = "label"
    message = _("The organisation already has an active key with this label.")
