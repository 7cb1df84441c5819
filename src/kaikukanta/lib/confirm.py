"""Asking before an action that cannot simply be undone (cancelling a use, deactivating a
person, rejecting a ticket seller's link).

The list's button posts the action without `confirm`; the view then answers with a page
that names exactly what is affected and posts the same fields again with `confirm=1`.
Works without JavaScript; nothing changes until the second post.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def confirmed(request: HttpRequest) -> bool:
    return request.POST.get("confirm") == "1"


def ask(request: HttpRequest, *, title: str, question: str, facts: list[tuple[str, str]],
        button: str, back_url: str) -> HttpResponse:
    """The confirmation page: `facts` (label, value) say what is affected; the posted
    fields go along again with confirm=1."""
    fields = [(k, v) for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken",
                                                                   "confirm")]
    return render(request, "confirm.html", {
        "title": title, "question": question, "facts": facts, "button": button,
        "back_url": back_url, "fields": fields, "action": request.path,
    })
