"""Domain errors with stable machine codes.

Every business rule that can be broken raises a subclass of `DomainError`. The class
carries one stable `code` (used by the API's error shape and by tests), one translated
`message` (shown in forms and returned by the API in the request's language) and, where
the error belongs to one input, the `field` it concerns. `ERROR_CODES` is the one table
of all codes; a code may be defined only once.
"""

from typing import Any, ClassVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ERROR_CODES: dict[str, type["DomainError"]] = {}


class DomainError(Exception):
    code: ClassVar[str] = "error"
    message: ClassVar[str | Promise] = _("The request could not be completed.")
    field: ClassVar[str | None] = None
    http_status: ClassVar[int] = 400

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "code" in cls.__dict__:
            existing = ERROR_CODES.get(cls.code)
            if existing is not None and existing.__qualname__ != cls.__qualname__:
                raise TypeError(f"error code {cls.code!r} is defined twice")
            ERROR_CODES[cls.code] = cls

    def __init__(self, field: str | None = None, **params: Any) -> None:
        self.params = params
        if field is not None:
            self.field = field  # type: ignore[misc]
        super().__init__(self.code)

    def render(self) -> str:
        """The message in the active language, with its parameters filled in."""
        text = str(self.message)
        return text % self.params if self.params else text

    def __str__(self) -> str:
        return self.render()

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.render(), "field": self.field}


class NotInScope(DomainError):
    code = "not_in_scope"
    message = _("You do not have access to this.")
    http_status = 404


class InvalidInput(DomainError):
    code = "invalid"
    message = _("Check this value.")


class NotAllowed(DomainError):
    """The object is in the actor's scope, but their role does not allow the change."""

    code = "not_allowed"
    message = _("Your role does not allow this.")
    http_status = 403
