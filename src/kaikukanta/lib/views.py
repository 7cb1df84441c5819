"""The one way a page runs a service from a form: form → service → message → redirect.

Pages that run a service from a form without it, and why:
- the API-key page (`api.pages.key_organisation`) shows the new key once, in the answer
  to the POST itself: a redirect would have to carry the secret through the session;
- the desk's record form (`usage.views.desk_record`) answers with the desk page and the
  card's look-up (its status is 429 when look-ups are throttled); its form depends on
  that answer;
- the paper backfill form (`usage.views.backfill`) and the cost sharing page
  (`stats.views.costs`) would fit (redirect to a URL with the chosen site or year); they
  are left as they are while those pages are reshaped.
"""

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
    problems: Callable[[DomainError, dict], list[DomainError]] | None = None,
) -> HttpResponse:
    """When the posted form is valid, run `call(cleaned_data)` (a service). A domain error
    is shown on the form (one that says "not allowed" is a 403); `problems(error,
    cleaned_data)`, if given, names every error to show instead (e.g. every broken rule at
    once). On success the page shows `done` and redirects to `redirect_to` (a URL or URL
    name, or a tuple of a name and its arguments; either may be a function of the
    service's result). Otherwise the form is rendered with `template` and `context`."""
    if request.method == "POST" and form.is_valid():
        try:
            result = call(form.cleaned_data)
        except DomainError as error:
            if error.http_status == 403:
                raise PermissionDenied from error
            for problem in (problems(error, form.cleaned_data) if problems else None) or [error]:
                add_domain_error(form, problem)
        else:
            messages.success(request, done(result) if callable(done) else done)
            target = redirect_to(result) if callable(redirect_to) else redirect_to
            return redirect(*target) if isinstance(target, tuple) else redirect(target)
    return render(request, template, {"form": form, **(context or {})})
