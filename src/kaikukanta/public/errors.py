"""Errors of the public side, each with a stable code and a translated message."""

from django.utils.translation import gettext_lazy as _

from kaikukanta.lib.errors import DomainError


class FeedbackTooFast(DomainError):
    code = "public_feedback_rate_limited"
    http_status = 429
    message = _("Too many messages from your connection. Please try again in an hour.")


class FeedbackRejected(DomainError):
    code = "public_feedback_rejected"
    message = _("The message could not be sent. Please fill in only the visible fields "
                "and try again.")


class FeedbackEmpty(DomainError):
    code = "public_feedback_empty"
    field = "message"
    message = _("Write your feedback in the message field.")


class NotYourOffer(DomainError):
    code = "public_offer_not_yours"
    http_status = 403
    message = _("Only the venue's own staff may change its offers.")


class FeedbackNotSent(DomainError):
    code = "public_feedback_not_sent"
    http_status = 503
    message = _("The message could not be sent just now. Please try again later.")


class OpenDataRateLimited(DomainError):
    code = "public_rate_limited"
    http_status = 429
    message = _("Too many requests from your address. Try again in %(seconds)s seconds.")
