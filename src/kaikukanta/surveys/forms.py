"""The forms of local surveys: they parse input; the rules are in `services`."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaikukanta.lib.forms import DateInput
from kaikukanta.lib.roles import OrganisationKind
from kaikukanta.surveys.models import (
    AUDIENCE_FIELDS,
    INTRO_MAX,
    QUESTION_MAX,
    SCALE,
    TEXT_ANSWER_MAX,
    TITLE_MAX,
    QuestionKind,
)

NO_CLIENTS = _("Write about your work only: nothing about clients or other people, no "
               "names or other details by which someone could be recognised.")


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    intro = forms.CharField(label=_("Introduction"), max_length=INTRO_MAX, required=False,
                            widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("What the survey is for and how the results are "
                                        "used. Shown above the questions."))
    audience = forms.MultipleChoiceField(
        label=_("Whose staff is asked"), choices=OrganisationKind.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The staff of your area's organisations of these kinds."))

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        if areas is not None:
            self.fields = {"area": forms.ModelChoiceField(
                label=_("Area"), queryset=areas, empty_label=None), **self.fields}

    @staticmethod
    def initial_for(survey) -> dict:
        return {"title": survey.title, "intro": survey.intro,
                "audience": [k for k in AUDIENCE_FIELDS if survey.addresses(k)]}

    def service_fields(self) -> dict:
        d = self.cleaned_data
        return {"title": d["title"], "intro": d["intro"],
                **{f: k in d["audience"] for k, f in AUDIENCE_FIELDS.items()}}


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of question"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question"), max_length=QUESTION_MAX)
    options = forms.CharField(
        label=_("Options"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For a single choice: 2–10 options, one per line."))
    required = forms.BooleanField(label=_("An answer is required"), required=False)

    def option_list(self) -> list[str]:
        return self.cleaned_data["options"].splitlines()


class OpenForm(forms.Form):
    closes_on = forms.DateField(label=_("Open through"), widget=DateInput)
    notify = forms.BooleanField(
        label=_("Email the staff the survey asks"), required=False,
        help_text=_("Each active staff member of the organisations gets an email in their "
                    "own language with a link to the survey."))


class AnswerForm(forms.Form):
    """One field per question, named q<id>; a scale or choice is a set of radio buttons."""

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(survey.questions.all())
        for q in self.questions:
            name = f"q{q.pk}"
            if q.kind == QuestionKind.SCALE:
                self.fields[name] = forms.TypedChoiceField(
                    label=q.text, required=q.required, coerce=int, empty_value=None,
                    choices=[(v, str(v)) for v in SCALE], widget=forms.RadioSelect,
                    help_text=_("1 = not at all, 5 = very much"))
            elif q.kind == QuestionKind.CHOICE:
                self.fields[name] = forms.TypedChoiceField(
                    label=q.text, required=q.required, coerce=int, empty_value=None,
                    choices=list(enumerate(q.options)), widget=forms.RadioSelect)
            else:
                self.fields[name] = forms.CharField(
                    label=q.text, required=q.required, max_length=TEXT_ANSWER_MAX,
                    widget=forms.Textarea(attrs={"rows": 3}), help_text=NO_CLIENTS)

    def answers(self) -> dict[int, object]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}


class PackForm(forms.Form):
    area = forms.ModelChoiceField(label=_("Area"), queryset=None, empty_label=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000)
    with_messages = forms.BooleanField(
        label=_("Include the latest feedback messages (shortened)"), required=False,
        help_text=_("Read them first: a message may name a person. Reply addresses are "
                    "never included."))

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        this_year = timezone.localdate().year
        self.fields["year"].max_value = this_year
        self.fields["year"].validators.append(MaxValueValidator(this_year))
        self.fields["year"].widget.attrs["max"] = this_year
