"""Errors of scanned mobile-card tokens at the desk and in the API (see `cardtoken`).

A token is judged before any card is looked up, so none of these tells whether some
other card number exists.
"""

from django.utils.translation import gettext_lazy as _

from kaikukanta.lib.errors import DomainError


class TokenMalformed(DomainError):
    code = "card_token_malformed"
    field = "number"
    message = _("This code cannot be read. Scan the QR code again or type the card number.")


class TokenBadSignature(DomainError):
    code = "card_token_bad_signature"
    field = "number"
    message = _("This mobile card was not signed by Kaikukanta. Do not accept it; ask for "
                "the card number instead.")


class TokenExpired(DomainError):
    code = "card_token_expired"
    field = "number"
    message = _("This mobile card code has expired (signed at %(time)s). Ask the holder to "
                "open “Show my card” again, or type the card number.")


class TokenWrongKind(DomainError):
    code = "card_token_wrong_kind"
    field = "number"
    message = _("This code is not a Kaikukortti card of the kind it claims. Ask for the "
                "card number instead.")
