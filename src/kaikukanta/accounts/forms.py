from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from kaikukanta.accounts.models import COORDINATOR_ROLES, LANGUAGE_CHOICES, Role
from kaikukanta.accounts.services import ROLE_FOR_KIND
from kaikukanta.network.models import OrganisationKind, Unit


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Work email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _("The email or password is wrong. Check both and try again."),
        "inactive": _("This account is not in use."),
    }


class SecondFactorCodeForm(forms.Form):
    """A code from the authenticator app (or, where allowed, a recovery code)."""

    code = forms.CharField(
        label=_("Code"), max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True,
                                      "autocapitalize": "none", "spellcheck": "false"}),
    )

    def __init__(self, *args, recovery: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        if recovery:
            field.help_text = _("The six digits your authenticator app shows for Kaikukanta, "
                                "or one of your recovery codes.")
        else:
            field.help_text = _("The six digits your authenticator app shows for Kaikukanta.")
            field.widget.attrs["inputmode"] = "numeric"


class InvitationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    email = forms.EmailField(label=_("Work email"))
    language = forms.ChoiceField(label=_("Language of the email"), choices=LANGUAGE_CHOICES)
    role = forms.ChoiceField(label=_("Role"))
    unit = forms.ModelChoiceField(label=_("Unit or site"), queryset=Unit.objects.none(),
                                  required=False)

    def __init__(self, *args, organisation=None, area=None, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Role.choices)
        if organisation is not None:
            role = ROLE_FOR_KIND[organisation.kind]
            self.fields["role"].choices = [(role, labels[role])]
            self.fields["unit"].queryset = organisation.units.filter(is_active=True)
            if organisation.kind == OrganisationKind.DISTRIBUTOR:
                self.fields["unit"].required = True
            elif organisation.kind == OrganisationKind.VENUE:
                self.fields["unit"].empty_label = _("All sites of the organisation")
            else:
                del self.fields["unit"]
        else:
            self.fields["role"].choices = [(r, labels[r]) for r in COORDINATOR_ROLES]
            del self.fields["unit"]


class AcceptForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=120)
    password1 = forms.CharField(label=_("New password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("New password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords are not the same."))
        return data
