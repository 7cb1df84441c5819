"""Forms only parse input; the rules are in `cards.services` (their errors are shown on
the field they concern)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kaikukanta.cards.models import Gender, InactiveReason, LifeSituation, PreferredLanguage


def _optional_choices(choices):
    return [("", _("Not entered"))] + list(choices)


class NumberInput(forms.TextInput):
    """A card number box: no autocorrect or autofill, big letters, works with a USB
    scanner (it types like a keyboard) and with the phone's keyboard."""

    def __init__(self, attrs=None):
        base = {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                "inputmode": "text", "class": "card-number", "maxlength": "20",
                "data-scan": _("Read with the camera")}
        super().__init__({**base, **(attrs or {})})


def number_field(**kwargs) -> forms.CharField:
    return forms.CharField(
        label=kwargs.pop("label", _("Card number")), max_length=20,
        widget=NumberInput(kwargs.pop("attrs", None)), **kwargs,
    )


class HolderFieldsMixin(forms.Form):
    children = forms.IntegerField(
        label=_("Children under 18"),
        help_text=_("Own or same-household children and grandchildren under 18."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    gender = forms.ChoiceField(label=_("Gender"), required=False,
                               choices=_optional_choices(Gender.choices),
                               widget=forms.RadioSelect)
    life_situation = forms.ChoiceField(label=_("Life situation"), required=False,
                                       choices=_optional_choices(LifeSituation.choices))
    preferred_language = forms.ChoiceField(label=_("Preferred language"), required=False,
                                           choices=_optional_choices(PreferredLanguage.choices),
                                           widget=forms.RadioSelect)


class RegisterForm(HolderFieldsMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, empty_label=None)
    number = number_field(
        help_text=_("Type or scan the number on the card. For a mobile-only card type X."),
        attrs={"autofocus": True},
    )
    birth_year = forms.IntegerField(label=_("Birth year"),
                                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    postal_code = forms.CharField(label=_("Postal code of residence"), max_length=10,
                                  help_text=_("Abroad: the local format, e.g. SE-953 33."),
                                  widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                                "autocomplete": "off"}))
    issued_on = forms.DateField(
        label=_("Date on the paper form"), required=False,
        help_text=_("Only when entering a paper form filled in earlier (up to 60 days)."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    field_order = ["unit", "number", "birth_year", "postal_code", "children", "gender",
                   "life_situation", "preferred_language", "issued_on"]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if len(units) == 1:
            self.fields["unit"].widget = forms.HiddenInput()
            self.fields["unit"].initial = units[0].pk


class CommunityCardForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, empty_label=None)
    number = number_field(
        required=False, attrs={"autofocus": True},
        help_text=_("The number of a printed community card. Leave empty (or type Z) for a "
                    "mobile-only community card."),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if len(units) == 1:
            self.fields["unit"].widget = forms.HiddenInput()
            self.fields["unit"].initial = units[0].pk


class UpdateForm(HolderFieldsMixin, forms.Form):
    pass


class RenewForm(forms.Form):
    confirmed = forms.BooleanField(
        label=_("I have checked the holder's data with the holder."), required=True,
    )
    on = forms.DateField(
        label=_("Date of renewal on a paper form"), required=False,
        help_text=_("Leave empty to renew today."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    early = forms.BooleanField(
        label=_("Renew anyway, although the card is still valid for a long time"),
        required=False, widget=forms.HiddenInput)

    def before_domain_error(self, error) -> None:
        """A card still valid for long: the box to renew anyway appears with the warning."""
        if error.code == "card_renewal_early":
            self.fields["early"].widget = forms.CheckboxInput()


class CorrectForm(forms.Form):
    birth_year = forms.IntegerField(label=_("Birth year"),
                                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    postal_code = forms.CharField(label=_("Postal code of residence"), max_length=10,
                                  widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                                "autocomplete": "off"}))


class InactivateForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"), widget=forms.RadioSelect,
        choices=[c for c in InactiveReason.choices if c[0] != InactiveReason.REPLACED],
    )


class ReplaceForm(forms.Form):
    new_number = number_field(label=_("Number of the new card"), attrs={"autofocus": True})
    reason = forms.ChoiceField(
        label=_("Why is the card replaced?"), widget=forms.RadioSelect,
        initial=InactiveReason.LOST,
        choices=[c for c in InactiveReason.choices if c[0] != InactiveReason.REPLACED],
    )

    # the services name the number "number"; here it is the new card's
    domain_error_fields = {"number": "new_number"}


class MoveForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("New unit"), queryset=None)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class BatchForm(forms.Form):
    area = forms.ModelChoiceField(label=_("Area"), queryset=None, empty_label=None)
    count = forms.IntegerField(label=_("Number of cards"),
                               widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    kind = forms.ChoiceField(label=_("Card kind"), widget=forms.RadioSelect)

    def __init__(self, *args, areas, **kwargs):
        from kaikukanta.cards.models import CardKind

        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["kind"].choices = CardKind.choices
        self.fields["kind"].initial = CardKind.PERSONAL


class VoidForm(forms.Form):
    confirmed = forms.BooleanField(
        label=_("This number must never be registered (for example the card was misprinted "
                "or lost before it was handed out)."),
        required=True,
    )


class FindNumberForm(forms.Form):
    number = number_field(label=_("Find a number"), required=False)
