"""The new-area checklist, commitments to the operating model, the audit log view and
the national team's area and operating model pages."""

import datetime

import pytest
from django.urls import reverse

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.audit.models import AuditEntry
from kaikukanta.audit.services import audit_log
from kaikukanta.cards.models import CardBatch
from kaikukanta.coordination import services
from kaikukanta.coordination.models import STEP_ORDER, AreaChecklistStep, ChecklistStep
from kaikukanta.lib.errors import NotAllowed
from kaikukanta.network import services as network_services
from kaikukanta.network.errors import AlreadyCommitted
from kaikukanta.network.models import Commitment, OperatingModelVersion
from tests.conftest import sign_in


@pytest.fixture
def model_v1(db):
    return OperatingModelVersion.objects.create(version="2021-12",
                                                published_on=datetime.date(2021, 12, 8),
                                                summary_fi="Toimintamalli 2021")


# --- checklist -------------------------------------------------------------------------

def test_area_page_shows_ten_steps_with_real_records(cast, login):
    CardBatch.objects.create(area=cast.a.area, size=500)
    CardBatch.objects.create(area=cast.b.area, size=100)
    client = login(cast.a.culture)
    response = client.get(reverse("coordination:area_detail", args=[cast.a.area.pk]))
    steps = response.context["steps"]
    assert [s.step for s in steps] == STEP_ORDER and len(steps) == 10
    assert [s.number for s in steps] == list(range(1, 11))
    assert all(s.status == "not_started" for s in steps)
    body = response.content.decode()
    # users with roles in area a: 2 coordinators + distributor + venue + site + seller
    assert response.context["user_count"] == 6
    assert f"?area={cast.a.area.pk}" in body and "6 users" in body
    assert list(response.context["batches"].values_list("size", flat=True)) == [500]
    assert "1 card batch" in body and reverse("cards:batch_list") in body


def test_coordinator_updates_a_step_and_national_sees_progress(cast, client):
    sign_in(client, cast.a.welfare)
    url = reverse("coordination:checklist_step", args=[cast.a.area.pk, ChecklistStep.WORKSHOP])
    assert client.get(url).status_code == 200
    response = client.post(url, {"status": "done", "on": "2026-10-01",
                                 "note": "Workshop held in the library, 25 organisations."})
    assert response.status_code == 302
    step = AreaChecklistStep.objects.get(area=cast.a.area, step="workshop")
    assert step.status == "done" and step.on == datetime.date(2026, 10, 1)
    assert step.updated_by == cast.a.welfare
    entry = AuditEntry.objects.get(action="checklist.updated")
    assert entry.area == cast.a.area and entry.changes["note_changed"] is True
    assert "library" not in str(entry.changes)  # the note stays out of the log

    sign_in(client, cast.national)
    rows = client.get(reverse("coordination:dashboard")).context["rows"]
    progress = {r["area"].name: r["steps_done"] for r in rows}
    assert progress == {"Espoo": 1, "Kainuu": 0}


def test_checklist_of_other_area_is_404_and_bad_input_refused(cast, client):
    sign_in(client, cast.a.culture)
    url = reverse("coordination:checklist_step", args=[cast.b.area.pk, "workshop"])
    assert client.post(url, {"status": "done"}).status_code == 404
    url = reverse("coordination:checklist_step", args=[cast.a.area.pk, "workshop"])
    assert client.post(url, {"status": "finished"}).status_code == 200
    long_note = {"status": "done", "note": "x" * 301}
    assert client.post(url, long_note).context["form"].errors["note"]
    bad = reverse("coordination:checklist_step", args=[cast.a.area.pk, "nonsense"])
    assert client.get(bad).status_code == 403
    assert not AreaChecklistStep.objects.exists()
    with pytest.raises(NotAllowed):
        services.checklist_step_set(scope=scope_for_user(cast.a.distributor), area=cast.a.area,
                                    step="workshop", status="done")


def test_dashboard_queries_do_not_grow_with_areas(cast, login, django_assert_max_num_queries):
    client = login(cast.national)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("coordination:dashboard"))
    assert len(response.context["rows"]) == 2
    row = next(r for r in response.context["rows"] if r["area"] == cast.b.area)
    assert (row["area"].n_distributors, row["area"].n_venues, row["area"].n_sellers) == (1, 1, 1)
    assert [m.code for m in row["municipalities"]] == ["205", "765"]


# --- commitments --------------------------------------------------------------------------

def test_staff_acknowledges_and_coordinator_sees_who(cast, client, model_v1):
    sign_in(client, cast.a.distributor)
    response = client.get(reverse("coordination:commitment_list"))
    rows = response.context["rows"]
    assert [r["org"] for r in rows] == [cast.a.distributor_org]
    assert rows[0]["can_acknowledge"]
    client.post(reverse("coordination:commitment_acknowledge",
                        args=[cast.a.distributor_org.pk]))
    c = Commitment.objects.get(organisation=cast.a.distributor_org)
    assert c.version == model_v1 and c.acknowledged_by == cast.a.distributor
    # not for another organisation
    response = client.post(reverse("coordination:commitment_acknowledge",
                                   args=[cast.a.venue_org.pk]))
    assert response.status_code == 404

    sign_in(client, cast.a.welfare)
    rows = client.get(reverse("coordination:commitment_list")).context["rows"]
    assert [(r["org"], r["current"]) for r in rows] == [(cast.a.distributor_org, True)]
    assert rows[0]["latest"].acknowledged_by == cast.a.distributor

    # a new version: the organisation shows as behind until it acknowledges again
    sign_in(client, cast.national)
    client.post(reverse("coordination:operating_model"), {
        "version": "2027-01", "published_on": "2027-01-01", "summary_fi": "Uusi malli"})
    assert OperatingModelVersion.objects.first().version == "2027-01"
    sign_in(client, cast.a.welfare)
    rows = client.get(reverse("coordination:commitment_list")).context["rows"]
    assert rows[0]["current"] is False and rows[0]["latest"].version == model_v1
    assert rows[0]["can_acknowledge"]
    client.post(reverse("coordination:commitment_acknowledge",
                        args=[cast.a.distributor_org.pk]))
    assert cast.a.distributor_org.commitments.count() == 2


def test_commitment_scope(cast, model_v1):
    with pytest.raises(NotAllowed):
        network_services.commitment_acknowledge(scope=scope_for_user(cast.a.welfare),
                                                organisation=cast.a.venue_org)
    with pytest.raises(NotAllowed):
        network_services.commitment_acknowledge(scope=scope_for_user(cast.b.culture),
                                                organisation=cast.a.venue_org)
    network_services.commitment_acknowledge(scope=scope_for_user(cast.a.culture),
                                            organisation=cast.a.venue_org)
    with pytest.raises(AlreadyCommitted):
        network_services.commitment_acknowledge(scope=scope_for_user(cast.a.venue),
                                                organisation=cast.a.venue_org)


def test_duplicate_operating_model_version_is_a_form_error(cast, login, model_v1):
    client = login(cast.national)
    response = client.post(reverse("coordination:operating_model"), {
        "version": "2021-12", "published_on": "2027-01-01", "summary_fi": "x"})
    assert response.status_code == 200 and response.context["form"].errors["version"]
    assert OperatingModelVersion.objects.count() == 1


# --- areas ----------------------------------------------------------------------------------

def test_national_admin_edits_an_area(cast, geo, login):
    client = login(cast.national)
    url = reverse("coordination:area_edit", args=[cast.b.area.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "name": "Kainuu", "municipalities": [geo.municipalities["205"].pk],
        "wellbeing_county": geo.kainuu_county.pk, "status": "trial",
        "status_since": "2026-05-01"})
    assert response.status_code == 302
    cast.b.area.refresh_from_db()
    assert cast.b.area.status == "trial"
    assert list(cast.b.area.municipalities.values_list("code", flat=True)) == ["205"]
    # taking Espoo from area a is refused in the form
    response = client.post(url, {
        "name": "Kainuu", "municipalities": [geo.municipalities["049"].pk], "status": "trial",
        "status_since": "2026-05-01"})
    assert "already belongs to the active area Espoo" in response.content.decode()
    assert list(cast.b.area.municipalities.values_list("code", flat=True)) == ["205"]


# --- audit log ------------------------------------------------------------------------------

@pytest.fixture
def entries(cast):
    a, b = cast.a, cast.b
    audit_log(action="card.registered", scope=scope_for_user(a.distributor),
              target_label="Card ABCD-2345",
              area=a.area, organisation=a.distributor_org,
              changes={"number": "ABCD2345", "birth_year": 1980, "postal_code": "02100"})
    audit_log(action="use.recorded", scope=scope_for_user(a.venue), target_label="Use 1",
              area=a.area,
              organisation=a.venue_org, changes={"number": "ABCD2345"})
    audit_log(action="card.registered", scope=scope_for_user(b.distributor),
              target_label="Card ZZZZ-9999",
              area=b.area, organisation=b.distributor_org)
    old = audit_log(action="use.recorded", scope=scope_for_user(a.venue), target_label="Old use",
                    area=a.area,
                    organisation=a.venue_org)
    AuditEntry.objects.filter(pk=old.pk).update(at=datetime.datetime(2025, 1, 1,
                                                                      tzinfo=datetime.UTC))


def labels(response):
    return [e.target_label for e in response.context["page"]]


def test_coordinator_sees_own_area_only_and_no_holder_fields(cast, login, entries):
    client = login(cast.a.welfare)
    response = client.get(reverse("coordination:audit_list"))
    assert "Card ABCD-2345" in labels(response)
    assert not {"Use 1", "Old use"} & set(labels(response))  # uses: the culture side's
    assert "Card ZZZZ-9999" not in labels(response)
    body = response.content.decode()
    assert "ABCD2345" in body  # card numbers are shown
    assert "1980" not in body and "birth_year" not in body and "02100" not in body
    culture = set(labels(login(cast.a.culture).get(reverse("coordination:audit_list"))))
    assert {"Use 1", "Old use"} <= culture and "Card ABCD-2345" not in culture


def test_audit_filters(cast, login, entries):
    url = reverse("coordination:audit_list")
    client = login(cast.a.culture)
    assert labels(client.get(url, {"action": "use.recorded"})) == ["Use 1", "Old use"]
    assert labels(client.get(url, {"person": cast.a.venue.pk})) == ["Use 1", "Old use"]
    response = client.get(url, {"date_to": "2025-06-01"})
    assert labels(response) == ["Old use"]
    response = client.get(url, {"date_from": "2025-06-01", "action": "use.recorded"})
    assert labels(response) == ["Use 1"]
    client = login(cast.a.welfare)
    assert labels(client.get(url, {"person": cast.a.distributor.pk})) == ["Card ABCD-2345"]
    # organisation filter offers the welfare coordinator's own organisations only
    response = client.get(url, {"organisation": cast.a.distributor_org.pk})
    assert "Card ABCD-2345" in labels(response) and "Use 1" not in labels(response)
    choices = dict(response.context["form"].fields["organisation"].choices)
    assert str(cast.a.venue_org.pk) not in choices


def test_national_sees_everything_in_the_audit_log(cast, login, entries):
    response = login(cast.national).get(reverse("coordination:audit_list"),
                                        {"action": "card.registered"})
    assert set(labels(response)) == {"Card ABCD-2345", "Card ZZZZ-9999"}


def test_real_card_registration_shows_number_not_holder(cast, postal_codes, login):
    from kaikukanta.cards import services as card_services

    batch = card_services.batch_create(scope=scope_for_user(cast.a.welfare), area=cast.a.area,
                                       count=1)
    number = batch.cards.get().number
    card_services.card_register(scope=scope_for_user(cast.a.distributor), unit=cast.a.unit,
                                number=number,
                                birth_year=1957, postal_code="02100", children=3,
                                gender="", life_situation="", preferred_language="")
    client = login(cast.a.welfare)
    response = client.get(reverse("coordination:audit_list"), {"action": "card.registered"})
    body = response.content.decode()
    assert len(response.context["page"]) == 1
    from kaikukanta.cards.numbers import display

    assert display(number) in body  # the card number is shown
    for holder_value in ("1957", "02100"):
        assert holder_value not in body
    # venues' coordinators on the culture side see the area's entries, but never holders
    body = login(cast.a.culture).get(reverse("coordination:audit_list")).content.decode()
    assert "1957" not in body


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
    assert "30.11.2026" in body if lang != "en" else "30 Nov 2026" in body
    assert "trial → permanent" in body and "False" not in body and "None" not in body
    assert f'<option value="use.recorded">{action}</option>' in body
