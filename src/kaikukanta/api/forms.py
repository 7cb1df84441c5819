from django import forms
from django.utils.translation import gettext_lazy as _


class ApiKeyForm(forms.Form):
    label = forms.CharField(
        label=_("Label"), max_length=100,
        help_text=_("For example the name of the ticket system that will use the key."),
    )
    access = forms.ChoiceField(
        label=_("Access"), widget=forms.RadioSelect, initial="read",
        choices=[("read", _("Read only (offers, uses, card look-ups)")),
                 ("write", _("Read and write (also record and cancel uses, register and "
                             "renew cards)"))],
    )
