"""Writes to the card registry: card stock, registration and the card's life.

Every business rule about cards lives here, once, and so does the permission check: each
function receives the actor's `scope` (a person's, an API key's or the system's) and
asks `require(scope, Perm.X, obj)` before it writes. Each change runs in one
transaction, writes a `CardEvent`, publishes it (`lib.events`, "card.changed")
and writes one audit entry without holder data.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from kaikukanta.audit.services import audit_log
from kaikukanta.cards import numbers
from kaikukanta.cards.errors import (
    BatchSizeInvalid,
    BirthYearInvalid,
    CardAlreadyRegistered,
    CardAlreadyReplaced,
    CardCorrectionTooLate,
    CardMoveInvalid,
    CardNotActive,
    CardNotInStock,
    CardRenewalEarly,
    CardVoided,
    CardWrongKind,
    ChildrenInvalid,
    ChoiceInvalid,
    HolderTooYoung,
    InactiveReasonInvalid,
    IssueDateInFuture,
    IssueDateTooOld,
    MunicipalityOutsideNetwork,
    NumbersExhausted,
    PostalCodeInvalid,
    PostalCodeUnknown,
)
from kaikukanta.cards.models import (
    HOLDER_FIELDS,
    Card,
    CardBatch,
    CardEvent,
    CardEventKind,
    CardKind,
    CardStatus,
    Gender,
    InactiveReason,
    LifeSituation,
    PreferredLanguage,
)
from kaikukanta.cards.selectors import card_by_number
from kaikukanta.cards.validity import BACKFILL_DAYS, validity_end
from kaikukanta.geo.models import Municipality, PostalCode
from kaikukanta.geo.selectors import foreign_postal_code
from kaikukanta.lib import events
from kaikukanta.lib.errors import DomainError, NotAllowed
from kaikukanta.lib.formatting import day as day_text
from kaikukanta.lib.permissions import Perm, require
from kaikukanta.lib.scope import Scope
from kaikukanta.network.models import Area, OrganisationKind, Unit

MAX_BATCH_SIZE = 10_000
MIN_AGE = 16  # the holder is 16 or turns 16 in the calendar year of issue
MAX_AGE = 110  # an older birth year is a typing mistake
MAX_CHILDREN = 20
_GENERATE_ATTEMPTS = 20


# --- rules ---------------------------------------------------------------------------


def _today() -> datetime.date:
    return timezone.localdate()


def _check_date(day: datetime.date | None) -> tuple[datetime.date, bool]:
    """The date of issue or renewal and whether it is entered afterwards (backfilled)."""
    today = _today()
    if day is None or day == today:
        return today, False
    if day > today:
        raise IssueDateInFuture()
    if (today - day).days > BACKFILL_DAYS:
        raise IssueDateTooOld(days=BACKFILL_DAYS)
    return day, True


def _check_birth_year(birth_year: int, on: datetime.date) -> None:
    youngest = on.year - MIN_AGE
    oldest = on.year - MAX_AGE
    if not isinstance(birth_year, int) or birth_year < oldest or birth_year > on.year:
        raise BirthYearInvalid(oldest=oldest, youngest=on.year)
    if birth_year > youngest:
        raise HolderTooYoung(youngest=youngest)


def _check_postal_code(postal_code: str) -> tuple[str, Municipality | None]:
    """The postal code and its municipality. With the postal-code table loaded, the code
    must exist and its municipality must belong to an operating area. A postal code of a
    municipality abroad (in its own format, see `Municipality.postal_code_format`) gives
    that municipality, which must belong to an operating area too."""
    code = (postal_code or "").strip()
    abroad = foreign_postal_code(code)
    if abroad is not None:
        code, municipality = abroad
        if not Area.objects.operating().filter(municipalities=municipality).exists():
            raise MunicipalityOutsideNetwork(municipality=municipality.name)
        return code, municipality
    if len(code) != 5 or not code.isdigit():
        raise PostalCodeInvalid()
    if not PostalCode.objects.exists():
        return code, None
    row = PostalCode.objects.select_related("municipality").filter(code=code).first()
    if row is None:
        raise PostalCodeUnknown(code=code)
    municipality = row.municipality
    if not Area.objects.operating().filter(municipalities=municipality).exists():
        raise MunicipalityOutsideNetwork(municipality=municipality.name)
    return code, municipality


def _check_children(children: int) -> None:
    if not isinstance(children, int) or isinstance(children, bool) or not (
        0 <= children <= MAX_CHILDREN
    ):
        raise ChildrenInvalid(max=MAX_CHILDREN)


def _check_choice(value: str, choices, field: str) -> str:
    value = value or ""
    if value and value not in choices.values:
        raise ChoiceInvalid(field=field)
    return value


def _optional(gender: str, life_situation: str, preferred_language: str) -> dict[str, str]:
    return {
        "gender": _check_choice(gender, Gender, "gender"),
        "life_situation": _check_choice(life_situation, LifeSituation, "life_situation"),
        "preferred_language": _check_choice(preferred_language, PreferredLanguage,
                                            "preferred_language"),
    }


def _stock_card_for_update(number: str, kind: str) -> Card:
    """The unused stock row for a typed number, locked until the transaction ends."""
    card = card_by_number(number, for_update=True)
    _check_stock(card, kind)
    return card


def _check_stock(card: Card, kind: str) -> None:
    if card.status == CardStatus.VOIDED:
        raise CardVoided()
    if card.status != CardStatus.UNUSED:
        raise CardAlreadyRegistered()
    if card.kind != kind:
        raise CardWrongKind(kind=str(CardKind(card.kind).label))


def _require_active(card: Card) -> None:
    if card.status != CardStatus.ACTIVE:
        raise CardNotActive()


# --- writing --------------------------------------------------------------------------


def _require_issuer(scope: Scope, card: Card) -> None:
    """Changes to a registered card belong to its issuing unit."""
    if card.unit is None:
        raise NotAllowed()
    require(scope, Perm.ISSUE_CARDS, card.unit)


def _record(card: Card, kind: str, *, scope: Scope, on: datetime.date, action: str,
            changes: dict) -> CardEvent:
    """The event, the statistics and the audit entry of one change."""
    event = CardEvent.objects.create(card=card, kind=kind, on=on, unit=card.unit,
                                     valid_until=card.valid_until, by_id=scope.user_id)
    events.publish("card.changed", card=card, event=event)
    audit_log(
        action=action, scope=scope, target=card, area=card.area,
        organisation=card.unit.organisation if card.unit_id else None,
        changes={"number": card.number, **changes},
    )
    return event


def _locked(card: Card) -> Card:
    return (Card.objects.select_for_update(of=("self",))
            .select_related("unit__organisation").get(pk=card.pk))


def _new_numbers(count: int, prefix: str = "") -> list[str]:
    """`count` numbers no card has yet (collisions are drawn again)."""
    wanted: set[str] = set()
    for _attempt in range(_GENERATE_ATTEMPTS):
        while len(wanted) < count:
            wanted.add(numbers.generate(prefix))
        taken = set()
        ordered = sorted(wanted)
        for i in range(0, len(ordered), 1000):
            taken |= set(Card.objects.filter(number__in=ordered[i:i + 1000])
                         .values_list("number", flat=True))
        if not taken:
            return sorted(wanted)
        wanted -= taken
    raise NumbersExhausted()


@transaction.atomic
def batch_create(*, scope: Scope, area: Area, count: int,
                 kind: str = CardKind.PERSONAL) -> CardBatch:
    """A batch of `count` new printed numbers for `area` (unique nationally)."""
    require(scope, Perm.MANAGE_CARD_STOCK, area)
    if isinstance(count, bool) or not isinstance(count, int) or not (
        1 <= count <= MAX_BATCH_SIZE
    ):
        raise BatchSizeInvalid(max=MAX_BATCH_SIZE)
    if kind not in CardKind.values:
        raise ChoiceInvalid(field="kind")
    batch = CardBatch.objects.create(area=area, size=count, kind=kind,
                                     created_by_id=scope.user_id)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                Card.objects.bulk_create(
                    [Card(number=n, kind=kind, batch=batch) for n in _new_numbers(count)],
                    batch_size=1000,
                )
            break
        except IntegrityError:  # another batch took one of the numbers meanwhile
            continue
    else:
        raise NumbersExhausted()
    audit_log(action="card_batch.created", scope=scope, target=batch, area=area,
              changes={"size": count, "kind": kind})
    return batch


def _register(*, scope: Scope, card: Card, unit: Unit, issued_on: datetime.date,
              backfilled: bool, fields: dict, mobile_only: bool = False) -> Card:
    card.status = CardStatus.ACTIVE
    card.unit = unit
    card.area = unit.organisation.home_area
    card.issued_on = issued_on
    card.valid_until = validity_end(issued_on)
    card.backfilled = backfilled
    card.registered_at = timezone.now()
    card.mobile_only = mobile_only
    for name, value in fields.items():
        setattr(card, name, value)
    card.save()
    _record(card, CardEventKind.REGISTERED, scope=scope, on=issued_on,
            action="card.registered",
            changes={"kind": card.kind, "unit": str(unit), "issued_on": issued_on,
                     "valid_until": card.valid_until, "backfilled": backfilled,
                     "mobile_only": mobile_only})
    return card


def _holder_fields(*, birth_year: int, postal_code: str, children: int, gender: str,
                   life_situation: str, preferred_language: str,
                   on: datetime.date) -> dict:
    _check_birth_year(birth_year, on)
    code, municipality = _check_postal_code(postal_code)
    _check_children(children)
    return {"birth_year": birth_year, "postal_code": code, "municipality": municipality,
            "children": children, **_optional(gender, life_situation, preferred_language)}


def registration_problems(
    *,
    number: str | None,
    birth_year: int,
    postal_code: str,
    children: int,
    gender: str = "",
    life_situation: str = "",
    preferred_language: str = "",
    issued_on: datetime.date | None = None,
) -> list[DomainError]:
    """Every rule a registration with these values breaks, for showing them all at once
    on a form. Reads only (no lock); `card_register` itself stops at the first problem.
    `number=None` skips the number (mobile-only cards)."""
    problems: list[DomainError] = []

    def check(fn, *args) -> None:
        try:
            fn(*args)
        except DomainError as error:
            problems.append(error)

    on = _today()
    try:
        on, _backfilled = _check_date(issued_on)
    except DomainError as error:
        problems.append(error)
    if number is not None:
        check(lambda: _check_stock(card_by_number(number), CardKind.PERSONAL))
    check(_check_birth_year, birth_year, on)
    check(_check_postal_code, postal_code)
    check(_check_children, children)
    check(_optional, gender, life_situation, preferred_language)
    return problems


@transaction.atomic
def card_register(
    *,
    scope: Scope,
    unit: Unit,
    number: str,
    birth_year: int,
    postal_code: str,
    children: int,
    gender: str = "",
    life_situation: str = "",
    preferred_language: str = "",
    issued_on: datetime.date | None = None,
) -> Card:
    """Register a printed personal card for a holder at `unit`.

    `issued_on` may be up to `BACKFILL_DAYS` back (a paper form filled in offline); such a
    registration is marked backfilled. The stock row is locked, so of two registrations of
    the same number only one wins.
    """
    require(scope, Perm.ISSUE_CARDS, unit)
    on, backfilled = _check_date(issued_on)
    fields = _holder_fields(birth_year=birth_year, postal_code=postal_code, children=children,
                            gender=gender, life_situation=life_situation,
                            preferred_language=preferred_language, on=on)
    card = _stock_card_for_update(number, CardKind.PERSONAL)
    return _register(scope=scope, card=card, unit=unit, issued_on=on, backfilled=backfilled,
                     fields=fields)


@transaction.atomic
def card_register_mobile(
    *,
    scope: Scope,
    unit: Unit,
    birth_year: int,
    postal_code: str,
    children: int,
    gender: str = "",
    life_situation: str = "",
    preferred_language: str = "",
) -> Card:
    """A mobile-only personal card ("X"): the system makes an X number, no printed card."""
    require(scope, Perm.ISSUE_CARDS, unit)
    on = _today()
    fields = _holder_fields(birth_year=birth_year, postal_code=postal_code, children=children,
                            gender=gender, life_situation=life_situation,
                            preferred_language=preferred_language, on=on)
    card = Card(number=_new_numbers(1, numbers.MOBILE_PERSON_PREFIX)[0],
                kind=CardKind.PERSONAL)
    return _register(scope=scope, card=card, unit=unit, issued_on=on, backfilled=False,
                     fields=fields, mobile_only=True)


@transaction.atomic
def community_card_issue(*, scope: Scope, unit: Unit, number: str | None = None) -> Card:
    """A community card (yhteisön Kaikukortti) for a distributor unit's staff.

    With a printed number it must come from community-card stock; without one the system
    makes a mobile-only "Z" number. No holder data; valid one year; renewable.
    """
    require(scope, Perm.ISSUE_CARDS, unit)
    on = _today()
    if number:
        card = _stock_card_for_update(number, CardKind.COMMUNITY)
        mobile_only = False
    else:
        card = Card(number=_new_numbers(1, numbers.MOBILE_ORGANISATION_PREFIX)[0],
                    kind=CardKind.COMMUNITY)
        mobile_only = True
    return _register(scope=scope, card=card, unit=unit, issued_on=on, backfilled=False,
                     fields={}, mobile_only=mobile_only)


# Renewing a card valid for longer than this asks first (a card registered minutes ago
# renewed by mistake gains nothing).
RENEW_EARLY_DAYS = 61
# The issuing unit may correct a mistyped birth year or postal code this long after
# registration.
CORRECTION_DAYS = 14


@transaction.atomic
def card_renew(*, scope: Scope, card: Card, on: datetime.date | None = None,
               early: bool = False) -> Card:
    """A new year from the renewal date (`on`, default today; up to 60 days back from a
    paper form). The date of first issue stays; only the validity moves. A card still valid
    for more than about two months is renewed only `early=True` (asked first)."""
    card = _locked(card)
    _require_issuer(scope, card)
    _require_active(card)
    day, _backfilled = _check_date(on)
    if card.issued_on and day < card.issued_on:
        raise IssueDateTooOld(days=BACKFILL_DAYS)
    if not early and card.valid_until and (
            card.valid_until > day + datetime.timedelta(days=RENEW_EARLY_DAYS)):
        raise CardRenewalEarly(valid_until=day_text(card.valid_until))
    before = card.valid_until
    card.valid_until = validity_end(day)
    card.save(update_fields=["valid_until", "updated_at"])
    _record(card, CardEventKind.RENEWED, scope=scope, on=day, action="card.renewed",
            changes={"valid_until": [before, card.valid_until], "renewed_on": day})
    return card


@transaction.atomic
def card_update(*, scope: Scope, card: Card, children: int, gender: str = "",
                life_situation: str = "", preferred_language: str = "") -> Card:
    """Change the number of children and the optional categories of a personal card."""
    card = _locked(card)
    _require_issuer(scope, card)
    _require_active(card)
    if card.kind != CardKind.PERSONAL:
        raise CardWrongKind(kind=str(CardKind.COMMUNITY.label))
    _check_children(children)
    optional = _optional(gender, life_situation, preferred_language)
    changed = []
    if card.children != children:
        changed.append("children")
    if any(getattr(card, k) != v for k, v in optional.items()):
        changed.append("optional categories")
    card.children = children
    for name, value in optional.items():
        setattr(card, name, value)
    card.save()
    _record(card, CardEventKind.UPDATED, scope=scope, on=_today(), action="card.updated",
            changes={"changed": changed})
    return card


@transaction.atomic
def card_correct(*, scope: Scope, card: Card, birth_year: int, postal_code: str) -> Card:
    """Correct a mistyped birth year or postal code: the issuing unit, within
    `CORRECTION_DAYS` days of registration. The card's event and audit entry name what
    was corrected, never the values."""
    card = _locked(card)
    _require_issuer(scope, card)
    _require_active(card)
    if card.kind != CardKind.PERSONAL:
        raise CardWrongKind(kind=str(CardKind.COMMUNITY.label))
    if not correctable(card):
        raise CardCorrectionTooLate(days=CORRECTION_DAYS)
    _check_birth_year(birth_year, card.issued_on or _today())
    code, municipality = _check_postal_code(postal_code)
    changed = [name for name, value in (("birth_year", birth_year), ("postal_code", code))
               if getattr(card, name) != value]
    if changed:
        card.birth_year, card.postal_code, card.municipality = birth_year, code, municipality
        card.save(update_fields=["birth_year", "postal_code", "municipality", "updated_at"])
        _record(card, CardEventKind.UPDATED, scope=scope, on=_today(), action="card.corrected",
                changes={"changed": changed})
    return card


def correctable(card: Card, now: datetime.datetime | None = None) -> bool:
    """Whether the birth year and postal code may still be corrected (the issuing unit
    decides who; this says when)."""
    return (card.kind == CardKind.PERSONAL and card.status == CardStatus.ACTIVE
            and card.registered_at is not None
            and (now or timezone.now()) - card.registered_at
            <= datetime.timedelta(days=CORRECTION_DAYS))


def _inactivate(card: Card, reason: str) -> None:
    card.status = CardStatus.INACTIVE
    card.inactivated_on = _today()
    card.inactive_reason = reason
    card.save(update_fields=["status", "inactivated_on", "inactive_reason", "updated_at"])


@transaction.atomic
def card_inactivate(*, scope: Scope, card: Card, reason: str) -> Card:
    """Inactivate a card (lost, stolen, holder's request, misuse, moved away). Nothing is
    deleted; the card keeps its history."""
    if reason not in InactiveReason.values or reason == InactiveReason.REPLACED:
        raise InactiveReasonInvalid()
    card = _locked(card)
    _require_issuer(scope, card)
    _require_active(card)
    _inactivate(card, reason)
    _record(card, CardEventKind.INACTIVATED, scope=scope, on=card.inactivated_on,
            action="card.inactivated", changes={"reason": reason})
    return card


@transaction.atomic
def card_replace(*, scope: Scope, card: Card, new_number: str,
                 reason: str = InactiveReason.LOST) -> Card:
    """Replace a card (lost, stolen…) with a new printed number; returns the new card.

    The old card is inactivated with `reason` (it may already be inactive, e.g. reported
    lost earlier). The new card gets the holder's facts, the same unit and `replaces` =
    old card, so history and statistics continue. It keeps the old card's validity; if
    that has ended, it is valid a year from today.
    """
    if reason not in InactiveReason.values:
        raise InactiveReasonInvalid()
    old = _locked(card)
    _require_issuer(scope, old)
    if old.status not in (CardStatus.ACTIVE, CardStatus.INACTIVE):
        raise CardNotActive()
    successor = Card.objects.filter(replaces=old).first()
    if successor is not None:
        raise CardAlreadyReplaced(number=successor.display_number)
    new = _stock_card_for_update(new_number, old.kind)
    today = _today()
    if old.status == CardStatus.ACTIVE:
        _inactivate(old, reason)
        _record(old, CardEventKind.INACTIVATED, scope=scope, on=today,
                action="card.inactivated", changes={"reason": reason})
    new.status = CardStatus.ACTIVE
    new.unit = old.unit
    new.area = old.area
    new.issued_on = today
    new.valid_until = (old.valid_until if old.valid_until and old.valid_until >= today
                       else validity_end(today))
    new.registered_at = timezone.now()
    new.replaces = old
    for name in HOLDER_FIELDS:
        setattr(new, name, getattr(old, name))
    new.save()
    _record(new, CardEventKind.REPLACED, scope=scope, on=today, action="card.replaced",
            changes={"replaces": old.number, "reason": reason, "valid_until": new.valid_until})
    return new


@transaction.atomic
def card_move(*, scope: Scope, card: Card, unit: Unit) -> Card:
    """Move a registered card to another distributor unit (the holder changed services)
    of the welfare side that moves it. Renewals and changes then happen at the new unit."""
    card = _locked(card)
    require(scope, Perm.MOVE_CARD, card)
    if card.status not in (CardStatus.ACTIVE, CardStatus.INACTIVE):
        raise CardNotActive()
    unit = Unit.objects.select_related("organisation__home_area").get(pk=unit.pk)
    if (unit.pk == card.unit_id or not unit.is_active or not unit.organisation.is_active
            or unit.organisation.kind != OrganisationKind.DISTRIBUTOR):
        raise CardMoveInvalid()
    require(scope, Perm.MANAGE_ORGANISATION, unit.organisation)
    before = str(card.unit) if card.unit_id else ""
    card.unit = unit
    card.area = unit.organisation.home_area
    card.save(update_fields=["unit", "area", "updated_at"])
    _record(card, CardEventKind.MOVED, scope=scope, on=_today(), action="card.moved",
            changes={"unit": [before, str(unit)]})
    return card


@transaction.atomic
def card_void(*, scope: Scope, card: Card) -> Card:
    """Void an unused printed number (misprinted, lost before it was handed out), so it
    can never be registered. Registered cards are inactivated instead."""
    card = _locked(card)
    if card.batch_id is None:
        raise NotAllowed()
    require(scope, Perm.MANAGE_CARD_STOCK, card.batch.area)
    if card.status != CardStatus.UNUSED:
        raise CardNotInStock()
    card.status = CardStatus.VOIDED
    card.save(update_fields=["status", "updated_at"])
    event = CardEvent.objects.create(card=card, kind=CardEventKind.VOIDED, on=_today(),
                                     by_id=scope.user_id)
    events.publish("card.changed", card=card, event=event)
    area = card.batch.area if card.batch_id else None
    audit_log(action="card.voided", scope=scope, target=card,
              area=area, changes={"number": card.number})
    return card


def batch_print_request(*, scope: Scope, batch: CardBatch):
    """Ask the background worker for one PDF of the whole batch; returns the job.

    The task is enqueued in the caller's transaction: the worker takes it once the job row
    has committed (database backend), or it runs at once (TASKS_IMMEDIATE)."""
    from kaikukanta.cards.models import BatchPrint
    from kaikukanta.cards.tasks import batch_print_make

    require(scope, Perm.MANAGE_CARD_STOCK, batch.area)
    job = BatchPrint.objects.create(batch=batch, requested_by_id=scope.user_id,
                                    total=batch.size)
    batch_print_make.enqueue(job.pk)
    return job
