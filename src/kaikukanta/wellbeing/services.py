"""Recording answers of the wellbeing meter and the mood meter: the one home of their rules.

- Answering is voluntary; an answer is all five WHO-5 statements (0–5 each) and up to three
  participation choices, nothing else (no free text).
- One answer per card and time point (issue = 0, the n-th renewal = n): checked here and
  held by a unique constraint, so two answers sent at the same moment give one row and one
  `AlreadyAnswered`.
- A time point can be answered within `ANSWER_DAYS` days of the issue or renewal.
- Staff record answers for cards of their own unit (on their screen handed to the holder,
  or from a paper form); the holder answers in OmaKaiku for their current card.
- The mood meter is answered by the holder for one of their own recorded uses, once.

The audit log says that an answer was recorded, by whom and at which unit, never for
which card and never what was answered.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone

from kaikukanta.audit.services import audit_log
from kaikukanta.cards.errors import CardNotActive
from kaikukanta.cards.models import Card, CardEvent, CardEventKind, CardKind, CardStatus
from kaikukanta.lib.errors import NotAllowed
from kaikukanta.lib.permissions import Perm, require
from kaikukanta.lib.scope import Scope
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
from kaikukanta.wellbeing.questions import (
    MOOD_AGAIN,
    PARTICIPATION,
    WHO5_ITEMS,
    WHO5_MAX,
    WHO5_MIN,
    who5_score,
)

ANSWER_DAYS = 90  # a time point is open this many days after the issue or renewal
MOOD_DAYS = 90  # a use can be rated this many days after its date


def _today() -> datetime.date:
    return timezone.localdate()


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


# --- time points -----------------------------------------------------------------------

def time_points(card: Card) -> list[tuple[int, datetime.date]]:
    """The card's time points: (0, the issue date) and (n, the n-th renewal's date)."""
    if card.issued_on is None:
        return []
    renewals = (CardEvent.objects.filter(card=card, kind=CardEventKind.RENEWED)
                .order_by("on", "at", "id").values_list("on", flat=True))
    return [(0, card.issued_on)] + [(i, on) for i, on in enumerate(renewals, start=1)]


def open_time_points(card: Card, today: datetime.date | None = None) -> list[int]:
    """The time points that may still be answered (answered or not), newest first."""
    today = today or _today()
    points = time_points(card)
    # only the newest time point is open: an issue answer after a renewal would be late
    return [tp for tp, on in points[-1:] if 0 <= (today - on).days <= ANSWER_DAYS]


def _check_card(card: Card) -> None:
    if card.kind != CardKind.PERSONAL:
        raise NotAPersonalCard()
    if card.status != CardStatus.ACTIVE:
        raise CardNotActive()


def _check_time_point(card: Card, time_point: int, today: datetime.date) -> None:
    points = dict(time_points(card))
    if time_point not in points:
        raise TimePointUnknown()
    if time_point not in open_time_points(card, today):
        raise TimePointClosed(days=ANSWER_DAYS)


# --- the answer ------------------------------------------------------------------------

def _as_int(value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not text.lstrip("-").isdigit():
        raise ValueError(value)
    return int(text)


def clean_answer(items: Mapping[str, object], participation: Mapping[str, object]) -> dict:
    """The answer as model fields, or `AnswerIncomplete` / `AnswerOutOfRange`."""
    out: dict[str, int | None] = {}
    for key, label in WHO5_ITEMS:
        try:
            value = _as_int(items.get(key))
        except ValueError:
            raise AnswerOutOfRange(question=str(label)) from None
        if value is None:
            raise AnswerIncomplete()
        if not WHO5_MIN <= value <= WHO5_MAX:
            raise AnswerOutOfRange(question=str(label))
        out[key] = value
    for key, label, choices in PARTICIPATION:
        try:
            value = _as_int(participation.get(key))
        except ValueError:
            raise AnswerOutOfRange(question=str(label)) from None
        if value is not None and value not in {v for v, _l in choices}:
            raise AnswerOutOfRange(question=str(label))
        out[key] = value
    unknown = set(items) - {k for k, _l in WHO5_ITEMS} | set(participation) - {
        k for k, _q, _c in PARTICIPATION}
    if unknown:
        raise AnswerOutOfRange(question=", ".join(sorted(unknown)))
    out["score"] = who5_score([out[k] for k, _l in WHO5_ITEMS])
    return out


def _store(card: Card, time_point: int, channel: str, fields: dict,
           today: datetime.date) -> WellbeingAnswer:
    if WellbeingAnswer.objects.filter(card=card, time_point=time_point).exists():
        raise AlreadyAnswered()
    try:
        with transaction.atomic():  # a savepoint: the race's loser gets the domain error
            return WellbeingAnswer.objects.create(
                card=card, time_point=time_point, channel=channel, month=month_of(today),
                area_id=card.area_id, municipality_id=card.municipality_id, **fields)
    except IntegrityError:
        raise AlreadyAnswered() from None


@transaction.atomic
def wellbeing_answer_record(*, scope: Scope, card: Card, time_point: int, channel: str,
                            items: Mapping[str, object],
                            participation: Mapping[str, object] | None = None,
                            today: datetime.date | None = None) -> None:
    """Staff of the card's issuing unit record the holder's answer: the holder answered on
    the staff member's screen (`Channel.SCREEN`) or on paper (`Channel.PAPER`). Returns
    nothing: the answer is not shown back."""
    if card.unit is None:
        raise NotAllowed()
    require(scope, Perm.ISSUE_CARDS, card.unit)
    if channel not in (Channel.SCREEN, Channel.PAPER):
        raise AnswerOutOfRange(question="channel")
    today = today or _today()
    _check_card(card)
    fields = clean_answer(items, participation or {})
    _check_time_point(card, int(time_point), today)
    _store(card, int(time_point), channel, fields, today)
    audit_log(action="wellbeing.answer_recorded", scope=scope,
              target_label=str(card.unit), area=card.area,
              organisation=card.unit.organisation, changes={"channel": channel})


@transaction.atomic
def wellbeing_answer_record_by_holder(*, card: Card, items: Mapping[str, object],
                                      participation: Mapping[str, object] | None = None,
                                      today: datetime.date | None = None) -> None:
    """The holder answers in OmaKaiku for their current card (the caller has signed the
    holder in and found the card), at the card's open time point."""
    today = today or _today()
    _check_card(card)
    fields = clean_answer(items, participation or {})
    points = open_time_points(card, today)
    if not points:
        raise TimePointClosed(days=ANSWER_DAYS)
    _store(card, points[0], Channel.OMA, fields, today)


def holder_may_answer(card: Card, today: datetime.date | None = None) -> bool:
    """Whether OmaKaiku offers the questionnaire to the holder of this card now."""
    if card.kind != CardKind.PERSONAL or card.status != CardStatus.ACTIVE:
        return False
    points = open_time_points(card, today)
    return bool(points) and not WellbeingAnswer.objects.filter(
        card=card, time_point=points[0]).exists()


# --- the mood meter --------------------------------------------------------------------

def answered_uses(use_ids: Iterable[int]) -> set[int]:
    """Which of these uses (the holder's own) already have a mood answer."""
    return set(MoodReceipt.objects.filter(use_id__in=list(use_ids))
               .values_list("use_id", flat=True))


def mood_open(use, today: datetime.date | None = None) -> bool:
    from kaikukanta.usage.models import UseStatus

    today = today or _today()
    return (use.status == UseStatus.RECORDED
            and 0 <= (today - use.event_date).days <= MOOD_DAYS)


@transaction.atomic
def mood_answer_record(*, card_ids: Iterable[int], use_id: int, face: object,
                       again: object = "", today: datetime.date | None = None) -> None:
    """The holder of the cards `card_ids` (their card and the cards it replaced) answers
    "How was it?" for one of their own recorded uses, once. The answer is stored apart
    from the use (`MoodAnswer` has no card, use or date)."""
    from kaikukanta.usage.models import Use

    today = today or _today()
    use = (Use.objects.select_related("site").filter(pk=use_id, card_id__in=list(card_ids))
           .first())
    if use is None or not mood_open(use, today):
        raise MoodNotYours()
    try:
        face_value = _as_int(face)
    except ValueError:
        raise MoodOutOfRange() from None
    if face_value is None or not 1 <= face_value <= 5:
        raise MoodOutOfRange()
    again = "" if again is None else str(again)
    if again not in {"", *(v for v, _l in MOOD_AGAIN)}:
        raise MoodOutOfRange()
    if MoodReceipt.objects.filter(use_id=use.pk).exists():
        raise MoodAlreadyAnswered()
    try:
        with transaction.atomic():
            MoodReceipt.objects.create(use_id=use.pk)
    except IntegrityError:
        raise MoodAlreadyAnswered() from None
    MoodAnswer.objects.create(
        venue_id=use.venue_id, site_id=use.site_id, offer_id=use.offer_id,
        area_id=use.area_id, municipality_id=use.site.municipality_id,
        category=use.category, month=month_of(today), face=face_value, again=again)
