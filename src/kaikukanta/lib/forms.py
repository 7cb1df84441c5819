"""Form pieces every app's pages share: a date box, inputs written without the template
engine, and a service's error on the form."""

from __future__ import annotations

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from kaikukanta.lib.errors import DomainError


class DateInput(forms.DateInput):
    input_type = "date"


class QuickInputMixin:
    """An `<input>` written in Python: the very HTML of Django's `input.html` and
    `attrs.html` templates (the same attributes in the same order, escaped alike), without
    a template render per field. For the inputs of pages made on every request (the ticket
    desk's), where the template engine was a tenth of the page's time. The HTML around the
    value is kept per type, name and attributes when they are plain values (strings,
    numbers, booleans; a lazy translation or a safe string is written each time)."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)  # as Widget.get_context
        value = self.format_value(value)
        try:
            key = (self.input_type, name, tuple(final.items()))
            parts = _INPUTS.get(key) if all(type(v) in _PLAIN for v in final.values()) else None
        except TypeError:  # a value that is not hashable
            key, parts = None, None
        if parts is None:
            parts = _input_parts(self.input_type, name, final)
            if key is not None and all(type(v) in _PLAIN for v in final.values()):
                if len(_INPUTS) >= _INPUTS_MOST:
                    _INPUTS.clear()
                _INPUTS[key] = parts
        head, tail = parts
        if value is None:
            return mark_safe(head + tail)  # noqa: S308 - escaped by _input_parts
        return mark_safe(f'{head} value="{conditional_escape(value)}"{tail}')  # noqa: S308


_PLAIN = (str, int, bool)
_INPUTS: dict[tuple, tuple[str, str]] = {}
_INPUTS_MOST = 2_000


def _input_parts(input_type: str, name: str, attrs: dict) -> tuple[str, str]:
    """The input's HTML before its value and after it, escaped as the templates escape."""
    head = format_html('<input type="{}" name="{}"', input_type, name)
    tail = ""
    for key, val in attrs.items():
        if val is True:
            tail += format_html(" {}", key)
        elif val is not False:
            tail += format_html(' {}="{}"', key, val)
    return str(head), tail + ">"


class QuickTextInput(QuickInputMixin, forms.TextInput):
    pass


class QuickHiddenInput(QuickInputMixin, forms.HiddenInput):
    pass


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
