"""Errors about card numbers and cards, shared by the registry, the desk and the API."""

from django.utils.translation import gettext_lazy as _

from kaikukanta.lib.errors import DomainError


class CardNumberInvalid(DomainError):
    code = "card_number_invalid"
    field = "number"
    message = _("A card number has eight letters and digits, for example K7M4-9QX2.")


class CardCheckCharacter(DomainError):
    code = "card_check_character"
    field = "number"
    message = _("This is not a valid card number: check the number.")


class CardUnknown(DomainError):
    code = "card_unknown"
    field = "number"
    message = _("No card has this number.")
    http_status = 404
