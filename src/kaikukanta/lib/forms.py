"""Form pieces every app's pages share: a date box, and a service's error on the form."""

from __future__ import annotations

from django import forms

from kaikukanta.lib.errors import DomainError


class DateInput(forms.DateInput):
    input_type = "date"


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's domain error on the field it concerns (a form may rename fields in
    `domain_error_fields`), or above the form when it has no such visible field. A form may
    first react to the error in `before_domain_error(error)` (for example show a box that
    confirms what the error asks about)."""
    if hasattr(form, "before_domain_error"):
        form.before_domain_error(error)
    field = getattr(form, "domain_error_fields", {}).get(error.field, error.field)
    if field not in form.fields or form.fields[field].widget.is_hidden:
        field = None
    form.add_error(field, str(error))
