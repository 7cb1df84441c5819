from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaikukanta.accounts.models import COORDINATOR_ROLES, Role
from kaikukanta.audit.labels import action_label
from kaikukanta.coordination.models import LANGUAGE_CHOICES, StepStatus
from kaikukanta.geo.models import Municipality, WellbeingCounty
from kaikukanta.network.models import AreaStatus, OrganisationKind, Sector, Unit


class DateInput(forms.DateInput):
    input_type = "date"


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
            from kaikukanta.coordination.services import ROLE_FOR_KIND

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


class ChecklistStepForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=StepStatus.choices,
                               widget=forms.RadioSelect)
    on = forms.DateField(label=_("Date"), widget=DateInput, required=False)
    note = forms.CharField(
        label=_("Note"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A short note about the area's work. Never write about people."),
    )


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


COORDINATOR_ROLE_VALUES = set(COORDINATOR_ROLES)


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
