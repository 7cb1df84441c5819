"""The audit viewer's filter."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kaikukanta.audit.labels import action_label
from kaikukanta.lib.forms import DateInput


class AuditFilterForm(forms.Form):
    person = forms.ChoiceField(label=_("Person"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    date_from = forms.DateField(label=_("From"), widget=DateInput, required=False)
    date_to = forms.DateField(label=_("To"), widget=DateInput, required=False)

    def __init__(self, *args, people, actions, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        everyone = [("", _("All"))]
        self.fields["person"].choices = everyone + [(str(pk), label) for pk, label in people]
        self.fields["action"].choices = everyone + sorted(
            ((a, action_label(a)) for a in actions), key=lambda c: c[1])
        self.fields["organisation"].choices = everyone + [
            (str(pk), label) for pk, label in organisations]
