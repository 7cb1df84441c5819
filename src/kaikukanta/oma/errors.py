"""OmaKaiku errors, each with its stable code and translated message.

None of them tells whether some other card number exists: a wrong card number and a
wrong code get the same answer.
"""

from django.utils.translation import gettext_lazy as _

from kaikukanta.lib.errors import DomainError


class ActivationCodeWrong(DomainError):
    code = "oma_code_wrong"
    field = "code"
    message = _("The card number and code do not match. Check both and try again.")


class ActivationCodeExpired(DomainError):
    code = "oma_code_expired"
    field = "code"
    message = _("This code has expired. Ask the place that gave you the card for a new code.")


class ActivationCodeUsed(DomainError):
    code = "oma_code_used"
    field = "code"
    message = _("This code has already been used. Sign in with your password or passkey.")


class ActivationCodeCancelled(DomainError):
    code = "oma_code_cancelled"
    field = "code"
    message = _("This code was cancelled. Ask the place that gave you the card for a new "
                "code.")


class CardNotUsable(DomainError):
    code = "oma_card_not_usable"
    field = "code"
    message = _("This card has been inactivated, so OmaKaiku cannot be started with it. "
                "Ask the place that gave you the card.")


class CardReplacedUseNew(DomainError):
    code = "oma_card_replaced"
    field = "number"
    message = _("This card has been replaced by a new card. Sign in with the new card "
                "number %(number)s.")


class TooManyAttempts(DomainError):
    code = "oma_too_many_attempts"
    message = _("Too many tries. Wait %(minutes)s minutes and try again.")
    http_status = 429


class SignInFailed(DomainError):
    code = "oma_sign_in_failed"
    message = _("The card number or password is wrong. Check both and try again.")


class PasskeyFailed(DomainError):
    code = "oma_passkey_failed"
    message = _("The passkey did not work. Try again or sign in with your password.")


class OmaAlreadyInUse(DomainError):
    code = "oma_already_in_use"
    message = _("OmaKaiku is already in use for this card.")
    http_status = 409


class OmaCardNotActive(DomainError):
    code = "oma_card_not_active"
    message = _("OmaKaiku can be started only for a registered card that is not "
                "inactivated.")


class EmailTaken(DomainError):
    code = "oma_email_taken"
    field = "email"
    message = _("This email address cannot be used. Use another address or leave it empty.")
