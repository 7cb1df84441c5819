"""The audit log as people read it: translated action names and readable changes.

Entries keep stable machine codes (`use.recorded`) and raw change values; the viewer shows
`action_label(code)` and `readable_changes(changes)` ("Status: trial → permanent",
"Companion: no"). A code without a label here is shown as it is, so nothing is hidden;
tests/audit/test_labels.py fails when a service writes an action that has no label.
The labels carry the context "audit" so that they never change another page's words.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.utils.translation import pgettext, pgettext_lazy

from kaikukanta.lib import formatting


def _a(text: str):
    return pgettext_lazy("audit", text)


ACTIONS = {
    "survey.created": _a("Local survey created"),
    "survey.updated": _a("Local survey changed"),
    "survey.question_added": _a("Survey question added"),
    "survey.question_removed": _a("Survey question removed"),
    "survey.opened": _a("Local survey opened"),
    "survey.closed": _a("Local survey closed"),
    "api_key.created": _a("API key created"),
    "api_key.revoked": _a("API key revoked"),
    "area.created": _a("Area created"),
    "area.updated": _a("Area changed"),
    "card.registered": _a("Card registered"),
    "card.renewed": _a("Card renewed"),
    "card.updated": _a("Card details changed"),
    "card.corrected": _a("Card details corrected"),
    "card.inactivated": _a("Card inactivated"),
    "card.replaced": _a("Card replaced"),
    "card.moved": _a("Card moved to another unit"),
    "card.voided": _a("Card voided"),
    "card_batch.created": _a("Card stock created"),
    "checklist.updated": _a("Checklist updated"),
    "commitment.acknowledged": _a("Commitment acknowledged"),
    "distributor.flagged_for_review": _a("Distributor flagged for review"),
    "distributor.reviewed": _a("Distributor reviewed"),
    "invitation.sent": _a("Invitation sent"),
    "invitation.resent": _a("Invitation sent again"),
    "invitation.revoked": _a("Invitation revoked"),
    "invitation.accepted": _a("Invitation accepted"),
    "offer.created": _a("Offer created"),
    "offer.updated": _a("Offer changed"),
    "offer.status_changed": _a("Offer status changed"),
    "oma.activated": _a("OmaKaiku taken into use"),
    "oma.closed": _a("OmaKaiku account closed"),
    "oma.code_cancelled": _a("OmaKaiku activation code cancelled"),
    "oma.code_created": _a("OmaKaiku activation code made"),
    "operating_model.published": _a("Operating model published"),
    "organisation.created": _a("Organisation created"),
    "organisation.updated": _a("Organisation changed"),
    "organisation.activated": _a("Organisation activated"),
    "organisation.deactivated": _a("Organisation deactivated"),
    "public.area_page_saved": _a("Public area page saved"),
    "public.feedback_handled": _a("Feedback handled"),
    "public.offer_listed": _a("Offer shown on the public pages"),
    "public.offer_unlisted": _a("Offer taken off the public pages"),
    "public.unit_listing_saved": _a("Public unit details saved"),
    "second_factor.enrolled": _a("Second factor set up"),
    "second_factor.recovery_code_used": _a("Recovery code used"),
    "second_factor.removed": _a("Second factor removed"),
    "second_factor.reset": _a("Recovery codes renewed"),
    "seller_link.requested": _a("Ticket seller asked for a link"),
    "seller_link.approved": _a("Ticket seller link approved"),
    "seller_link.rejected": _a("Ticket seller link rejected"),
    "signin.unlocked": _a("Locked sign-in opened"),
    "stats.cost_share_saved": _a("Cost sharing saved"),
    "unit.created": _a("Unit created"),
    "unit.updated": _a("Unit changed"),
    "use.recorded": _a("Use recorded"),
    "use.cancelled": _a("Use cancelled"),
    "user.activated": _a("Person activated"),
    "user.deactivated": _a("Person deactivated"),
    "wellbeing.answer_recorded": _a("Wellbeing questionnaire answer saved (not shown)"),
}

FIELDS = {
    "audience": _a("Asked"),
    "closes_on": _a("Closing date"),
    "emails": _a("Emails sent"),
    "backfilled": _a("Entered from a paper form"),
    "birth_year": _a("Birth year"),
    "can_write": _a("May write"),
    "cap_per_date": _a("Cap per date"),
    "card": _a("Card"),
    "category": _a("Category"),
    "changed": _a("Changed"),
    "children": _a("Children's tickets"),
    "children_allowed": _a("Children's tickets allowed"),
    "community": _a("Community card"),
    "companion": _a("Companion"),
    "ends_on": _a("Ends on"),
    "event_date": _a("Event date"),
    "invitations_revoked": _a("Invitations revoked"),
    "is_active": _a("Active"),
    "issued_on": _a("Issued on"),
    "kind": _a("Kind"),
    "label": _a("Label"),
    "mobile_only": _a("Mobile only"),
    "municipalities": _a("Municipalities"),
    "municipality": _a("Municipality"),
    "name": _a("Name"),
    "new_account": _a("New account"),
    "note_changed": _a("Note changed"),
    "number": _a("Card number"),
    "offer": _a("Offer"),
    "population_year": _a("Population year"),
    "postal_code": _a("Postal code"),
    "prefix": _a("Key prefix"),
    "rate_per_resident": _a("Rate per resident (€)"),
    "reason": _a("Reason"),
    "records": _a("Records"),
    "renewed_on": _a("Renewed on"),
    "replaces": _a("Replaces"),
    "restrictions": _a("Restrictions"),
    "role": _a("Role"),
    "sector": _a("Sector"),
    "seller": _a("Ticket seller"),
    "site": _a("Site"),
    "size": _a("Number of cards"),
    "source": _a("Source"),
    "starts_on": _a("Starts on"),
    "status": _a("Status"),
    "step": _a("Step"),
    "title": _a("Title"),
    "title_en": _a("Title in English"),
    "title_fi": _a("Title in Finnish"),
    "title_sv": _a("Title in Swedish"),
    "total": _a("Total (€)"),
    "unit": _a("Unit"),
    "valid_until": _a("Valid until"),
    "version": _a("Version"),
    "year": _a("Year"),
}

# Changes whose value is a list of things, never a [before, after] pair.
LISTS = {"municipalities", "changed", "audience"}

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
        return pgettext("audit", "yes") if value else pgettext("audit", "no")
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
    values the services record as [before, after]. "Changed" names the fields changed."""
    lines = []
    for key, value in changes.items():
        if key == "changed" and isinstance(value, list | tuple):
            shown = ", ".join(field_label(str(v)).lower() for v in value) or "–"
        elif isinstance(value, list | tuple) and len(value) == 2 and key not in LISTS:
            shown = f"{value_text(value[0])} → {value_text(value[1])}"
        else:
            shown = value_text(value)
        lines.append(f"{field_label(key)}: {shown}")
    return lines
