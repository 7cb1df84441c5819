"""Errors of the ticket desk, offers and uploads. Card number errors (card_number_invalid,
card_check_character, card_unknown) live in `kaikukanta.cards.errors`."""

from django.utils.translation import gettext_lazy as _

from kaikukanta.lib.errors import DomainError


class LookupThrottled(DomainError):
    code = "lookup_throttled"
    field = "number"
    message = _("Too many unknown card numbers in a short time. Wait %(minutes)s minutes "
                "and check the number on the card.")
    http_status = 429


class UploadTooManyUnknown(DomainError):
    code = "upload_too_many_unknown"
    field = "file"
    message = _("More than %(few)s card numbers in the file are unknown, so the whole file "
                "was refused. The first %(few)s are listed; check the numbers against the "
                "cards and the paper forms.")


class CardExpired(DomainError):
    code = "card_expired"
    field = "number"
    message = _("The card expired on %(date)s. The holder can renew it where it was issued.")


class CardNotYetValid(DomainError):
    code = "card_not_yet_valid"
    field = "event_date"
    message = _("The card was registered on %(date)s, after the event date.")


class CardInactive(DomainError):
    code = "card_inactive"
    field = "number"
    message = _("The card has been inactivated since %(date)s and cannot be used.")


class CardReplaced(DomainError):
    code = "card_replaced"
    field = "number"
    message = _("The card has been replaced by card %(number)s. Ask for the new card.")


class EventDateInFuture(DomainError):
    code = "event_date_in_future"
    field = "event_date"
    message = _("The event date can be at most %(days)s days ahead.")


class EventDateTooOld(DomainError):
    code = "event_date_too_old"
    field = "event_date"
    message = _("Uses can be entered afterwards for at most %(days)s days.")


class TooManyChildren(DomainError):
    code = "too_many_children"
    field = "children"
    message = _("At most %(max)s children's tickets can be given with this card.")


class ChildrenNotAllowed(DomainError):
    code = "children_not_allowed"
    field = "children"
    message = _("Children's tickets are not given for this offer.")


class OfferCapReached(DomainError):
    code = "offer_cap_reached"
    field = "offer"
    message = _("The Kaikukortti tickets of this offer for this date are used up "
                "(%(left)s left, %(wanted)s asked).")
    http_status = 409


class AlreadyRecorded(DomainError):
    code = "already_recorded"
    field = "number"
    message = _("This card has already been recorded for this offer on this date.")
    http_status = 409


class OfferNotAvailable(DomainError):
    code = "offer_not_available"
    field = "offer"
    message = _("This offer is not available at this site on the event date.")


class CategoryRequired(DomainError):
    code = "category_required"
    field = "category"
    message = _("Choose an offer or a statistics category.")


class CancelWindowPassed(DomainError):
    code = "cancel_window_passed"
    message = _("A use can be cancelled only within %(days)s days of recording it.")


class AlreadyCancelled(DomainError):
    code = "already_cancelled"
    message = _("This use has already been cancelled.")
    http_status = 409


class OfferSiteMismatch(DomainError):
    code = "offer_site_mismatch"
    field = "site"
    message = _("The site must belong to the venue.")


class OfferPeriodInvalid(DomainError):
    code = "offer_period_invalid"
    field = "ends_on"
    message = _("The last day cannot be before the first day.")


class OfferStatusInvalid(DomainError):
    code = "offer_status_invalid"
    field = "status"
    message = _("Unknown offer status.")


class UploadUnreadable(DomainError):
    code = "upload_unreadable"
    field = "file"
    message = _("The file could not be read. Upload a CSV file or an Excel (XLSX) workbook.")


class UploadTooLarge(DomainError):
    code = "upload_too_large"
    field = "file"
    message = _("The file has more than %(max)s rows. Split it into smaller files.")


class UploadFileTooBig(DomainError):
    code = "upload_file_too_big"
    field = "file"
    message = _("The file is too big: at most %(mb)s MB and %(max)s rows (an Excel file "
                "also when unpacked). Split it into smaller files.")


class UploadEmpty(DomainError):
    code = "upload_empty"
    field = "file"
    message = _("The file has no rows.")


class RowInvalid(DomainError):
    code = "row_invalid"
    message = _("Check the row: %(detail)s")
