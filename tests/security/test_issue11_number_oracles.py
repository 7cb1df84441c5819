"""Issue 11 §1: card numbers could be learned faster than the look-up slow-down allows.

Every path that resolves a card number – the desk look-up, each record path (desk,
backfill, file, API), each upload row, each API card call – counts against one limit per
person and per organisation (`usage/guessing.py`), and is logged with the organisation's
area. A file with more than a few unknown numbers is refused whole, naming the first few.
"""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.api.services import api_key_create
from kaikukanta.cards import numbers
from kaikukanta.cards.errors import CardUnknown
from kaikukanta.lib.scope import SYSTEM
from kaikukanta.usage import errors, guessing, services
from kaikukanta.usage.models import LookupLog, Use
from tests.api.conftest import ApiClient
from tests.conftest import sign_in
from tests.usage.conftest import mk

LIMIT = 3


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.KAIKUKANTA_LOOKUP_UNKNOWN_LIMIT = LIMIT


@pytest.fixture
def card(cast):
    return mk(cast.a.unit, children=0)


def guesses(n):
    return [numbers.generate() for _ in range(n)]


def record(cast, user, number, **kw):
    return services.use_record(site=cast.a.site, card_number=number,
                               event_date=datetime.date.today(), category="culture",
                               scope=scope_for_user(user), **kw)


def test_issue11_recording_counts_unknown_numbers_and_is_refused_when_slowed(cast, card):
    for number in guesses(LIMIT):
        with pytest.raises(CardUnknown):
            record(cast, cast.a.venue, number)
    # slowed down: a real card with too many children no longer answers too_many_children
    with pytest.raises(errors.LookupThrottled):
        record(cast, cast.a.venue, card.number, children=3)
    with pytest.raises(errors.LookupThrottled):
        services.card_lookup(scope=scope_for_user(cast.a.venue), number_text=card.number)
    assert not Use.objects.exists()
    logs = LookupLog.objects.filter(user=cast.a.venue)
    assert logs.filter(found=False, throttled=False).count() == LIMIT
    assert logs.filter(throttled=True).count() == 2
    assert set(logs.values_list("area_id", flat=True)) == {cast.a.area.pk}


def test_issue11_desk_record_form_counts_too(cast, card, client):
    sign_in(client, cast.a.venue)
    url = reverse("usage:desk")
    for number in guesses(LIMIT):
        client.post(reverse("usage:desk_record"), {
            "site": cast.a.site.pk, "number": number, "category": "culture",
            "event_date": datetime.date.today().isoformat(), "children": 0,
            "token": uuid.uuid4().hex})
    assert LookupLog.objects.filter(user=cast.a.venue, found=False).count() == LIMIT
    r = client.get(url, {"site": cast.a.site.pk, "number": card.number})
    assert r.status_code == 429
    r = client.post(reverse("usage:desk_record"), {
        "site": cast.a.site.pk, "number": card.number, "category": "culture",
        "event_date": datetime.date.today().isoformat(), "children": 0,
        "token": uuid.uuid4().hex})
    assert r.status_code == 429 and "VALID" not in r.content.decode()
    assert not Use.objects.exists()


def test_issue11_one_allowance_per_organisation_people_and_keys(cast, card):
    for number in guesses(LIMIT):
        services.card_lookup(scope=scope_for_user(cast.a.venue), number_text=number)
    # a colleague at the same venue organisation is slowed down too
    with pytest.raises(errors.LookupThrottled):
        services.card_lookup(scope=scope_for_user(cast.a.site_staff), number_text=card.number)
    # and so is every API key of the organisation, a new one included
    for i in range(2):
        key = api_key_create(scope=SYSTEM, organisation=cast.a.venue_org, label=f"k{i}",
                             can_write=True)[1]
        r = ApiClient(key).get(f"/cards/{card.number}")
        assert r.status_code == 429 and r.json()["code"] == "lookup_throttled"
    # another organisation is counted apart
    assert services.card_lookup(scope=scope_for_user(cast.b.venue),
                                number_text=card.number).is_valid


def test_issue11_api_guesses_count_for_the_organisation_and_are_logged_with_its_area(
        cast, card, client):
    key1 = api_key_create(scope=SYSTEM, organisation=cast.a.venue_org, label="one",
                          can_write=True)[1]
    key2 = api_key_create(scope=SYSTEM, organisation=cast.a.venue_org, label="two",
                          can_write=True)[1]
    for i, number in enumerate(guesses(LIMIT)):
        r = ApiClient(key1 if i % 2 else key2).get(f"/cards/{number}")
        assert r.status_code == 200 and r.json()["status"] == "unknown"
    r = ApiClient(key2).get(f"/cards/{card.number}")
    assert r.status_code == 429
    assert set(LookupLog.objects.values_list("area_id", flat=True)) == {cast.a.area.pk}
    # the staff at the desk are slowed down as well: one organisation, one allowance
    with pytest.raises(errors.LookupThrottled):
        services.card_lookup(scope=scope_for_user(cast.a.venue), number_text=card.number)
    # the area's culture coordinator sees the slowed-down look-ups
    sign_in(client, cast.a.culture)
    assert card.number in client.get(reverse("usage:lookups")).content.decode()


def test_issue11_api_recording_counts_unknown_numbers(cast, card):
    key = api_key_create(scope=SYSTEM, organisation=cast.a.venue_org, label="w",
                         can_write=True)[1]
    api = ApiClient(key)
    for number in guesses(LIMIT):
        r = api.post("/uses", {"card": number, "site": cast.a.site.pk, "category": "culture",
                               "event_date": datetime.date.today().isoformat()},
                     **{"Idempotency-Key": uuid.uuid4().hex})
        assert r.json()["code"] == "card_unknown"
    # logged (the refused writes are rolled back, the log is not) with the venue's area
    assert LookupLog.objects.filter(found=False, area=cast.a.area).count() == LIMIT
    r = api.post("/uses", {"card": card.number, "site": cast.a.site.pk, "category": "culture",
                           "event_date": datetime.date.today().isoformat(), "children": 5},
                 **{"Idempotency-Key": uuid.uuid4().hex})
    assert r.status_code == 429 and r.json()["code"] == "lookup_throttled"


def upload(client, cast, text):
    return client.post(reverse("usage:backfill_upload"), {
        "site": cast.a.site.pk, "file": SimpleUploadedFile("uses.csv", text.encode())})


def test_issue11_a_file_of_guesses_is_refused_whole_naming_only_the_first_few(
        cast, card, client, settings):
    settings.KAIKUKANTA_LOOKUP_UNKNOWN_LIMIT = 1000
    day = (datetime.date.today() - datetime.timedelta(days=2)).isoformat()
    rows = [f"{n};{day};kulttuuri;0" for n in guesses(40)]
    rows.insert(20, f"{card.number};{day};kulttuuri;5")  # a real card: too many children
    sign_in(client, cast.a.venue)
    r = upload(client, cast, "\n".join(rows))
    result = r.context["result"]
    codes = [e.code for e in result.errors]
    assert codes == ["card_unknown"] * guessing.FEW_IN_FILE + ["upload_too_many_unknown"]
    assert [e.line for e in result.errors[:3]] == [1, 2, 3]
    assert "too_many_children" not in r.content.decode() and card.number not in [
        e.number for e in result.errors]
    assert not Use.objects.exists()
    # all 40 unknown numbers counted and logged (outside the rolled-back file)
    assert LookupLog.objects.filter(user=cast.a.venue, found=False).count() == 40


def test_issue11_a_file_counts_against_the_limit_and_is_refused_when_slowed(cast, card,
                                                                            client):
    day = (datetime.date.today() - datetime.timedelta(days=2)).isoformat()
    sign_in(client, cast.a.venue)
    upload(client, cast, "\n".join(f"{n};{day};kulttuuri;0" for n in guesses(2)))
    upload(client, cast, "\n".join(f"{n};{day};kulttuuri;0" for n in guesses(2)))
    r = upload(client, cast, f"{card.number};{day};kulttuuri;5")
    assert "Too many unknown card numbers" in r.content.decode()
    assert r.context["result"] is None
    with pytest.raises(errors.LookupThrottled):
        services.card_lookup(scope=scope_for_user(cast.a.venue), number_text=card.number)


def test_issue11_a_file_with_few_unknown_numbers_still_lists_every_bad_row(cast, card,
                                                                           client):
    day = (datetime.date.today() - datetime.timedelta(days=2)).isoformat()
    unknown = numbers.generate()
    sign_in(client, cast.a.venue)
    r = upload(client, cast, f"{unknown};{day};kulttuuri;0\n{card.number};{day};kulttuuri;5")
    assert [e.code for e in r.context["result"].errors] == ["card_unknown",
                                                           "too_many_children"]


@pytest.mark.django_db
def test_issue11_the_registry_itself_is_not_counted():
    for _ in range(LIMIT + 2):
        guessing.note(SYSTEM, [(numbers.generate(), False)])
    guessing.check(SYSTEM)  # loaders and commands are not guessing
    assert not LookupLog.objects.exists()
