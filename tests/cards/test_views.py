"""Card pages: the right person can, the wrong person gets 404 (out of scope) or 403."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kaikukanta.cards import numbers, services
from kaikukanta.cards.models import Card, CardEvent, CardStatus, InactiveReason
from kaikukanta.lib.scope import SYSTEM
from tests.factories import make_card

pytestmark = pytest.mark.django_db


def form(number, **kw):
    data = {"unit": "", "number": number, "birth_year": "1985", "postal_code": "02100",
            "children": "1", "gender": "", "life_situation": "", "preferred_language": "",
            "issued_on": ""}
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def test_distributor_registers_a_card(cast, stock, login):
    client = login(cast.a.distributor)
    page = client.get(reverse("cards:register"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'autocomplete="off"' in html and "inputmode" in html and "autofocus" in html
    response = client.post(reverse("cards:register"),
                           form(numbers.display(stock[0]), unit=str(cast.a.unit.pk),
                                gender="woman"))
    card = Card.objects.get(number=stock[0])
    assert response.status_code == 302
    assert response["Location"] == reverse("cards:card_detail", args=[card.number])
    assert card.status == CardStatus.ACTIVE and card.unit == cast.a.unit
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert "through the day before the same date next year" in detail.content.decode()


def test_mobile_only_card_from_the_form(cast, login):
    client = login(cast.a.distributor)
    response = client.post(reverse("cards:register"), form("x", unit=str(cast.a.unit.pk)))
    assert response.status_code == 302
    card = Card.objects.get()
    assert card.mobile_only and card.number.startswith("X")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"birth_year": str(dt.date.today().year - 14)}, "at least 16"),
        ({"number": "UNKNOWN"}, "eight letters"),
        ({"number": "BAD"}, "check the number"),
        ({"number": "NEW"}, "No card has this number"),
        ({"number": "TAKEN"}, "already registered"),
        ({"postal_code": "90100"}, "Oulu is not part of an active Kaikukortti area"),
        ({"children": "-1"}, "from 0 to"),
        ({"postal_code": "123"}, "five digits"),
        ({"issued_on": (dt.date.today() + dt.timedelta(days=2)).isoformat()}, "future"),
    ],
)
def test_each_wrong_input_shows_its_message_and_stores_nothing(cast, stock, postal_codes,
                                                              login, change, message):
    services.card_register(scope=SYSTEM, unit=cast.a.unit, number=stock[1], birth_year=1980,
                           postal_code="02100", children=0)
    client = login(cast.a.distributor)
    number = {"UNKNOWN": "K7M4-9Q", "BAD": stock[0][:-1] + ("A" if stock[0][-1] != "A"
                                                             else "B"),
              "NEW": numbers.generate(), "TAKEN": stock[1]}.get(change.get("number"), stock[0])
    data = form(number, unit=str(cast.a.unit.pk),
                **{k: v for k, v in change.items() if k != "number"})
    before = (list(Card.objects.order_by("pk").values()), CardEvent.objects.count())
    response = client.post(reverse("cards:register"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (list(Card.objects.order_by("pk").values()), CardEvent.objects.count()) == before


def test_messages_in_finnish_and_swedish(cast, stock, login, settings):
    client = login(cast.a.distributor)
    young = str(dt.date.today().year - 10)
    texts = {}
    for lang in ("fi", "sv"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        cast.a.distributor.language = lang
        cast.a.distributor.save()
        response = client.post(reverse("cards:register"),
                               form(stock[0], unit=str(cast.a.unit.pk), birth_year=young),
                               HTTP_ACCEPT_LANGUAGE=lang)
        texts[lang] = response.content.decode()
    assert "vähintään 16-vuotias" in texts["fi"]
    assert "minst 16 år" in texts["sv"]


def test_card_list_search_and_filters(cast, login):
    today = timezone.localdate()
    valid = make_card(cast.a.unit)
    soon = make_card(cast.a.unit, issued_on=today - dt.timedelta(days=350))
    expired = make_card(cast.a.unit, issued_on=today - dt.timedelta(days=400))
    other = make_card(cast.b.unit)
    client = login(cast.a.distributor)

    def shown(**params):
        html = client.get(reverse("cards:card_list"), params).content.decode()
        return {c.number for c in (valid, soon, expired, other) if c.display_number in html}

    assert shown() == {valid.number, soon.number, expired.number}
    assert shown(q=valid.display_number.lower()) == {valid.number}
    assert shown(expiring="1") == {soon.number}
    assert shown(status="expired") == {expired.number}
    assert shown(status="active") == {valid.number, soon.number}


def test_card_list_query_count(cast, login, django_assert_max_num_queries):
    for _ in range(30):
        make_card(cast.a.unit)
    client = login(cast.a.distributor)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("cards:card_list")).status_code == 200


def test_lifecycle_through_the_pages(cast, stock, login):
    card = services.card_register(scope=SYSTEM, unit=cast.a.unit, number=stock[0],
                                  birth_year=1980, postal_code="02100", children=1)
    client = login(cast.a.distributor)
    url = lambda name, n=card.number: reverse(f"cards:{name}", args=[n])  # noqa: E731
    # renewing needs the confirmation
    assert client.post(url("card_renew"), {}).status_code == 200
    # registered minutes ago: renewing warns and asks (nothing changes)
    body = client.post(url("card_renew"), {"confirmed": "on"}).content.decode()
    assert "still valid until" in body and 'type="checkbox" name="early"' in body
    assert not card.events.filter(kind="renewed").exists()
    assert client.post(url("card_renew"), {"confirmed": "on", "early": "on"}).status_code == 302
    assert client.post(url("card_update"), {"children": "3"}).status_code == 302
    card.refresh_from_db()
    assert card.children == 3
    response = client.post(url("card_replace"), {"new_number": stock[1], "reason": "lost"})
    assert response.status_code == 302
    new = Card.objects.get(number=stock[1])
    assert new.replaces == card
    page = client.get(url("card_detail")).content.decode()
    assert new.display_number in page
    assert client.post(url("card_inactivate", new.number),
                       {"reason": InactiveReason.MOVED_AWAY}).status_code == 302
    new.refresh_from_db()
    assert new.status == CardStatus.INACTIVE


def test_replace_with_unknown_number_shows_error(cast, stock, login):
    card = services.card_register(scope=SYSTEM, unit=cast.a.unit, number=stock[0],
                                  birth_year=1980, postal_code="02100", children=1)
    client = login(cast.a.distributor)
    response = client.post(reverse("cards:card_replace", args=[card.number]),
                           {"new_number": numbers.generate(), "reason": "lost"})
    assert response.status_code == 200 and "No card has this number" in response.content.decode()
    card.refresh_from_db()
    assert card.status == CardStatus.ACTIVE


def test_community_card_from_the_form(cast, login):
    client = login(cast.a.distributor)
    response = client.post(reverse("cards:community_issue"),
                           {"unit": str(cast.a.unit.pk), "number": ""})
    assert response.status_code == 302
    assert Card.objects.get().number.startswith("Z")


# --- scope ---------------------------------------------------------------------------

ACTIONS = ["card_detail", "card_renew", "card_update", "card_correct", "card_inactivate",
           "card_replace", "card_move"]


@pytest.mark.parametrize("name", ACTIONS)
def test_other_units_staff_venues_and_outsiders_get_404(cast, login, client, name):
    card = make_card(cast.a.unit)
    url = reverse(f"cards:{name}", args=[card.number])
    for user in (cast.b.distributor, cast.a.venue, cast.a.site_staff, cast.a.seller,
                 cast.b.welfare, cast.a.culture, cast.outsider):
        client = login(user)
        assert client.get(url).status_code == 404, user
        assert client.post(url, {"reason": "lost", "children": "0"}).status_code == 404, user
    card.refresh_from_db()
    assert card.status == CardStatus.ACTIVE


@pytest.mark.parametrize("name", ["card_renew", "card_update", "card_correct", "card_inactivate",
                                  "card_replace"])
def test_coordinators_see_but_cannot_do_desk_work(cast, login, name):
    card = make_card(cast.a.unit)
    for user in (cast.a.welfare, cast.national):
        client = login(user)
        assert client.get(reverse("cards:card_detail", args=[card.number])).status_code == 200
        assert client.post(reverse(f"cards:{name}", args=[card.number]),
                           {"reason": "lost"}).status_code == 403


def test_welfare_coordinator_moves_a_card(cast, login):
    from kaikukanta.network import services as network_services

    card = make_card(cast.a.unit)
    other = network_services.unit_create(scope=SYSTEM, organisation=cast.a.distributor_org,
                                         name="Youth work")
    # distributor staff may not move
    assert login(cast.a.distributor).post(reverse("cards:card_move", args=[card.number]),
                                          {"unit": other.pk}).status_code == 403
    client = login(cast.a.welfare)
    # a unit of another area is not offered
    response = client.post(reverse("cards:card_move", args=[card.number]),
                           {"unit": cast.b.unit.pk})
    assert response.status_code == 200
    card.refresh_from_db()
    assert card.unit == cast.a.unit
    response = client.post(reverse("cards:card_move", args=[card.number]), {"unit": other.pk})
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.unit == other


def test_pages_need_the_right_role(cast, login):
    for user in (cast.a.venue, cast.a.seller, cast.outsider, cast.a.culture):
        client = login(user)
        assert client.get(reverse("cards:register")).status_code == 403
        assert client.get(reverse("cards:community_issue")).status_code == 403
    for user in (cast.a.venue, cast.outsider, cast.a.distributor):
        client = login(user)
        assert client.get(reverse("cards:batch_list")).status_code == 403
        assert client.get(reverse("cards:batch_create")).status_code == 403
    for user in (cast.a.venue, cast.outsider, cast.a.culture):
        assert login(user).get(reverse("cards:card_list")).status_code == 403
    # national admins do no desk work
    assert login(cast.national).get(reverse("cards:register")).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("cards:card_list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_welfare_coordinator_sees_own_area_cards_only(cast, login):
    mine = make_card(cast.a.unit)
    theirs = make_card(cast.b.unit)
    html = login(cast.a.welfare).get(reverse("cards:card_list")).content.decode()
    assert mine.display_number in html and theirs.display_number not in html


# --- stock ---------------------------------------------------------------------------


def test_coordinator_makes_a_batch_and_downloads_it(cast, login):
    client = login(cast.a.culture)
    assert client.get(reverse("cards:batch_create")).status_code == 200
    response = client.post(reverse("cards:batch_create"),
                           {"area": cast.a.area.pk, "count": "12", "kind": "personal"})
    assert response.status_code == 302
    batch = cast.a.area.batches.get()
    assert batch.cards.count() == 12
    assert batch.created_by == cast.a.culture
    listing = client.get(reverse("cards:batch_list")).content.decode()
    assert reverse("cards:batch_pdf", args=[batch.pk]) in listing
    pdf = client.get(reverse("cards:batch_pdf", args=[batch.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    # another area's coordinator cannot see it or make batches for area a
    other = login(cast.b.welfare)
    assert other.get(reverse("cards:batch_pdf", args=[batch.pk])).status_code == 404
    assert reverse("cards:batch_pdf", args=[batch.pk]) not in other.get(
        reverse("cards:batch_list")).content.decode()
    response = other.post(reverse("cards:batch_create"),
                          {"area": cast.a.area.pk, "count": "5", "kind": "personal"})
    assert response.status_code == 200  # area a is not a choice
    assert cast.a.area.batches.count() == 1


def test_batch_size_error_is_shown(cast, login):
    client = login(cast.a.welfare)
    response = client.post(reverse("cards:batch_create"),
                           {"area": cast.a.area.pk, "count": "0", "kind": "personal"})
    assert response.status_code == 200 and "from 1 to" in response.content.decode()
    assert not cast.a.area.batches.exists()


def test_all_broken_rules_are_shown_at_once(cast, stock, login):
    client = login(cast.a.distributor)
    bad_check = stock[0][:-1] + ("A" if stock[0][-1] != "A" else "B")
    response = client.post(reverse("cards:register"), form(
        bad_check, unit=str(cast.a.unit.pk), birth_year=str(dt.date.today().year - 3),
        postal_code="12", children="-2"))
    html = response.content.decode()
    for text in ("check the number", "at least 16", "five digits", "from 0 to"):
        assert text in html, text
    assert not Card.objects.exclude(status=CardStatus.UNUSED).exists()


def test_registration_problems_lists_each_rule(cast, stock):
    problems = services.registration_problems(
        number=numbers.generate(), birth_year=1800, postal_code="abcde", children=99,
        gender="x", issued_on=timezone.localdate() - dt.timedelta(days=90))
    assert [p.code for p in problems] == [
        "card_date_too_old", "card_unknown", "card_birth_year_invalid",
        "card_postal_code_invalid", "card_children_invalid", "card_choice_invalid"]
    assert services.registration_problems(number=stock[0], birth_year=1980,
                                          postal_code="02100", children=0) == []


def test_coordinator_filters_by_unit(cast, login):
    from kaikukanta.network import services as network_services

    other = network_services.unit_create(scope=SYSTEM, organisation=cast.a.distributor_org,
                                         name="Youth work")
    first = make_card(cast.a.unit)
    second = make_card(other)
    client = login(cast.a.welfare)
    html = client.get(reverse("cards:card_list"), {"unit": other.pk}).content.decode()
    assert second.display_number in html and first.display_number not in html
    # a unit outside the scope is ignored, not used to filter
    html = client.get(reverse("cards:card_list"), {"unit": cast.b.unit.pk}).content.decode()
    assert second.display_number in html and first.display_number in html


def test_coordinator_finds_and_voids_a_stock_number(cast, stock, login):
    client = login(cast.a.culture)
    response = client.get(reverse("cards:batch_list"), {"number": numbers.display(stock[0])})
    assert response.status_code == 302
    assert response["Location"] == reverse("cards:card_detail", args=[stock[0]])
    page = client.get(response["Location"]).content.decode()
    assert reverse("cards:card_void", args=[stock[0]]) in page
    assert client.post(reverse("cards:card_void", args=[stock[0]]), {}).status_code == 200
    assert Card.objects.get(number=stock[0]).status == CardStatus.UNUSED  # not confirmed
    response = client.post(reverse("cards:card_void", args=[stock[0]]), {"confirmed": "on"})
    assert response.status_code == 302
    assert Card.objects.get(number=stock[0]).status == CardStatus.VOIDED
    # unknown and mistyped numbers are explained; another area's stock is not found
    html = client.get(reverse("cards:batch_list"), {"number": numbers.generate()}).content
    assert b"No card has this number" in html
    html = client.get(reverse("cards:batch_list"), {"number": "K7M4"}).content
    assert b"eight letters" in html
    assert login(cast.b.welfare).get(reverse("cards:batch_list"),
                                     {"number": stock[1]}).status_code == 200
    # paging the list without a number shows no error
    assert b"error-summary" not in client.get(reverse("cards:batch_list"), {"page": 1}).content


def test_registering_at_another_units_is_refused(cast, stock, login):
    client = login(cast.a.distributor)
    response = client.post(reverse("cards:register"),
                           form(stock[0], unit=str(cast.b.unit.pk)))
    assert response.status_code == 200
    assert Card.objects.get(number=stock[0]).status == CardStatus.UNUSED
    response = client.post(reverse("cards:community_issue"),
                           {"unit": str(cast.b.unit.pk), "number": ""})
    assert response.status_code == 200 and not Card.objects.filter(kind="community").exists()


def test_success_message_shows_the_validity(cast, stock, login):
    client = login(cast.a.distributor)
    response = client.post(reverse("cards:register"),
                           form(stock[0], unit=str(cast.a.unit.pk)), follow=True)
    card = Card.objects.get(number=stock[0])
    d = card.valid_until
    assert f"valid until {d.day} {d:%b} {d.year}" in response.content.decode()  # English
