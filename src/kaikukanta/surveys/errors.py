"""The rules of local surveys that input can break, each with a stable code."""

from django.utils.translation import gettext_lazy as _

from kaikukanta.lib.errors import DomainError


class SurveyTitleMissing(DomainError):
    code = "survey_title_missing"
    field = "title"
    message = _("Give the survey a title.")


class SurveyNoAudience(DomainError):
    code = "survey_no_audience"
    field = "audience"
    message = _("Choose whose staff the survey is for.")


class SurveyNotDraft(DomainError):
    code = "survey_not_draft"
    message = _("An opened survey can no longer be changed.")


class SurveyNotOpen(DomainError):
    code = "survey_not_open"
    message = _("This survey is not open.")


class SurveyClosed(DomainError):
    code = "survey_closed"
    message = _("This survey is closed and takes no more answers.")


class SurveyHasNoQuestions(DomainError):
    code = "survey_has_no_questions"
    message = _("Add at least one question before opening the survey.")


class SurveyTooManyQuestions(DomainError):
    code = "survey_too_many_questions"
    message = _("A survey can have at most %(max)s questions.")


class ClosingDateInvalid(DomainError):
    code = "survey_closing_date_invalid"
    field = "closes_on"
    message = _("The closing date must be between today and %(days)s days from today.")


class QuestionInvalid(DomainError):
    code = "survey_question_invalid"
    field = "text"
    message = _("Write the question (at most %(max)s characters).")


class OptionsInvalid(DomainError):
    code = "survey_options_invalid"
    field = "options"
    message = _("A choice question needs 2–%(max)s different options, one per line, each at "
                "most %(length)s characters.")


class AlreadyAnswered(DomainError):
    code = "survey_already_answered"
    message = _("You have already answered this survey. Thank you!")


class AnswerInvalid(DomainError):
    code = "survey_answer_invalid"
    message = _("Check this answer.")


class AnswerRequired(DomainError):
    code = "survey_answer_required"
    message = _("This question needs an answer.")


class AnswerEmpty(DomainError):
    code = "survey_answer_empty"
    message = _("Answer at least one question.")


class PackYearInvalid(DomainError):
    code = "pack_year_invalid"
    field = "year"
    message = _("Choose a year from 2000 to this year.")
