"""The demo's offers and a year of uses, and the cards the desk demo needs."""

from django.db import models
from django.utils import timezone

from kaikukanta.cards.models import Card
from kaikukanta.usage.models import Offer, OfferKind, Use, UseStatus


def test_demo_has_offers_a_year_of_uses_and_desk_cards(demo):
    uses = Use.objects.all()
    assert uses.count() > 1000 and Offer.objects.count() >= 10
    assert uses.filter(status=UseStatus.CANCELLED).exists()
    assert uses.filter(backfilled=True).exists() and uses.filter(children__gt=0).exists()
    assert uses.exclude(card_area=models.F("area")).exists()  # cross-area uses
    assert uses.filter(seller__isnull=False).values("venue").distinct().count() == 2
    weekend = uses.filter(event_date__week_day__in=[1, 7]).count() / 2
    weekday = uses.exclude(event_date__week_day__in=[1, 7]).count() / 5
    assert weekend > weekday
    assert uses.filter(offer__kind=OfferKind.COURSE_SEASON, children__gt=0).count() == 0
    valid = Card.objects.get(number__startswith="DESK2KA")
    assert valid.children == 2 and valid.is_valid_on(timezone.localdate())
