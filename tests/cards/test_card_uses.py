"""The card page lists the card's uses, with those of the card it replaced."""

import datetime
import re

from django.urls import reverse

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.cards import numbers
from kaikukanta.cards.models import Card, CardStatus
from kaikukanta.cards.services import card_replace
from kaikukanta.usage.models import Category, Use
from tests.conftest import sign_in
from tests.factories import make_card


def _use(card, site, day, children=0):
    return Use.objects.create(
        card=card, venue=site.organisation, site=site, area=site.organisation.home_area,
        card_area=card.area, category=Category.CULTURE, event_date=day, children=children,
    )


def test_card_page_lists_uses_of_the_card_and_the_card_it_replaced(cast, client):
    a = cast.a
    today = datetime.date.today()
    old = make_card(a.unit, children=1)
    _use(old, a.site, today - datetime.timedelta(days=3), children=1)
    stock = Card.objects.create(number=numbers.generate(), status=CardStatus.UNUSED)
    new = card_replace(scope=scope_for_user(a.distributor), card=old, new_number=stock.number)
    _use(new, a.site2, today)
    sign_in(client, a.distributor)
    body = client.get(reverse("cards:card_detail", args=[new.number])).content.decode()
    assert a.site.name in body and a.site2.name in body
    assert old.display_number in body
    title = re.search(r"<title>(.*?)</title>", body, re.S).group(1)
    assert "<" not in title and new.display_number in title
    assert body.count(a.site2.name) == 1  # the uses table is in the page once, not in <head>
    # another unit's staff still gets 404 for the page
    sign_in(client, cast.b.distributor)
    assert client.get(reverse("cards:card_detail", args=[new.number])).status_code == 404
