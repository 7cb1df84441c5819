"""Forms of OmaKaiku (holder side) and of starting it (staff side)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kaikukanta.oma import services

_NUMBER_ATTRS = {"autocomplete": "username", "autocapitalize": "characters",
                 "spellcheck": "false", "class": "oma-number"}


class StartForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the slip"), choices=settings.LANGUAGES)


class CodeForm(forms.Form):
    number = forms.CharField(label=_("Card number"), max_length=20,
                             widget=forms.TextInput(attrs=_NUMBER_ATTRS),
                             help_text=_("On your card or on the paper you got, for example "
                                         "K7M4-9QX2."))
    code = forms.CharField(label=_("Code"), max_length=20,
                           widget=forms.TextInput(attrs={
                               "autocomplete": "one-time-code", "autocapitalize": "characters",
                               "spellcheck": "false", "class": "oma-number"}),
                           help_text=_("Ten letters and numbers from the paper."))


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=_("New password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters. A few words in a row are easy to remember."))
    email = forms.EmailField(
        label=_("Email address (not needed)"), required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Only if you want sign-in links and a reminder before your card "
                    "expires. Staff never see it."))

    def clean_password(self):
        password = self.cleaned_data["password"]
        try:
            services.check_new_password(password)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc
        return password


class SignInForm(forms.Form):
    number = forms.CharField(label=_("Card number"), max_length=20,
                             widget=forms.TextInput(attrs=_NUMBER_ATTRS))
    password = forms.CharField(label=_("Password"), strip=False, max_length=200,
                               widget=forms.PasswordInput(
                                   attrs={"autocomplete": "current-password"}))


class EmailForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                             help_text=_("Leave empty to remove it."))
    reminders = forms.BooleanField(
        label=_("Remind me by email a month before my card expires"), required=False)


class EmailLinkForm(forms.Form):
    email = forms.EmailField(label=_("Email address"),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class OfferFilterForm(forms.Form):
    where = forms.ChoiceField(label=_("Where"), required=False)
    category = forms.ChoiceField(label=_("Kind of offer"), required=False)
    children = forms.BooleanField(label=_("Tickets for children too"), required=False)
    q = forms.CharField(label=_("Search words"), required=False, max_length=100)

    def __init__(self, *args, where_choices, category_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["where"].choices = where_choices
        self.fields["category"].choices = [("", _("All kinds")), *category_choices]
