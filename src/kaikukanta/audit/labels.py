"""The audit log as people read it: translated action names and readable changes.

Entries keep stable machine codes (`use.recorded`) and raw change values; the page shows
`action_label(code)` and `readable_changes(changes)` ("Status: Trial → Permanent",
"Companion: no"). A code without a label here is shown as it is, so nothing is hidden.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaikukanta.lib import formatting

ACTIONS = {
    "api_key.created": gettext_lazy("API key created"),
    "api_key.revoked": gettext_lazy("API key revoked"),
    "area.created": gettext_lazy("Area created"),
    "area.updated": gettext_lazy("Area changed"),
    "card.registered": gettext_lazy("Card registered"),
    "card.renewed": gettext_lazy("Card renewed"),
    "card.updated": gettext_lazy("Card details changed"),
    "card.corrected": gettext_lazy("Card details corrected"),
    "card.inactivated": gettext_lazy("Card inactivated"),
    "card.replaced": gettext_lazy("Card replaced"),
    "card.moved": gettext_lazy("Card moved to another unit"),
    "card.voided": gettext_lazy("Card voided"),
    "card_batch.created": gettext_lazy("Card stock created"),
    "checklist.updated": gettext_lazy("Checklist updated"),
    "commitment.acknowledged": gettext_lazy("Commitment acknowledged"),
    "distributor.flagged_for_review": gettext_lazy("Distributor flagged for review"),
    "distributor.reviewed": gettext_lazy("Distributor reviewed"),
    "invitation.sent": gettext_lazy("Invitation sent"),
    "invitation.resent": gettext_lazy("Invitation sent again"),
    "invitation.revoked": gettext_lazy("Invitation revoked"),
    "invitation.accepted": gettext_lazy("Invitation accepted"),
    "offer.created": gettext_lazy("Offer created"),
    "offer.updated": gettext_lazy("Offer changed"),
    "offer.status_changed": gettext_lazy("Offer status changed"),
    "operating_model.published": gettext_lazy("Operating model published"),
    "organisation.created": gettext_lazy("Organisation created"),
    "organisation.updated": gettext_lazy("Organisation changed"),
    "organisation.activated": gettext_lazy("Organisation activated"),
    "organisation.deactivated": gettext_lazy("Organisation deactivated"),
    "second_factor.enrolled": gettext_lazy("Second factor set up"),
    "second_factor.recovery_code_used": gettext_lazy("Recovery code used"),
    "second_factor.removed": gettext_lazy("Second factor removed"),
    "second_factor.reset": gettext_lazy("Recovery codes renewed"),
    "seller_link.requested": gettext_lazy("Ticket seller asked for a link"),
    "seller_link.approved": gettext_lazy("Ticket seller link approved"),
    "seller_link.rejected": gettext_lazy("Ticket seller link rejected"),
    "signin.unlocked": gettext_lazy("Locked sign-in opened"),
    "stats.cost_share_saved": gettext_lazy("Cost sharing saved"),
    "unit.created": gettext_lazy("Unit created"),
    "unit.updated": gettext_lazy("Unit changed"),
    "use.recorded": gettext_lazy("Use recorded"),
    "use.cancelled": gettext_lazy("Use cancelled"),
    "user.activated": gettext_lazy("Person activated"),
    "user.deactivated": gettext_lazy("Person deactivated"),
}

FIELDS = {
    "birth_year": gettext_lazy("Birth year"),
    "can_write": gettext_lazy("May write"),
    "cap_per_date": gettext_lazy("Cap per date"),
    "card": gettext_lazy("Card"),
    "category": gettext_lazy("Category"),
    "changed": gettext_lazy("Changed"),
    "children": gettext_lazy("Children's tickets"),
    "companion": gettext_lazy("Companion"),
    "ends_on": gettext_lazy("Ends on"),
    "event_date": gettext_lazy("Event date"),
    "invitations_revoked": gettext_lazy("Invitations revoked"),
    "issued_on": gettext_lazy("Issued on"),
    "kind": gettext_lazy("Kind"),
    "label": gettext_lazy("Label"),
    "municipalities": gettext_lazy("Municipalities"),
    "name": gettext_lazy("Name"),
    "new_account": gettext_lazy("New account"),
    "note_changed": gettext_lazy("Note changed"),
    "number": gettext_lazy("Card number"),
    "offer": gettext_lazy("Offer"),
    "population_year": gettext_lazy("Population year"),
    "postal_code": gettext_lazy("Postal code"),
    "prefix": gettext_lazy("Key prefix"),
    "rate_per_resident": gettext_lazy("Rate per resident (€)"),
    "reason": gettext_lazy("Reason"),
    "renewed_on": gettext_lazy("Renewed on"),
    "replaces": gettext_lazy("Replaces"),
    "role": gettext_lazy("Role"),
    "sector": gettext_lazy("Sector"),
    "seller": gettext_lazy("Ticket seller"),
    "site": gettext_lazy("Site"),
    "size": gettext_lazy("Number of cards"),
    "starts_on": gettext_lazy("Starts on"),
    "status": gettext_lazy("Status"),
    "step": gettext_lazy("Step"),
    "title": gettext_lazy("Title"),
    "total": gettext_lazy("Total (€)"),
    "unit": gettext_lazy("Unit"),
    "valid_until": gettext_lazy("Valid until"),
    "version": gettext_lazy("Version"),
    "year": gettext_lazy("Year"),
}

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def action_label(code: str) -> str:
    label = ACTIONS.get(code)
    return str(label) if label is not None else code


def field_label(key: str) -> str:
    label = FIELDS.get(key)
    return str(label) if label is not None else key.replace("_", " ").capitalize()


def value_text(value: Any) -> str:
    """One recorded value as text: yes/no, "–" for nothing, dates and numbers in the
    reader's language, lists joined."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        return formatting.number(value)
    if isinstance(value, int):  # years, counts and ids: as they are
        return str(value)
    if isinstance(value, str) and _ISO_DAY.match(value):
        try:
            return formatting.day(datetime.date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v) for v in value) or "–"
    if isinstance(value, dict):
        return "; ".join(f"{field_label(k)}: {value_text(v)}" for k, v in value.items())
    return str(value)


def readable_changes(changes: dict[str, Any]) -> list[str]:
    """Each change as one line: "Label: value", or "Label: before → after" for a pair of
    values the services record as [before, after]."""
    lines = []
    for key, value in changes.items():
        if isinstance(value, list | tuple) and len(value) == 2 and key not in (
                "municipalities", "changed"):
            shown = f"{value_text(value[0])} → {value_text(value[1])}"
        else:
            shown = value_text(value)
        lines.append(f"{field_label(key)}: {shown}")
    return lines
