"""The audit viewer: what was done in the areas (and on the side) a coordinator runs;
the national team sees everything. Never a cardholder's details."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kaikukanta.accounts.models import User
from kaikukanta.audit.forms import AuditFilterForm
from kaikukanta.audit.labels import action_label, readable_changes
from kaikukanta.audit.models import AuditEntry
from kaikukanta.cards.models import HOLDER_FIELDS
from kaikukanta.network.selectors import managed_organisations

# Cardholder fields (the one list is cards.models.HOLDER_FIELDS) are never shown, even if
# an entry were ever written with one, nor anything that would identify a person. A
# municipality and a number of children describe units and offers too: they are hidden on
# card and use entries only, where they would describe the holder.
IDENTIFYING = {"date_of_birth", "address", "phone"}
HIDDEN = (set(HOLDER_FIELDS) - {"municipality", "children"}) | IDENTIFYING
CARD_HIDDEN = set(HOLDER_FIELDS) | IDENTIFYING | {"name"}


def _shown_changes(entry: AuditEntry) -> dict:
    hidden = CARD_HIDDEN if entry.target_type.startswith(("cards.", "usage.")) else HIDDEN
    return {k: v for k, v in (entry.changes or {}).items() if k not in hidden}


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    if not (request.scope.is_national or request.scope.is_coordinator):
        raise PermissionDenied
    entries = AuditEntry.objects.for_scope(request.scope)
    people = (User.objects.filter(pk__in=entries.values("actor_id"))
              .values_list("pk", "name").order_by("name"))
    actions = entries.order_by("action").values_list("action", flat=True).distinct()
    organisations = (managed_organisations(request.scope)
                     .filter(pk__in=entries.values("organisation_id"))
                     .values_list("pk", "name").order_by("name"))
    form = AuditFilterForm(request.GET or None, people=list(people), actions=list(actions),
                           organisations=list(organisations))
    if form.is_valid():
        data = form.cleaned_data
        if data["person"]:
            entries = entries.filter(actor_id=data["person"])
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["organisation"]:
            entries = entries.filter(organisation_id=data["organisation"])
        if data["date_from"]:
            entries = entries.filter(at__date__gte=data["date_from"])
        if data["date_to"]:
            entries = entries.filter(at__date__lte=data["date_to"])
    page = Paginator(entries.select_related("actor", "area", "organisation"), 50).get_page(
        request.GET.get("page"))
    for entry in page:
        entry.action_text = action_label(entry.action)
        entry.change_lines = readable_changes(_shown_changes(entry))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/audit_list.html", {
        "form": form, "page": page, "query": query.urlencode()})
