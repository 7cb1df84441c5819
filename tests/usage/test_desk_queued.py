"""The desk without a connection: uses queued in the browser are sent to
`usage:desk_queued` when the connection returns. The same rules, look-up log and limit as
the desk; the queue's key makes a use sent twice count once; each answer says what
happened, in JSON, for the page's queue."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.cards import numbers
from kaikukanta.usage import services
from kaikukanta.usage.models import LookupLog, Use
from tests.conftest import sign_in
from tests.usage.conftest import days, mk

QUEUED = reverse("usage:desk_queued")


def queued(client, site, number, token, **fields):
    data = {"site": site.pk, "number": number, "token": token, "children": 0, **fields}
    return client.post(QUEUED, data, HTTP_ACCEPT="application/json")


def test_a_queued_use_is_recorded_once_with_its_key(cast, card, offer, client, today):
    sign_in(client, cast.a.venue)
    for _ in range(2):  # sent again (the answer was lost): still one use
        r = queued(client, cast.a.site, card.display_number, "q-1", offer=offer.pk,
                   event_date=today.isoformat(), children=2)
        assert r.status_code == 200 and r.json()["ok"] is True
        assert f"Recorded: card {card.display_number}" in r.json()["message"]
    use = Use.objects.get()
    assert (use.card, use.offer, use.children, use.request_token) == (card, offer, 2, "q-1")
    assert use.source == "desk" and use.recorded_by == cast.a.venue and not use.backfilled
    # the send resolved the number like a look-up: logged once, found (the repeat is
    # answered from its key and resolves nothing)
    assert list(LookupLog.objects.values_list("found", flat=True)) == [True]


@pytest.mark.parametrize(("change", "code", "text"), [
    ({"number": "expired"}, "card_expired", "The card expired on"),
    ({"children": 3}, "too_many_children", "At most 2 children"),
    ({"number": "unknown"}, "card_unknown", "No card has this number"),
    ({"cap": 1}, "offer_cap_reached", ""),
])
def test_a_refused_use_says_why_and_changes_nothing(cast, card, offer, client, today, change,
                                                    code, text):
    number = card.number
    if change.get("number") == "expired":
        number = mk(cast.a.unit, issued_on=today - days(400)).number
    elif change.get("number") == "unknown":
        number = numbers.generate()
    if "cap" in change:  # the offer's places went meanwhile
        offer.cap_per_date = 1
        offer.save()
        services.use_record(scope=scope_for_user(cast.a.venue), site=cast.a.site,
                            card_number=mk(cast.a.unit).number, event_date=today, offer=offer)
    sign_in(client, cast.a.venue)
    before = Use.objects.count()
    r = queued(client, cast.a.site, number, "q-2", offer=offer.pk,
               event_date=today.isoformat(), children=change.get("children", 0))
    assert r.status_code == 409
    answer = r.json()
    assert answer["ok"] is False and answer["code"] == code and text in answer["message"]
    assert answer["retry"] is False
    assert Use.objects.count() == before


def test_a_bad_form_is_400_and_names_the_field(cast, card, client):
    sign_in(client, cast.a.venue)
    r = queued(client, cast.a.site, card.number, "q-3", event_date="not a date")
    assert r.status_code == 400 and r.json()["code"] == "invalid"
    assert "Event date" in r.json()["message"]
    assert not Use.objects.exists()


def test_a_wrong_check_character_is_refused(cast, card, client, today):
    sign_in(client, cast.a.venue)
    wrong = card.number[:-1] + ("A" if card.number[-1] != "A" else "B")
    r = queued(client, cast.a.site, wrong, "q-4", category="culture",
               event_date=today.isoformat())
    assert r.status_code == 409 and r.json()["ok"] is False
    assert not Use.objects.exists()


def test_the_look_up_limit_applies_and_asks_to_retry(cast, card, client, settings, today):
    settings.KAIKUKANTA_LOOKUP_UNKNOWN_LIMIT = 2
    sign_in(client, cast.a.venue)
    for i in range(2):
        r = queued(client, cast.a.site, numbers.generate(), f"g-{i}", category="culture",
                   event_date=today.isoformat())
        assert r.json()["code"] == "card_unknown"
    r = queued(client, cast.a.site, card.number, "q-5", category="culture",
               event_date=today.isoformat())
    assert r.status_code == 429
    assert r.json() | {"message": ""} == {"ok": False, "code": "lookup_throttled",
                                          "message": "", "retry": True}
    assert not Use.objects.exists()
    assert LookupLog.objects.filter(throttled=True).count() == 1


def test_a_queued_use_at_a_site_out_of_scope(cast, card, client, today):
    sign_in(client, cast.a.venue)
    r = queued(client, cast.b.site, card.number, "q-6", category="culture",
               event_date=today.isoformat())
    assert r.status_code == 404 and not Use.objects.exists()
    sign_in(client, cast.a.site_staff)  # staff of the other site of the same venue
    r = queued(client, cast.a.site, card.number, "q-7", category="culture",
               event_date=today.isoformat())
    assert r.status_code == 404 and not Use.objects.exists()


def test_the_desk_page_carries_the_offline_parts(cast, card, offer, client):
    sign_in(client, cast.a.venue)
    body = client.get(reverse("usage:desk"), {"site": cast.a.site.pk}).content.decode()
    assert f'href="{reverse("usage:desk_manifest")}"' in body
    assert f'data-url="{QUEUED}"' in body and 'data-csrf="' in body
    offline = body.split('id="desk-offline-form"')[1].split("</template>")[0]
    assert re.search(rf'<option value="{offer.pk}" selected>', offline)  # the only offer
    assert f'name="site" value="{cast.a.site.pk}"' in offline
    assert "<script>" not in body and " style=" not in body  # strict CSP


def test_service_worker_and_manifest(cast, client):
    r = client.get(reverse("usage:desk_sw"))
    body = r.content.decode()
    assert r.status_code == 200 and r["Content-Type"].startswith("text/javascript")
    assert r["Cache-Control"] == "no-cache"
    assert 'var DESK = "/venue/desk/"' in body and "/static/usage/desk.js" in body
    sign_in(client, cast.a.venue)
    manifest = client.get(reverse("usage:desk_manifest")).json()
    assert manifest["start_url"] == manifest["scope"] == "/venue/desk/"
