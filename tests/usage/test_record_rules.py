"""Every rule of recording a use, with its code and message (services)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.audit.models import AuditEntry
from kaikukanta.cards.errors import CardNumberInvalid, CardUnknown
from kaikukanta.cards.models import CardKind, CardStatus, InactiveReason
from kaikukanta.usage import errors, services
from kaikukanta.usage.models import (
    Category,
    Offer,
    OfferDateCount,
    OfferKind,
    OfferStatus,
    Use,
    UseSource,
    UseStatus,
)
from tests.usage.conftest import days
from tests.usage.conftest import mk as make_card


def record(cast, card, **kw):
    kw.setdefault("event_date", timezone.localdate())
    kw.setdefault("site", cast.a.site)
    return services.use_record(scope=scope_for_user(cast.a.venue), card_number=card.number, **kw)


def test_record_sets_areas_category_hooks_and_audit(cast, card_b, offer, monkeypatch):
    seen = []
    monkeypatch.setattr("kaikukanta.stats.hooks.on_use_recorded", lambda use: seen.append(use))
    use = record(cast, card_b, offer=offer, children=1, companion=True)
    assert use.area == cast.a.area and use.card_area == cast.b.area  # cross-area use
    assert use.venue == cast.a.venue_org and use.site == cast.a.site
    assert use.category == Category.CULTURE and use.children == 1 and use.companion
    assert use.status == UseStatus.RECORDED and not use.backfilled
    assert use.recorded_by == cast.a.venue
    assert seen == [use]
    entry = AuditEntry.objects.get(action="use.recorded")
    assert entry.organisation_id == cast.a.venue_org.pk
    assert "1980" not in str(entry.changes) and "02100" not in str(entry.changes)


def test_general_admission_needs_a_category(cast, card):
    with pytest.raises(errors.CategoryRequired):
        record(cast, card)
    use = record(cast, card, category=Category.SPORTS)
    assert use.offer is None and use.category == Category.SPORTS


@pytest.mark.parametrize(("build", "error", "code"), [
    (lambda c: make_card(c.a.unit, issued_on=datetime.date(2020, 1, 1)),
     errors.CardExpired, "card_expired"),
    (lambda c: make_card(status=CardStatus.UNUSED), CardUnknown, "card_unknown"),
    (lambda c: make_card(status=CardStatus.VOIDED), CardUnknown, "card_unknown"),
])
def test_card_must_be_valid(cast, build, error, code):
    card = build(cast)
    with pytest.raises(error) as exc:
        record(cast, card, category=Category.CULTURE)
    assert exc.value.code == code
    assert not Use.objects.exists()


def test_inactive_and_replaced_cards_have_distinct_errors(cast, today):
    old = make_card(cast.a.unit, status=CardStatus.INACTIVE, issued_on=today - days(30))
    old.inactivated_on = today - days(3)
    old.inactive_reason = InactiveReason.LOST
    old.save()
    with pytest.raises(errors.CardInactive) as exc:
        record(cast, old, category=Category.CULTURE)
    assert exc.value.code == "card_inactive"
    assert date_format(today - days(3), "SHORT_DATE_FORMAT") in str(exc.value)
    new = make_card(cast.a.unit)
    new.replaces = old
    new.save()
    with pytest.raises(errors.CardReplaced) as exc:
        record(cast, old, category=Category.CULTURE)
    assert new.display_number in str(exc.value)
    # a use on a day before the card was inactivated can still be entered afterwards
    use = record(cast, old, category=Category.CULTURE, event_date=today - days(5),
                 source=UseSource.BACKFILL)
    assert use.backfilled
    with pytest.raises(errors.CardNotYetValid):
        record(cast, old, category=Category.CULTURE, event_date=today - days(31))


def test_unknown_and_malformed_numbers(cast):
    with pytest.raises(CardNumberInvalid):
        services.use_record(scope=scope_for_user(cast.a.venue), site=cast.a.site, card_number="123",
                            event_date=timezone.localdate(), category=Category.CULTURE)
    from kaikukanta.cards import numbers

    with pytest.raises(CardUnknown):
        services.use_record(scope=scope_for_user(cast.a.venue), site=cast.a.site,
                            card_number=numbers.generate(), event_date=timezone.localdate(),
                            category=Category.CULTURE)


def test_children_within_the_registered_number(cast, card, offer):
    with pytest.raises(errors.TooManyChildren) as exc:
        record(cast, card, offer=offer, children=3)
    assert "2" in str(exc.value)
    assert record(cast, card, offer=offer, children=2).children == 2


def test_community_card_clients_under_16(cast, offer):
    community = make_card(cast.a.unit, kind=CardKind.COMMUNITY, children=0)
    use = record(cast, community, offer=offer, children=8)
    assert use.children == 8
    with pytest.raises(errors.TooManyChildren):
        record(cast, community, offer=offer, children=11,
               event_date=timezone.localdate() - days(1))


def test_no_children_for_courses_or_offers_without_them(cast, card, course, offer):
    with pytest.raises(errors.ChildrenNotAllowed):
        record(cast, card, offer=course, children=1)
    offer.children_allowed = False
    offer.save()
    with pytest.raises(errors.ChildrenNotAllowed) as exc:
        record(cast, card, offer=offer, children=1)
    assert exc.value.code == "children_not_allowed"


def test_event_date_range(cast, card, course, today):
    with pytest.raises(errors.EventDateInFuture):
        record(cast, card, category=Category.CULTURE, event_date=today + days(366))
    # tickets sold in advance: a future event within the card's validity
    ahead = record(cast, card, category=Category.CULTURE, event_date=today + days(20))
    assert not ahead.backfilled
    with pytest.raises(errors.EventDateTooOld):
        record(cast, card, category=Category.CULTURE, event_date=today - days(61))
    use = record(cast, card, category=Category.CULTURE, event_date=today - days(60))
    assert use.backfilled
    # a course place may be booked ahead (within the card's validity)
    assert not record(cast, card, offer=course, event_date=today + days(30)).backfilled


def test_same_card_once_per_offer_or_admission_and_date(cast, card, offer, today):
    record(cast, card, offer=offer)
    with pytest.raises(errors.AlreadyRecorded) as exc:
        record(cast, card, offer=offer)
    assert exc.value.code == "already_recorded"
    record(cast, card, offer=offer, event_date=today - days(1))
    record(cast, card, category=Category.CULTURE)
    with pytest.raises(errors.AlreadyRecorded):
        record(cast, card, category=Category.SPORTS)
    record(cast, card, category=Category.SPORTS, site=cast.a.site2)
    assert Use.objects.count() == 4


def test_offer_must_belong_to_the_site_and_run_on_the_date(cast, card, offer, today):
    other = Offer.objects.create(venue=cast.b.venue_org, site=cast.b.site, title_fi="B",
                                 category=Category.CULTURE, kind=OfferKind.EVENT)
    with pytest.raises(errors.OfferNotAvailable):
        record(cast, card, offer=other)
    with pytest.raises(errors.OfferNotAvailable):
        record(cast, card, offer=offer, site=cast.a.site2)
    offer.ends_on = today - days(1)
    offer.save()
    with pytest.raises(errors.OfferNotAvailable):
        record(cast, card, offer=offer)
    offer.ends_on = None
    offer.status = OfferStatus.HIDDEN
    offer.save()
    with pytest.raises(errors.OfferNotAvailable) as exc:
        record(cast, card, offer=offer)
    assert exc.value.code == "offer_not_available"


def test_cap_counts_holder_and_children_and_cancel_frees(cast, card, offer):
    offer.cap_per_date = 4
    offer.save()
    first = record(cast, card, offer=offer, children=2, companion=True)  # 3 places
    other = make_card(cast.a.unit, children=1)
    with pytest.raises(errors.OfferCapReached) as exc:
        record(cast, other, offer=offer, children=1)
    assert exc.value.code == "offer_cap_reached" and "1 left" in str(exc.value)
    record(cast, other, offer=offer)  # the last place
    assert OfferDateCount.objects.get().tickets == 4
    services.use_cancel(scope=scope_for_user(cast.a.venue), use=first)
    assert OfferDateCount.objects.get().tickets == 1
    third = make_card(cast.a.unit, children=2)
    record(cast, third, offer=offer, children=2)


def test_cap_counter_is_seeded_from_existing_uses(cast, card, offer):
    record(cast, card, offer=offer, children=2)
    OfferDateCount.objects.all().delete()  # e.g. uses loaded in bulk before the cap was set
    offer.cap_per_date = 4
    offer.save()
    with pytest.raises(errors.OfferCapReached):
        record(cast, make_card(cast.a.unit, children=1), offer=offer, children=1)


def test_same_request_token_gives_the_same_use(cast, card, offer):
    one = record(cast, card, offer=offer, request_token="tok-1")
    two = record(cast, card, offer=offer, request_token="tok-1")
    assert one.pk == two.pk and Use.objects.count() == 1


def test_cancel_within_seven_days_once(cast, card, offer, monkeypatch):
    cancelled = []
    monkeypatch.setattr("kaikukanta.stats.hooks.on_use_cancelled",
                        lambda use: cancelled.append(use))
    use = record(cast, card, offer=offer)
    services.use_cancel(scope=scope_for_user(cast.a.venue), use=use)
    use.refresh_from_db()
    assert use.status == UseStatus.CANCELLED and use.cancelled_by == cast.a.venue
    assert cancelled == [use] and Use.objects.count() == 1  # kept, not deleted
    assert AuditEntry.objects.filter(action="use.cancelled").exists()
    with pytest.raises(errors.AlreadyCancelled):
        services.use_cancel(scope=scope_for_user(cast.a.venue), use=use)
    again = record(cast, card, offer=offer)  # may be recorded again after cancelling
    Use.objects.filter(pk=again.pk).update(recorded_at=timezone.now() - days(8))
    with pytest.raises(errors.CancelWindowPassed) as exc:
        services.use_cancel(scope=scope_for_user(cast.a.venue), use=again)
    assert exc.value.code == "cancel_window_passed"


@pytest.mark.parametrize(("lang", "error", "text"), [
    ("fi", errors.TooManyChildren(max=2), "Tällä kortilla voi antaa enintään 2 lasten lippua."),
    ("sv", errors.TooManyChildren(max=2), "Med det här kortet kan högst 2 barnbiljetter ges."),
    ("en", errors.TooManyChildren(max=2),
     "At most 2 children's tickets can be given with this card."),
    ("fi", errors.AlreadyRecorded(),
     "Tämä kortti on jo kirjattu tähän tarjoukseen tälle päivälle."),
    ("sv", errors.AlreadyRecorded(),
     "Det här kortet har redan registrerats för det här erbjudandet den här dagen."),
    ("fi", errors.CardExpired(date="1.2.2026"), "Kortin voimassaolo päättyi 1.2.2026."),
    ("sv", errors.CardInactive(date="1.2.2026"), "Kortet har inaktiverats 1.2.2026"),
    ("en", errors.CardReplaced(number="K7M4-9QX2"), "replaced by card K7M4-9QX2"),
    ("fi", errors.OfferCapReached(left=0, wanted=2),
     "Kaikukortti-liput tälle päivälle on käytetty"),
    ("sv", errors.ChildrenNotAllowed(), "Barnbiljetter ges inte"),
    ("fi", errors.LookupThrottled(minutes=15), "Liian monta tuntematonta kortin numeroa"),
])
def test_messages_in_three_languages(lang, error, text):
    with translation.override(lang):
        assert text in str(error)
