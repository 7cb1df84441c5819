"""The one way a page runs a service from a form: form → service → message → redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kaikukanta.lib.errors import DomainError
from kaikukanta.lib.forms import add_domain_error


def form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    call: Callable[[dict], Any],
    done: str | Callable[[Any], str],
    redirect_to: str | tuple | Callable[[Any], str | tuple],
    template: str = "form.html",
    context: dict | None = None,
) -> HttpResponse:
    """When the posted form is valid, run `call(cleaned_data)` (a service). A domain error
    is shown on the form (one that says "not allowed" is a 403); on success the page shows
    `done` and redirects to `redirect_to` (a URL or URL name, or a tuple of a name and its
    arguments; either may be a function of the service's result). Otherwise the form is
    rendered with `template` and `context`."""
    if request.method == "POST" and form.is_valid():
        try:
            result = call(form.cleaned_data)
        except DomainError as error:
            if error.http_status == 403:
                raise PermissionDenied from error
            add_domain_error(form, error)
        else:
            messages.success(request, done(result) if callable(done) else done)
            target = redirect_to(result) if callable(redirect_to) else redirect_to
            return redirect(*target) if isinstance(target, tuple) else redirect(target)
    return render(request, template, {"form": form, **(context or {})})
