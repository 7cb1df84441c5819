"""Errors about card numbers, card stock and cards, shared by the registry, the desk and
the API. Each rule the card services enforce has its own class and stable code."""

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


# --- card stock ---


class CardAlreadyRegistered(DomainError):
    code = "card_already_registered"
    field = "number"
    message = _("This card number is already registered. Find the card instead.")
    http_status = 409


class CardVoided(DomainError):
    code = "card_voided"
    field = "number"
    message = _("This card number has been voided and cannot be used.")


class CardWrongKind(DomainError):
    code = "card_wrong_kind"
    field = "number"
    message = _(
        "This number is for another kind of card (%(kind)s). Use a number from the right "
        "stock."
    )


class BatchSizeInvalid(DomainError):
    code = "card_batch_size_invalid"
    field = "count"
    message = _("A batch has from 1 to %(max)s cards.")


class NumbersExhausted(DomainError):
    code = "card_numbers_exhausted"
    message = _("No free card numbers could be made. Try again.")
    http_status = 503


# --- holder facts ---


class BirthYearInvalid(DomainError):
    code = "card_birth_year_invalid"
    field = "birth_year"
    message = _("Check the birth year: it must be between %(oldest)s and %(youngest)s.")


class HolderTooYoung(DomainError):
    code = "card_holder_too_young"
    field = "birth_year"
    message = _(
        "The holder must be at least 16 or turn 16 this year (born in %(youngest)s or "
        "earlier)."
    )


class PostalCodeInvalid(DomainError):
    code = "card_postal_code_invalid"
    field = "postal_code"
    message = _("A postal code has five digits, for example 02100.")


class PostalCodeUnknown(DomainError):
    code = "card_postal_code_unknown"
    field = "postal_code"
    message = _("Postal code %(code)s does not exist. Check the postal code.")


class MunicipalityOutsideNetwork(DomainError):
    code = "card_municipality_outside_network"
    field = "postal_code"
    message = _(
        "%(municipality)s is not part of an active Kaikukortti area, so its residents "
        "cannot get a card."
    )


class ChildrenInvalid(DomainError):
    code = "card_children_invalid"
    field = "children"
    message = _("The number of children must be from 0 to %(max)s.")


class ChoiceInvalid(DomainError):
    code = "card_choice_invalid"
    message = _("Choose one of the options.")


# --- dates ---


class IssueDateInFuture(DomainError):
    code = "card_date_in_future"
    field = "issued_on"
    message = _("The date cannot be in the future.")


class IssueDateTooOld(DomainError):
    code = "card_date_too_old"
    field = "issued_on"
    message = _("A paper form can be entered up to %(days)s days after the date on it.")


# --- lifecycle ---


class CardNotActive(DomainError):
    code = "card_not_active"
    message = _("This card is not active, so it cannot be changed this way.")
    http_status = 409


class CardAlreadyReplaced(DomainError):
    code = "card_already_replaced"
    message = _("This card has already been replaced by card %(number)s.")
    http_status = 409


class InactiveReasonInvalid(DomainError):
    code = "card_inactive_reason_invalid"
    field = "reason"
    message = _("Choose a reason.")


class CardMoveInvalid(DomainError):
    code = "card_move_invalid"
    field = "unit"
    message = _("Choose another active distributor unit.")


class CardNotInStock(DomainError):
    code = "card_not_in_stock"
    message = _("Only an unused number in card stock can be voided.")
    http_status = 409


class CardRenewalEarly(DomainError):
    code = "card_renewal_early"
    field = "early"
    message = _("The card is still valid until %(valid_until)s. Renewing now gives it a year "
                "from today and nothing more: confirm if you mean to renew it anyway.")


class CardCorrectionTooLate(DomainError):
    code = "card_correction_too_late"
    message = _("The birth year and postal code can be corrected only within %(days)s days "
                "of registration.")
    http_status = 409
