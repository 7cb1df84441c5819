"""The questionnaires as forms: radio buttons only (no free text)."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from kaikukanta.wellbeing.models import Channel
from kaikukanta.wellbeing.questions import (
    MOOD_AGAIN,
    MOOD_FACES,
    PARTICIPATION,
    WHO5_ITEMS,
    WHO5_SCALE,
)


class MeterForm(forms.Form):
    """The WHO-5 statements (required together) and the participation questions
    (each optional). Staff add the time point and how it was answered."""

    def __init__(self, *args, time_points: list[tuple[int, str]] | None = None,
                 staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if staff:
            self.fields["time_point"] = forms.TypedChoiceField(
                label=_("Time point"), choices=time_points or [], coerce=int,
                widget=forms.RadioSelect)
            self.fields["channel"] = forms.ChoiceField(
                label=_("How was it answered?"),
                choices=[(Channel.SCREEN.value, Channel.SCREEN.label),
                         (Channel.PAPER.value, Channel.PAPER.label)],
                widget=forms.RadioSelect)
            if time_points and len(time_points) == 1:
                self.fields["time_point"].initial = time_points[0][0]
        for key, label in WHO5_ITEMS:
            self.fields[key] = forms.TypedChoiceField(
                label=label, choices=WHO5_SCALE, coerce=int, widget=forms.RadioSelect)
        for key, question, choices in PARTICIPATION:
            self.fields[key] = forms.TypedChoiceField(
                label=question, choices=choices, coerce=int, required=False,
                empty_value=None, widget=forms.RadioSelect)

    def items(self) -> dict:
        return {k: self.cleaned_data[k] for k, _l in WHO5_ITEMS}

    def participation(self) -> dict:
        return {k: self.cleaned_data.get(k) for k, _q, _c in PARTICIPATION}


FACES = {5: "😀", 4: "🙂", 3: "😐", 2: "🙁", 1: "😞"}


class MoodForm(forms.Form):
    face = forms.TypedChoiceField(
        label=_("How was it?"), coerce=int, widget=forms.RadioSelect,
        choices=[(v, format_lazy("{} {}", FACES[v], label)) for v, label in MOOD_FACES])
    again = forms.ChoiceField(label=_("Would you go again? (you may leave this out)"),
                              choices=MOOD_AGAIN, required=False, widget=forms.RadioSelect)


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]
