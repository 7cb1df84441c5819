"""The desk and venue pages: the flow, scope, roles, no holder fields, page weight."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.cards.models import HOLDER_FIELDS, CardStatus
from kaikukanta.usage import services
from kaikukanta.usage.models import Category, Offer, OfferKind, Use, UseStatus
from tests.conftest import sign_in
from tests.usage.conftest import days, mk

DESK = reverse("usage:desk")
RECORD = reverse("usage:desk_record")


def token_of(body: str) -> str:
    return re.search(r'name="token" value="([0-9a-f]+)"', body).group(1)


def look_up(client, site, number):
    return client.get(DESK, {"site": site.pk, "number": number})


def test_desk_flow_record_two_children_refuse_third(cast, card, offer, client, today):
    sign_in(client, cast.a.venue)
    r = client.get(DESK)
    assert r.status_code == 200 and "Choose the site" in r.content.decode()  # two sites
    r = look_up(client, cast.a.site, card.display_number)
    body = r.content.decode()
    assert r.status_code == 200 and "VALID" in body and "NOT VALID" not in body
    assert 'autocomplete="off"' in body and "Up to 2 children" in body
    data = {"site": cast.a.site.pk, "number": card.display_number, "token": token_of(body),
            "offer": offer.pk, "event_date": today.isoformat(), "children": 2}
    r = client.post(RECORD, data)
    assert r.status_code == 302
    use = Use.objects.get()
    assert use.children == 2 and use.offer == offer and use.recorded_by == cast.a.venue
    # double submission of the same form: still one use
    r = client.post(RECORD, data)
    assert r.status_code == 302 and Use.objects.count() == 1
    # a third child is refused with its own message
    data.update(token="fresh-token", children=3, event_date=(today - days(1)).isoformat())
    body = client.post(RECORD, data).content.decode()
    assert "At most 2 children&#x27;s tickets" in body and Use.objects.count() == 1


@pytest.mark.parametrize(("state", "text"), [
    ("expired", "Expired on"),
    ("inactive", "Inactivated since"),
])
def test_desk_refuses_expired_and_inactive_cards_distinctly(cast, client, today, state, text):
    if state == "expired":
        c = mk(cast.a.unit, issued_on=today - days(400))
    else:
        c = mk(cast.a.unit, status=CardStatus.INACTIVE)
        c.inactivated_on = today - days(2)
        c.save()
    sign_in(client, cast.a.venue)
    body = look_up(client, cast.a.site, c.number).content.decode()
    assert "NOT VALID" in body and text in body and 'name="token"' not in body
    # posting anyway is refused by the service
    r = client.post(RECORD, {"site": cast.a.site.pk, "number": c.number, "token": "t1",
                             "category": Category.CULTURE, "event_date": today.isoformat()})
    assert Use.objects.count() == 0 and r.status_code == 200


def test_desk_never_shows_holder_fields(cast, card, offer, client):
    sign_in(client, cast.a.venue)
    body = look_up(client, cast.a.site, card.number).content.decode()
    assert "1937" not in body and "88600" not in body
    lowered = body.lower()
    for word in ("birth", "postal", "gender", "life situation", "municipality"):
        assert word not in lowered
    for field in HOLDER_FIELDS:
        if field != "children":
            assert field not in lowered


def test_desk_page_is_small(cast, card, client):
    sign_in(client, cast.a.venue)
    r = look_up(client, cast.a.site, card.number)
    # HTML of the answer page, before compression (the frame now has a title separator)
    assert len(r.content) < 12_500
    assert "<script>" not in r.content.decode() and "style=" not in r.content.decode()


def test_site_staff_record_at_own_site_only_and_cannot_manage_offers(cast, card, client):
    sign_in(client, cast.a.site_staff)
    r = client.get(DESK)  # one site: straight to the desk
    assert r.status_code == 200 and cast.a.site2.name in r.content.decode()
    assert look_up(client, cast.a.site, card.number).status_code == 404
    assert client.get(reverse("usage:offer_create")).status_code == 403
    offer = Offer.objects.create(venue=cast.a.venue_org, site=cast.a.site2, title_fi="Uinti",
                                 category=Category.SPORTS, kind=OfferKind.ADMISSION)
    assert client.get(reverse("usage:offer_edit", args=[offer.pk])).status_code == 403
    assert client.post(reverse("usage:offer_status", args=[offer.pk]),
                       {"status": "hidden"}).status_code == 403


def test_whole_organisation_staff_manage_offers(cast, client):
    sign_in(client, cast.a.venue)
    url = reverse("usage:offer_create")
    r = client.post(url, {"site": cast.a.site.pk, "title_fi": "Kurssi", "category": "education",
                          "kind": "course", "children_allowed": "on"})
    assert r.status_code == 302
    offer = Offer.objects.get()
    assert offer.children_allowed is False  # never for courses
    r = client.post(reverse("usage:offer_status", args=[offer.pk]), {"status": "ended"})
    offer.refresh_from_db()
    assert offer.status == "ended"
    # another venue's offer is out of scope
    sign_in(client, cast.b.venue)
    assert client.get(reverse("usage:offer_edit", args=[offer.pk])).status_code == 404
    assert client.get(url, {"venue": cast.a.venue_org.pk}).status_code == 404
    # a site of another venue cannot be chosen
    sign_in(client, cast.a.venue)
    r = client.post(url, {"site": cast.b.site.pk, "title_fi": "X", "category": "culture",
                          "kind": "event"})
    assert r.status_code == 200 and Offer.objects.count() == 1


def test_seller_records_for_linked_venues_only(cast, card, offer, client, today):
    sign_in(client, cast.a.seller)
    body = client.get(DESK).content.decode()
    assert cast.a.site.name in body and cast.b.site.name not in body
    body = look_up(client, cast.a.site, card.number).content.decode()
    assert "Tickets Espoo" in body
    client.post(RECORD, {"site": cast.a.site.pk, "number": card.number,
                         "token": token_of(body), "offer": offer.pk,
                         "event_date": today.isoformat(), "children": 0})
    use = Use.objects.get()
    assert use.seller == cast.a.seller_org and use.venue == cast.a.venue_org
    assert look_up(client, cast.b.site, card.number).status_code == 404
    assert client.post(RECORD, {"site": cast.b.site.pk}).status_code == 404
    # the seller sees the use in its list and the venue sees who sold it
    assert card.display_number in client.get(reverse("usage:uses")).content.decode()
    sign_in(client, cast.a.venue)
    assert "by Tickets Espoo" in client.get(reverse("usage:uses")).content.decode()


@pytest.mark.parametrize(("who", "status"), [
    ("national", 403), ("a.culture", 403), ("a.distributor", 403), ("outsider", 403),
    ("a.venue", 200), ("a.site_staff", 200), ("a.seller", 200),
])
def test_desk_by_role(cast, client, who, status):
    user = cast
    for part in who.split("."):
        user = getattr(user, part)
    sign_in(client, user)
    assert client.get(DESK).status_code == status
    assert client.get(reverse("usage:backfill")).status_code == status


def test_venue_sees_only_its_uses_and_cancels_within_scope(cast, card, card_b, offer, client,
                                                          today):
    use = services.use_record(scope=scope_for_user(cast.a.venue), site=cast.a.site,
                              card_number=card.number,
                              event_date=today, offer=offer)
    other = services.use_record(scope=scope_for_user(cast.b.venue), site=cast.b.site,
                                card_number=card_b.number, event_date=today,
                                category=Category.CULTURE)
    sign_in(client, cast.b.venue)
    body = client.get(reverse("usage:uses")).content.decode()
    assert card_b.display_number in body and card.display_number not in body
    assert client.post(reverse("usage:use_cancel", args=[use.pk]),
                       {"confirm": "1"}).status_code == 404
    sign_in(client, cast.a.venue)
    body = client.get(reverse("usage:uses")).content.decode()
    assert card.display_number in body and card_b.display_number not in body
    assert "1937" not in body and "88600" not in body
    r = client.post(reverse("usage:use_cancel", args=[use.pk]))  # asks first, naming it
    body = r.content.decode()
    assert r.status_code == 200 and card.display_number in body and offer.title in body
    assert today.strftime("%d.%m.%Y").lstrip("0") in body or str(today.day) in body
    use.refresh_from_db()
    assert use.status == UseStatus.RECORDED
    r = client.post(reverse("usage:use_cancel", args=[use.pk]), {"confirm": "1"}, follow=True)
    assert f"Cancelled: the use of card {card.display_number}, {offer.title}" in (
        r.content.decode())
    use.refresh_from_db()
    other.refresh_from_db()
    assert use.status == UseStatus.CANCELLED and other.status == UseStatus.RECORDED
    # the area's culture coordinator sees the use but cannot cancel it
    sign_in(client, cast.a.culture)
    assert card.display_number in client.get(reverse("usage:uses")).content.decode()


def test_month_counts(cast, card, offer, client, today):
    services.use_record(scope=scope_for_user(cast.a.venue), site=cast.a.site,
                        card_number=card.number,
                        event_date=today, offer=offer, children=2)
    services.use_record(scope=scope_for_user(cast.a.venue), site=cast.a.site,
                        card_number=card.number,
                        event_date=today, category=Category.CULTURE, children=1)
    sign_in(client, cast.a.venue)
    r = client.get(reverse("usage:use_months"))
    body = r.content.decode()
    assert '<td class="num">2</td><td class="num">3</td>' in body


def test_backfill_one_by_one(cast, card, offer, client, today):
    sign_in(client, cast.a.venue)
    url = reverse("usage:backfill")
    body = client.get(url, {"site": cast.a.site.pk}).content.decode()
    data = {"site": cast.a.site.pk, "number": card.number, "token": token_of(body),
            "offer": offer.pk, "event_date": (today - days(10)).isoformat(), "children": 1}
    assert client.post(url, data).status_code == 302
    use = Use.objects.get()
    assert use.backfilled and use.source == "backfill"
    data.update(token="another", event_date=(today - days(61)).isoformat())
    body = client.post(url, data).content.decode()
    assert "at most 60 days" in body and Use.objects.count() == 1


def test_query_counts_stay_flat(cast, offer, client, today, django_assert_max_num_queries):
    for _ in range(15):
        c = mk(cast.a.unit, children=1)
        services.use_record(scope=scope_for_user(cast.a.venue), site=cast.a.site,
                            card_number=c.number,
                            event_date=today, offer=offer, children=1)
    sign_in(client, cast.a.venue)
    client.get(DESK, {"site": cast.a.site.pk})
    with django_assert_max_num_queries(16):
        assert look_up(client, cast.a.site, c.number).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("usage:uses")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("usage:use_months")).status_code == 200


def test_community_card_at_the_desk(cast, offer, client, today):
    from kaikukanta.cards.models import CardKind

    community = mk(cast.a.unit, kind=CardKind.COMMUNITY)
    sign_in(client, cast.a.venue)
    body = look_up(client, cast.a.site, community.number).content.decode()
    assert "Community card" in body and "staff member&#x27;s ticket" in body
    assert "Accompanying clients under 16" in body and '<option value="10">' in body
    r = client.post(RECORD, {"site": cast.a.site.pk, "number": community.number,
                             "token": token_of(body), "offer": offer.pk,
                             "event_date": today.isoformat(), "children": 6})
    assert r.status_code == 302 and Use.objects.get().children == 6


@pytest.mark.parametrize(("lang", "valid", "not_valid"), [
    ("fi", "VOIMASSA", "EI VOIMASSA"), ("sv", "GILTIGT", "INTE GILTIGT"),
    ("en", "VALID", "NOT VALID"),
])
def test_desk_answer_in_three_languages(cast, card, client, settings, lang, valid, not_valid):
    sign_in(client, cast.a.venue)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    body = look_up(client, cast.a.site, card.number).content.decode()
    assert valid in body and not_valid not in body
    expired = mk(cast.a.unit, issued_on=card.issued_on.replace(year=card.issued_on.year - 2))
    body = look_up(client, cast.a.site, expired.number).content.decode()
    assert not_valid in body


@pytest.mark.parametrize(("lang", "title", "category", "cancelled"), [
    ("fi", "Näyttely", "Liikunta", "peruttu"), ("sv", "Utställning", "Motion", "annullerad"),
    ("en", "Exhibition", "Sports", "cancelled"),
])
def test_desk_lists_todays_last_five_uses_at_its_site(cast, offer, client, settings, today,
                                                     lang, title, category, cancelled):
    scope = scope_for_user(cast.a.venue)
    cards = [mk(cast.a.unit, children=2) for _ in range(7)]

    def record(card, *, site=cast.a.site, day=today, **kw):
        return services.use_record(scope=scope, site=site, card_number=card.number,
                                   event_date=day, **kw)

    record(cards[0], offer=offer)  # the oldest of six today: not among the last five
    record(cards[1], category=Category.SPORTS, day=today - days(1))  # yesterday
    record(cards[2], category=Category.SPORTS, site=cast.a.site2)  # another site
    record(cards[3], offer=offer)
    record(cards[4], category=Category.SPORTS, children=2)
    gone = record(cards[5], offer=offer)
    services.use_cancel(scope=scope, use=gone)
    record(cards[6], category=Category.SPORTS)
    record(cards[1], offer=offer)
    record(cards[2], offer=offer)  # newest
    sign_in(client, cast.a.venue)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    body = client.get(DESK, {"site": cast.a.site.pk}).content.decode()
    listed = re.search(r'<ul class="desk-recent">(.*?)</ul>', body, re.S).group(1)
    lines = re.findall(r"<li>(.*?)</li>", listed)
    assert lines == [
        f"{cards[2].display_number} · {title}",
        f"{cards[1].display_number} · {title}",
        f"{cards[6].display_number} · {category}",
        f"{cards[5].display_number} · {title} · {cancelled}",
        f"{cards[4].display_number} · {category} · +2",
    ]
    assert cards[3].display_number not in listed  # the sixth newest today
