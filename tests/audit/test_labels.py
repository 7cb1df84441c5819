"""The audit log as coordinators read it: translated actions and readable changes, and a
label for every action a service writes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.audit.labels import ACTIONS, readable_changes
from kaikukanta.audit.services import audit_log
from kaikukanta.network.models import SellerLinkStatus

SRC = Path(__file__).resolve().parents[2] / "src" / "kaikukanta"


def written_actions() -> set[str]:
    """Every action code the services write: each "x.y" on a line that names an action
    (`action="x.y"`, `"action": "x.y"`, `action = "a.b" if … else "c.d"`), and the seller
    link's `f"seller_link.{status}"`."""
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts or path.name == "labels.py":
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.search(r'\baction"?\s*[=:]', line) and "import" not in line:
                found |= set(re.findall(r'"([a-z_]+\.[a-z_]+)"', line))
    found |= {f"seller_link.{s}" for s in SellerLinkStatus.values if s != "pending"}
    return found


def test_every_written_action_has_a_label():
    written = written_actions()
    assert {"use.recorded", "card.registered", "organisation.deactivated",
            "user.deactivated", "stats.cost_share_saved"} <= written  # the scan finds them
    assert written - set(ACTIONS) == set()


def test_changes_read_as_sentences():
    lines = readable_changes({"companion": False, "seller": None, "status": ["trial", "permanent"],
                              "changed": ["children", "postal_code"]})
    assert lines == ["Companion: no", "Ticket seller: –", "Status: trial → permanent",
                     "Changed: children's tickets, postal code"]


@pytest.mark.parametrize("lang,action,change", [
    ("fi", "Käyttö kirjattu", "Avustaja: ei"), ("sv", "Användning registrerad", "Ledsagare: nej"),
    ("en", "Use recorded", "Companion: no")])
def test_audit_log_shows_translated_actions_and_readable_changes(cast, login, settings, lang,
                                                                  action, change):
    audit_log(action="use.recorded", scope=scope_for_user(cast.a.venue), target_label="Use 7",
              area=cast.a.area, organisation=cast.a.venue_org,
              changes={"companion": False, "seller": None, "event_date": "2026-11-30",
                       "status": ["trial", "permanent"]})
    client = login(cast.a.culture)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    body = client.get(reverse("coordination:audit_list")).content.decode()
    assert action in body and change in body and "use.recorded</td>" not in body
    assert ("30.11.2026" if lang != "en" else "30 Nov 2026") in body
    assert "trial → permanent" in body and "False" not in body and "None" not in body
    assert f'<option value="use.recorded">{action}</option>' in body
