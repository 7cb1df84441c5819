"""Forms of the network pages; they parse input, the rules are in `network.services`."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaikukanta.geo.models import Municipality, WellbeingCounty
from kaikukanta.lib.forms import DateInput
from kaikukanta.network.models import AreaStatus, OrganisationKind, Sector, StepStatus


class AreaForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Municipalities"), queryset=Municipality.objects.order_by("name_fi"),
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("Hold Ctrl (or Cmd) to choose more than one."),
    )
    wellbeing_county = forms.ModelChoiceField(
        label=_("Wellbeing services county"), queryset=WellbeingCounty.objects.all(),
        required=False,
    )
    status = forms.ChoiceField(label=_("Status"), choices=AreaStatus.choices)
    status_since = forms.DateField(label=_("Status since"), widget=DateInput,
                                   initial=timezone.localdate)


class OperatingModelForm(forms.Form):
    version = forms.CharField(label=_("Version"), max_length=40)
    published_on = forms.DateField(label=_("Published"), widget=DateInput,
                                   initial=timezone.localdate)
    summary_fi = forms.CharField(label=_("Text in Finnish"), widget=forms.Textarea)
    summary_sv = forms.CharField(label=_("Text in Swedish"), widget=forms.Textarea,
                                 required=False)
    summary_en = forms.CharField(label=_("Text in English"), widget=forms.Textarea,
                                 required=False)


class OrganisationEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    contact_name = forms.CharField(label=_("Contact person"), max_length=120)
    contact_email = forms.EmailField(label=_("Contact person's work email"))
    contact_phone = forms.CharField(label=_("Contact person's work phone"), max_length=40,
                                    required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class OrganisationCreateForm(OrganisationEditForm):
    kind = forms.ChoiceField(label=_("Kind"))
    first_unit_name = forms.CharField(
        label=_("First unit or site"), max_length=200, required=False,
        help_text=_("Leave empty to use the organisation's name."),
    )
    first_unit_municipality = forms.ModelChoiceField(
        label=_("Municipality of the unit or site"), queryset=Municipality.objects.none(),
        required=False,
    )
    field_order = ["name", "kind", "sector", "contact_name", "contact_email", "contact_phone",
                   "first_unit_name", "first_unit_municipality"]

    def __init__(self, *args, kinds: list[str], area, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["is_active"]
        labels = dict(OrganisationKind.choices)
        self.fields["kind"].choices = [(k, labels[k]) for k in kinds]
        self.fields["first_unit_municipality"].queryset = area.municipalities.all()


class UnitForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    municipality = forms.ModelChoiceField(label=_("Municipality"),
                                          queryset=Municipality.objects.none(), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = area.municipalities.all()


class ChecklistStepForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=StepStatus.choices,
                               widget=forms.RadioSelect)
    on = forms.DateField(label=_("Date"), widget=DateInput, required=False)
    note = forms.CharField(
        label=_("Note"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A short note about the area's work. Never write about people."),
    )


class SellerLinkRequestForm(forms.Form):
    """A ticket seller asks to sell for a venue. Venue names are public (they are listed
    on every area's Kaikukortti pages), so every active venue can be chosen."""

    seller = forms.ModelChoiceField(label=_("Ticket seller"), queryset=None)
    venue = forms.ModelChoiceField(label=_("Venue"), queryset=None)

    def __init__(self, *args, sellers, venues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seller"].queryset = sellers
        self.fields["venue"].queryset = venues
        self.fields["venue"].label_from_instance = lambda o: f"{o.name} ({o.home_area})"
        if sellers.count() == 1:
            self.fields["seller"].initial = sellers.first()
