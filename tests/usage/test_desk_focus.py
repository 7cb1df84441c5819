"""The desk as a clerk uses it all day (issue 15): no error on opening, focus where the
next scan goes, one key records, the offer and the site remembered."""

from __future__ import annotations

import re
from collections import Counter

from django.urls import reverse

from kaikukanta.usage.models import Use
from tests.conftest import sign_in
from tests.usage.test_desk_views import look_up, token_of

DESK = reverse("usage:desk")
RECORD = reverse("usage:desk_record")


def ids(body: str) -> Counter:
    return Counter(re.findall(r'\sid="([^"]+)"', body))


def autofocused(body: str) -> list[str]:
    return re.findall(r"<(?:input|button)[^>]*\bautofocus\b[^>]*>", body)


def test_opening_the_desk_asks_nothing_and_focuses_the_number(cast, client):
    sign_in(client, cast.a.venue)
    body = client.get(DESK, {"site": cast.a.site.pk}).content.decode()
    assert "error-summary" not in body and "field-errors" not in body
    focus = autofocused(body)
    assert len(focus) == 1 and 'name="number"' in focus[0]


def test_a_failed_look_up_keeps_the_focus_in_the_number_field(cast, client):
    sign_in(client, cast.a.venue)
    body = look_up(client, cast.a.site, "ABCD-2346").content.decode()
    assert "data-autofocus" not in body  # no error summary that takes the focus
    focus = autofocused(body)
    assert len(focus) == 1 and 'name="number"' in focus[0]
    assert 'aria-invalid="true"' in focus[0] and "number_errors" in focus[0]
    assert 'id="number_errors"' in body


def test_valid_card_one_key_records_and_the_desk_is_ready_for_the_next(cast, card, offer,
                                                                        client, today):
    sign_in(client, cast.a.venue)
    body = look_up(client, cast.a.site, card.display_number).content.decode()
    assert not [i for i, n in ids(body).items() if n > 1]  # no duplicate ids
    focus = autofocused(body)
    assert len(focus) == 1 and 'form="desk-record"' in focus[0]  # "Record use", in the answer
    answer = body.split('aria-labelledby="verdict"')[1].split("</section>")[0]
    assert 'form="desk-record"' in answer
    # the site's only offer is chosen: Enter records without touching anything
    assert re.search(rf'<option value="{offer.pk}" selected>', body)
    record = body.split('id="desk-record"')[1].split("</form>")[0]
    form = dict(re.findall(r'name="(\w+)" value="([^"]*)"', record))
    r = client.post(RECORD, {"site": cast.a.site.pk, "number": form["number"],
                             "token": token_of(body), "offer": offer.pk,
                             "event_date": today.isoformat(), "children": 0})
    assert r.status_code == 302 and Use.objects.get().offer == offer
    body = client.get(r["Location"]).content.decode()
    assert "error-summary" not in body and "Recorded: card" in body
    # the date as the language writes it (English: 30 Nov 2026, never 30.11.2026)
    assert f"{today.day} {today:%b} {today.year}" in body and f"{today:%d.%m.%Y}" not in body
    focus = autofocused(body)
    assert len(focus) == 1 and 'name="number"' in focus[0]


def test_last_choice_at_this_desk_and_the_site_are_remembered(cast, card, offer, course,
                                                              client, today):
    sign_in(client, cast.a.venue)
    assert "Choose the site" in client.get(DESK).content.decode()  # two sites, none chosen
    body = look_up(client, cast.a.site, card.display_number).content.decode()
    offers = body.split('id="record_offer"')[1].split("</select>")[0]
    assert not re.search(r'<option value="\d+" selected>', offers)  # two offers: none chosen
    client.post(RECORD, {"site": cast.a.site.pk, "number": card.number,
                         "token": token_of(body), "offer": course.pk,
                         "event_date": today.isoformat(), "children": 0})
    # the menu link (no ?site=) opens the same site; the last offer is preselected
    body = client.get(DESK, {"number": card.display_number}).content.decode()
    assert f"Ticket desk: {cast.a.site.name}" in body
    assert re.search(rf'<option value="{course.pk}" selected>', body)
    # "Change site" still asks
    assert "Choose the site" in client.get(DESK, {"choose": 1}).content.decode()


def test_the_desk_stays_lean(cast, card, offer, client, django_assert_max_num_queries):
    """Remembering the site and preselecting the offer cost no query per look-up: the two
    forms share one read of the offers, the chosen site comes from the person's list and
    the session is written only when the choice changes."""
    sign_in(client, cast.a.venue)
    client.get(DESK, {"site": cast.a.site.pk})
    with django_assert_max_num_queries(7):
        assert client.get(DESK, {"site": cast.a.site.pk}).status_code == 200
    with django_assert_max_num_queries(9):
        assert look_up(client, cast.a.site, card.display_number).status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(DESK).status_code == 200  # the remembered site
