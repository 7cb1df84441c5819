"""Forms of the venue pages. They parse input; the rules are in `services`."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from kaikukanta.lib.forms import QuickHiddenInput, QuickTextInput
from kaikukanta.usage.models import Category, Offer, OfferStatus
from kaikukanta.usage.selectors import DeskOffers


class _Choices(BaseChoiceIterator):
    """Choices already in Django's form ((value, label) pairs, not nested) that no one
    changes: a field or widget given them takes them as they are, where a list would be
    normalized again for the field and again for its widget on every form."""

    def __init__(self, choices):
        self._choices = tuple(choices)

    def __iter__(self):
        return iter(self._choices)

    def __len__(self):
        return len(self._choices)

    def __copy__(self):  # a form's copy of its fields shares them
        return self

    def __deepcopy__(self, memo):
        return self


# the children's select's choices, 0..n, made once for each n
_CHILDREN: dict[int, _Choices] = {}


def _children_choices(most: int) -> _Choices:
    choices = _CHILDREN.get(most)
    if choices is None:
        choices = _CHILDREN[most] = _Choices((i, str(i)) for i in range(most + 1))
    return choices


class LookupForm(forms.Form):
    number = forms.CharField(
        label=_("Card number"), max_length=1200,  # or a scanned mobile-card token
        widget=QuickTextInput(attrs={
            "autofocus": True, "autocomplete": "off", "autocapitalize": "characters",
            "spellcheck": "false", "inputmode": "text", "enterkeyhint": "search",
            "class": "desk-number",
        }),
    )


class RecordForm(forms.Form):
    """One use. `number` and `token` are hidden: they come from the look-up."""

    number = forms.CharField(widget=QuickHiddenInput, max_length=40)
    token = forms.CharField(widget=QuickHiddenInput, max_length=80)
    offer = forms.ChoiceField(label=_("Offer"), required=False)
    category = forms.ChoiceField(
        label=_("Statistics category (general admission)"), required=False,
        choices=_Choices([("", "—"), *Category.choices]),
    )
    event_date = forms.DateField(label=_("Event date"),
                                 widget=forms.DateInput(attrs={"type": "date"},
                                                        format="%Y-%m-%d"))
    # A select of 0..the card's number; any number is accepted here so that the service's
    # rule (too_many_children) answers with its own message.
    children = forms.IntegerField(label=_("Children's tickets"), min_value=0, max_value=99,
                                  required=False, initial=0, widget=forms.Select)
    companion = forms.BooleanField(
        label=_("Companion ticket (assistant or interpreter, free)"), required=False)

    def __init__(self, *args, site, children_max: int = 0, community: bool = False,
                 backfill: bool = False, offers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if offers is None:  # the desk passes the site's offers once for its two forms
            offers = Offer.objects.filter(site=site, status=OfferStatus.ACTIVE)
        if not isinstance(offers, DeskOffers):
            offers = DeskOffers(offers)
        # the offers as they were made once for their version (`selectors.desk_offers`)
        self.offers = offers.by_pk
        self.fields["offer"].choices = _Choices(
            (("", _("General admission (choose category)")), *offers.titles()))
        if community:
            self.fields["children"].label = _("Accompanying clients under 16")
        self.fields["children"].widget.choices = _children_choices(children_max)
        if not backfill:
            self.fields["event_date"].initial = timezone.localdate()
        if backfill:
            self.fields["number"] = forms.CharField(
                label=_("Card number"), max_length=40,
                widget=forms.TextInput(attrs={"autocomplete": "off",
                                              "autocapitalize": "characters"}))
            self.fields["children"] = forms.IntegerField(label=_("Children's tickets"),
                                                         min_value=0, max_value=99,
                                                         initial=0, required=False)
            self.order_fields(["number"])

    def clean_offer(self):
        value = self.cleaned_data.get("offer") or ""
        return self.offers.get(value)


class CancelForm(forms.Form):
    pass


class UseFilterForm(forms.Form):
    site = forms.ChoiceField(label=_("Site"), required=False)
    offer = forms.ChoiceField(label=_("Offer"), required=False)
    date_from = forms.DateField(label=_("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, sites, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [("", _("All"))] + [(str(s.pk), str(s)) for s in sites]
        self.fields["offer"].choices = [("", _("All"))] + [(str(o.pk), o.title) for o in offers]


class OfferForm(forms.ModelForm):
    class Meta:
        model = Offer
        fields = ["site", "title_fi", "title_sv", "title_en", "category", "kind", "starts_on",
                  "ends_on", "children_allowed", "cap_per_date", "restrictions"]
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"children_allowed": _("Never for courses.")}

    def __init__(self, *args, venue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = venue.units.filter(is_active=True)

    def _post_clean(self):
        # The service validates and saves; skip the model's own full_clean here.
        pass


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_("Columns: card number, event date, offer number or category, "
                    "children's tickets."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):
        from kaikukanta.usage.imports import MAX_FILE_BYTES, too_big

        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:  # refused before it is read
            raise forms.ValidationError(str(too_big()))
        return upload
