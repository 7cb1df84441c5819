"""Issue 11 §4: the culture side saw welfare-side card events in the audit log.

A culture-side coordinator saw card registrations with number, issuing unit and
inactivation reason, and then the same card's uses: holder facts and places linked. The
audit log is scoped by side like everything else.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.audit.models import AuditEntry
from kaikukanta.audit.services import audit_log
from kaikukanta.cards import services as card_services
from kaikukanta.lib.scope import SYSTEM


@pytest.fixture
def log(cast):
    a = cast.a
    AuditEntry.objects.all().delete()  # only these entries (not the cast's setting up)
    for action, org in [
        ("card.registered", a.distributor_org), ("card.inactivated", a.distributor_org),
        ("card_batch.created", None), ("distributor.flagged_for_review", a.distributor_org),
        ("unit.created", a.distributor_org), ("api_key.created", a.distributor_org),
        ("use.recorded", a.venue_org), ("offer.created", a.venue_org),
        ("seller_link.approved", a.seller_org), ("unit.created", a.venue_org),
        ("api_key.created", a.seller_org),
        ("area.updated", None), ("checklist.updated", None),
    ]:
        audit_log(action=action, scope=SYSTEM, target_label=f"{action} {org or 'area'}",
                  area=a.area,
                  organisation=org)
    return cast


def seen(client):
    r = client.get(reverse("coordination:audit_list"))
    assert r.status_code == 200
    return {e.target_label for e in r.context["page"]}


def test_issue11_culture_side_sees_only_its_own_side(log, login):
    a = log.a
    labels = seen(login(a.culture))
    assert labels == {
        f"use.recorded {a.venue_org}", f"offer.created {a.venue_org}",
        f"seller_link.approved {a.seller_org}", f"unit.created {a.venue_org}",
        f"api_key.created {a.seller_org}", "area.updated area", "checklist.updated area"}


def test_issue11_welfare_side_sees_only_its_own_side(log, login):
    a = log.a
    labels = seen(login(a.welfare))
    assert labels == {
        f"card.registered {a.distributor_org}", f"card.inactivated {a.distributor_org}",
        "card_batch.created area", f"distributor.flagged_for_review {a.distributor_org}",
        f"unit.created {a.distributor_org}", f"api_key.created {a.distributor_org}",
        "area.updated area", "checklist.updated area"}


def test_issue11_national_admin_sees_both_sides(log, login):
    assert len(seen(login(log.national))) == AuditEntry.objects.count()


def test_issue11_a_coordinator_of_both_sides_sees_both(log, login):
    from kaikukanta.accounts.models import Membership, Role

    a = log.a
    Membership.objects.create(user=a.culture, role=Role.WELFARE_COORDINATOR, area=a.area)
    assert len(seen(login(a.culture))) == AuditEntry.objects.count()


def test_issue11_culture_side_never_sees_which_unit_issued_a_card(cast, postal_codes, login):
    a = cast.a
    a.unit.name = "Mental health association Mielikki"
    a.unit.save()
    batch = card_services.batch_create(scope=scope_for_user(a.welfare), area=a.area, count=1)
    number = batch.cards.get().number
    card_services.card_register(scope=scope_for_user(a.distributor), unit=a.unit, number=number,
                                birth_year=1957, postal_code="02100", children=3,
                                gender="", life_situation="", preferred_language="")
    client = login(a.culture)
    body = client.get(reverse("coordination:audit_list")).content.decode()
    assert "Mielikki" not in body and str(a.distributor_org) not in body
    assert "card.registered" not in body
    body = client.get(reverse("coordination:audit_list"),
                      {"action": "card.registered"}).content.decode()
    assert "Mielikki" not in body
    # the welfare side still sees it
    body = login(a.welfare).get(reverse("coordination:audit_list")).content.decode()
    assert "Mielikki" in body or str(a.distributor_org) in body
