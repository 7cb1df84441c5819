"""Inputs written without the template engine (lib/forms.py) give Django's own HTML."""

from __future__ import annotations

import pytest
from django import forms
from django.utils.safestring import mark_safe

from kaikukanta.lib.forms import QuickHiddenInput, QuickTextInput
from kaikukanta.usage.forms import LookupForm, RecordForm

ATTRS = [
    {},
    {"autofocus": True, "autocomplete": "off", "spellcheck": "false", "maxlength": 1200,
     "class": "desk-number", "required": True, "disabled": False},
    {"aria-describedby": "a b", "data-x": '"><script>', "id": "id_<x>"},
]
VALUES = [None, "", "ABCD-1234", 'x"><script>alert(1)</script>', mark_safe("<b>"), 0, 12]


@pytest.mark.parametrize(("quick", "django"), [(QuickTextInput, forms.TextInput),
                                               (QuickHiddenInput, forms.HiddenInput)])
@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", VALUES)
def test_same_html_as_djangos_template(quick, django, attrs, value):
    expected = django(attrs=dict(attrs)).render("number", value, attrs={"id": "id_number"})
    got = quick(attrs=dict(attrs)).render("number", value, attrs={"id": "id_number"})
    assert got == expected
    assert "<script>" not in got


def test_the_desk_forms_render_as_before():
    """The desk's look-up and record forms through their bound fields (the template's
    path), bound and unbound, with the view's extra attributes."""
    lookup = LookupForm({"number": 'AB"CD'})
    lookup.fields["number"].widget.attrs["aria-invalid"] = "true"
    plain = LookupForm({"number": 'AB"CD'})
    plain.fields["number"].widget = forms.TextInput(attrs=dict(
        lookup.fields["number"].widget.attrs))
    assert str(lookup["number"]) == str(plain["number"])
    assert 'value="AB&quot;CD"' in str(lookup["number"])
    record = RecordForm(site=None, offers=[], initial={"number": "X-1", "token": "t"})
    plain = RecordForm(site=None, offers=[], initial={"number": "X-1", "token": "t"})
    for name in ("number", "token"):
        plain.fields[name].widget = forms.HiddenInput()
    assert [str(f) for f in record.hidden_fields()] == [str(f) for f in plain.hidden_fields()]
    assert str(record["number"]) == '<input type="hidden" name="number" value="X-1" id="id_number">'
