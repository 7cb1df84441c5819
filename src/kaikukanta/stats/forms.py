from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from kaikukanta.stats.scopes import Period


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            from kaikukanta.stats.errors import PeriodInvalid

            try:
                data["period"] = Period.make(start, end)
            except PeriodInvalid as exc:
                raise forms.ValidationError(str(exc)) from exc
        return data


def period_from(params, today: datetime.date) -> tuple[Period, PeriodForm]:
    """The period asked for (?start=&end= or ?year=), or this year so far."""
    from kaikukanta.stats.scopes import default_period

    year = params.get("year", "")
    if year.isdigit() and 2000 <= int(year) <= 2100:
        period = Period.year(int(year))
        return period, PeriodForm(initial={"start": period.start, "end": period.end})
    if "start" in params or "end" in params:
        form = PeriodForm(params)
        if form.is_valid():
            return form.cleaned_data["period"], form
        return default_period(today), form
    period = default_period(today)
    return period, PeriodForm(initial={"start": period.start, "end": period.end})


class YearsForm(forms.Form):
    first = forms.IntegerField(label=_("From year"), min_value=2015, max_value=2100)
    last = forms.IntegerField(label=_("To year"), min_value=2015, max_value=2100)

    def clean(self):
        data = super().clean()
        if data.get("first") and data.get("last") and not (
            0 <= data["last"] - data["first"] <= 15
        ):
            raise forms.ValidationError(_("Choose at most 16 years, the first one first."))
        return data


class CommaDecimalField(forms.DecimalField):
    """A euro amount typed the Finnish way (0,0105 or 1 371,50) or the English way
    (0.0105 or 1,371.50): spaces group, and a comma is the decimal separator unless the
    figure also has a point."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.split()).replace("\u202f", "")
            value = value.replace(",", "") if "." in value else value.replace(",", ".")
        return super().to_python(value)


class CostShareForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2015, max_value=2100)
    rate_per_resident = CommaDecimalField(
        label=_("Rate per resident (€)"), required=False, min_value=0, max_digits=10,
        decimal_places=6, help_text=_("For example 0,0105. Leave empty to divide a total."),
    )
    total = CommaDecimalField(label=_("Total to divide (€)"), required=False, min_value=0,
                              max_digits=12, decimal_places=2)
    population_year = forms.IntegerField(label=_("Population year"), min_value=2000,
                                         max_value=2100)
    confirm = forms.BooleanField(
        label=_("The figure is right: save it even though it is far from the previous year's"),
        required=False, widget=forms.HiddenInput)
