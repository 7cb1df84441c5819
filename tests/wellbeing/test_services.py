"""Recording answers: one per card and time point, nothing out of range, only the card's
own unit (and the holder), and the mood meter once per use with nothing that leads back."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.audit.models import AuditEntry
from kaikukanta.cards.models import CardEvent, CardEventKind, CardKind
from kaikukanta.lib.errors import DomainError, NotAllowed
from kaikukanta.wellbeing import services
from kaikukanta.wellbeing.errors import (
    AlreadyAnswered,
    AnswerIncomplete,
    AnswerOutOfRange,
    MoodAlreadyAnswered,
    MoodNotYours,
    MoodOutOfRange,
    NotAPersonalCard,
    TimePointClosed,
    TimePointUnknown,
)
from kaikukanta.wellbeing.models import Channel, MoodAnswer, MoodReceipt, WellbeingAnswer
from tests.factories import make_card
from tests.usage.conftest import mk

ITEMS = {"who1": 3, "who2": 4, "who3": 2, "who4": 1, "who5": 5}  # raw 15 → score 60
TODAY = datetime.date.today()


def record(user, card, **kw):
    args = {"time_point": 0, "channel": Channel.SCREEN, "items": ITEMS,
            "participation": {"often": 2, "cost": 3, "belong": 4}}
    args.update(kw)
    return services.wellbeing_answer_record(scope=scope_for_user(user), card=card, **args)


@pytest.fixture
def card(cast):
    return make_card(cast.a.unit, issued_on=TODAY - datetime.timedelta(days=3))


def test_distributor_records_an_answer_at_issue(cast, card):
    record(cast.a.distributor, card)
    a = WellbeingAnswer.objects.get()
    assert (a.card_id, a.time_point, a.score, a.often, a.cost, a.belong) == (
        card.pk, 0, 60, 2, 3, 4)
    assert a.month == TODAY.replace(day=1) and a.area_id == cast.a.area.pk
    entry = AuditEntry.objects.get(action="wellbeing.answer_recorded")
    # the audit log says that an answer was saved, never for which card or what
    text = f"{entry.target_label} {entry.changes}"
    assert card.number not in text and "60" not in text and "who" not in text


def test_participation_is_optional(cast, card):
    record(cast.a.distributor, card, participation={})
    assert WellbeingAnswer.objects.get().often is None


def test_second_answer_for_the_same_time_point_is_refused(cast, card):
    record(cast.a.distributor, card)
    with pytest.raises(AlreadyAnswered):
        record(cast.a.distributor, card, channel=Channel.PAPER)
    assert WellbeingAnswer.objects.count() == 1


def test_the_database_holds_one_answer_per_time_point(cast, card):
    record(cast.a.distributor, card)
    row = WellbeingAnswer.objects.get()
    row.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save(force_insert=True)


@pytest.mark.parametrize("items, participation", [
    ({**ITEMS, "who1": 6}, {}),
    ({**ITEMS, "who3": -1}, {}),
    ({**ITEMS, "who2": "x"}, {}),
    ({**ITEMS, "who2": True}, {}),
    (ITEMS, {"often": 4}),
    (ITEMS, {"cost": 0}),
    (ITEMS, {"belong": "very"}),
    (ITEMS, {"comment": "free text"}),
    ({**ITEMS, "who6": 1}, {}),
])
def test_out_of_range_answers_are_refused_and_nothing_is_written(cast, card, items,
                                                                 participation):
    with pytest.raises(AnswerOutOfRange):
        record(cast.a.distributor, card, items=items, participation=participation)
    assert not WellbeingAnswer.objects.exists()
    assert not AuditEntry.objects.filter(action="wellbeing.answer_recorded").exists()


def test_an_incomplete_wellbeing_part_is_refused(cast, card):
    with pytest.raises(AnswerIncomplete):
        record(cast.a.distributor, card, items={"who1": 1, "who2": 2})
    assert not WellbeingAnswer.objects.exists()


def test_the_database_refuses_out_of_range_values(cast, card):
    with pytest.raises(IntegrityError), transaction.atomic():
        WellbeingAnswer.objects.create(card=card, time_point=0, month=TODAY.replace(day=1),
                                       channel="paper", who1=6, who2=0, who3=0, who4=0,
                                       who5=0, score=24)


@pytest.mark.parametrize("who", ["venue", "seller", "culture", "welfare", "other_distributor",
                                 "national", "outsider"])
def test_only_the_cards_own_unit_records(cast, card, who):
    user = {"venue": cast.a.venue, "seller": cast.a.seller, "culture": cast.a.culture,
            "welfare": cast.a.welfare, "other_distributor": cast.b.distributor,
            "national": cast.national, "outsider": cast.outsider}[who]
    with pytest.raises(NotAllowed):
        record(user, card)
    assert not WellbeingAnswer.objects.exists()


def test_time_points_issue_and_renewal(cast):
    card = make_card(cast.a.unit, issued_on=TODAY - datetime.timedelta(days=400))
    with pytest.raises(TimePointClosed):  # issued long ago: the issue time point has passed
        record(cast.a.distributor, card)
    with pytest.raises(TimePointUnknown):  # not renewed yet
        record(cast.a.distributor, card, time_point=1)
    CardEvent.objects.create(card=card, kind=CardEventKind.RENEWED, on=TODAY, unit=card.unit)
    record(cast.a.distributor, card, time_point=1)
    assert WellbeingAnswer.objects.get().time_point == 1
    with pytest.raises(AlreadyAnswered):
        record(cast.a.distributor, card, time_point=1)


def test_community_cards_have_no_wellbeing_meter(cast):
    card = make_card(cast.a.unit, kind=CardKind.COMMUNITY)
    with pytest.raises(NotAPersonalCard):
        record(cast.a.distributor, card)


def test_holder_answers_once_for_the_open_time_point(cast, card):
    assert services.holder_may_answer(card)
    services.wellbeing_answer_record_by_holder(card=card, items=ITEMS)
    assert WellbeingAnswer.objects.get().channel == Channel.OMA
    assert not services.holder_may_answer(card)
    with pytest.raises(AlreadyAnswered):
        services.wellbeing_answer_record_by_holder(card=card, items=ITEMS)
    with pytest.raises(AlreadyAnswered):  # nor by staff afterwards, from paper
        record(cast.a.distributor, card, channel=Channel.PAPER)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_answers_at_once_make_one_row(cast, card):
    barrier = threading.Barrier(2)
    results: list[str] = []

    def send(channel):
        try:
            barrier.wait()
            record(cast.a.distributor, card, channel=channel)
            results.append("ok")
        except DomainError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(c,)) for c in (Channel.SCREEN,
                                                                   Channel.PAPER)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "wellbeing_already_answered"]
    assert WellbeingAnswer.objects.count() == 1


# --- the mood meter ----------------------------------------------------------------------

@pytest.fixture
def use(cast):
    from kaikukanta.usage.models import Use

    card = mk(cast.a.unit)
    return Use.objects.create(card=card, venue=cast.a.venue_org, site=cast.a.site,
                              area=cast.a.area, card_area=cast.a.area, category="culture",
                              event_date=TODAY - datetime.timedelta(days=2))


def test_mood_answer_once_per_use_and_nothing_leads_back(use):
    services.mood_answer_record(card_ids=[use.card_id], use_id=use.pk, face=4, again="yes")
    answer = MoodAnswer.objects.get()
    assert (answer.face, answer.again, answer.venue_id, answer.site_id, answer.category) == (
        4, "yes", use.venue_id, use.site_id, "culture")
    assert answer.month == TODAY.replace(day=1)
    assert MoodReceipt.objects.filter(use_id=use.pk).exists()
    # the answer row has no card, use, date or time, and its key gives no order
    names = {f.name for f in MoodAnswer._meta.get_fields()}
    assert not names & {"card", "use", "event_date", "created_at", "answered_at", "at"}
    assert {f.name for f in MoodReceipt._meta.get_fields()} == {"use"}
    with pytest.raises(MoodAlreadyAnswered):
        services.mood_answer_record(card_ids=[use.card_id], use_id=use.pk, face=2)
    assert MoodAnswer.objects.count() == 1


@pytest.mark.parametrize("face, again", [(0, ""), (6, ""), ("x", ""), (None, ""),
                                         (3, "perhaps")])
def test_mood_out_of_range_is_refused(use, face, again):
    with pytest.raises(MoodOutOfRange):
        services.mood_answer_record(card_ids=[use.card_id], use_id=use.pk, face=face,
                                    again=again)
    assert not MoodAnswer.objects.exists() and not MoodReceipt.objects.exists()


def test_mood_only_for_own_recent_uses(cast, use):
    other = mk(cast.a.unit)
    with pytest.raises(MoodNotYours):
        services.mood_answer_record(card_ids=[other.pk], use_id=use.pk, face=3)
    use.event_date = TODAY - datetime.timedelta(days=services.MOOD_DAYS + 1)
    use.save(update_fields=["event_date"])
    with pytest.raises(MoodNotYours):
        services.mood_answer_record(card_ids=[use.card_id], use_id=use.pk, face=3)
    assert not MoodAnswer.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_mood_answers_for_one_use_at_once_make_one(cast):
    from kaikukanta.usage.models import Use

    card = mk(cast.a.unit)
    use = Use.objects.create(card=card, venue=cast.a.venue_org, site=cast.a.site,
                             area=cast.a.area, card_area=cast.a.area, category="culture",
                             event_date=TODAY)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def send(face):
        try:
            barrier.wait()
            services.mood_answer_record(card_ids=[card.pk], use_id=use.pk, face=face)
            results.append("ok")
        except DomainError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(f,)) for f in (2, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["mood_already_answered", "ok"]
    assert MoodAnswer.objects.count() == MoodReceipt.objects.count() == 1
