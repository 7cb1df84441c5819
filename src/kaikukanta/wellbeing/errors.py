"""The rules of the wellbeing and mood meters, each with a stable code."""

from django.utils.translation import gettext_lazy as _

from kaikukanta.lib.errors import DomainError


class AlreadyAnswered(DomainError):
    code = "wellbeing_already_answered"
    message = _("The questionnaire has already been answered for this card at this time "
                "point. An answer cannot be given twice or changed.")
    http_status = 409


class AnswerOutOfRange(DomainError):
    code = "wellbeing_out_of_range"
    message = _("An answer is outside the choices of the questionnaire: %(question)s.")


class AnswerIncomplete(DomainError):
    code = "wellbeing_incomplete"
    message = _("Answer all five wellbeing statements, or leave the questionnaire "
                "unanswered.")


class TimePointClosed(DomainError):
    code = "wellbeing_time_point_closed"
    message = _("This time point can no longer be answered: answers are taken within "
                "%(days)s days of the card's issue or renewal.")


class TimePointUnknown(DomainError):
    code = "wellbeing_time_point_unknown"
    field = "time_point"
    message = _("The card has no such time point (issue or renewal).")


class NotAPersonalCard(DomainError):
    code = "wellbeing_not_personal"
    message = _("The wellbeing meter is answered by holders of personal cards only.")


class MoodAlreadyAnswered(DomainError):
    code = "mood_already_answered"
    message = _("You have already told how this visit was. Thank you!")
    http_status = 409


class MoodOutOfRange(DomainError):
    code = "mood_out_of_range"
    message = _("Choose one of the faces.")


class MoodNotYours(DomainError):
    code = "mood_not_yours"
    message = _("This use was not found.")
    http_status = 404
