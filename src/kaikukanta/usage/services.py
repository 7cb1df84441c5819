"""Writes of the venues' side: card look-ups, recording and cancelling uses, offers.

Every rule of recording a use lives in `use_record`; the desk, the paper backfill, the
file upload and the partner API all call it with the actor's `scope`, and each function
checks the permission itself (`require(scope, Perm.X, obj)`) before it writes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import json
from collections.abc import Callable
from datetime import timedelta
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from kaikukanta.audit.services import (
    audit_entry,
    audit_log,
    audit_log_rows,
    audit_rows_render,
)
from kaikukanta.cards import cardtoken, token_errors, token_signing
from kaikukanta.cards.errors import CardUnknown
from kaikukanta.cards.models import Card, CardKind
from kaikukanta.cards.numbers import display as display_number
from kaikukanta.cards.selectors import parse_number
from kaikukanta.lib import events
from kaikukanta.lib.beside import beside
from kaikukanta.lib.bulk import copy_beside, draw_ids, insert_tuples, rows_where_any
from kaikukanta.lib.errors import DomainError
from kaikukanta.lib.permissions import Perm, require
from kaikukanta.lib.prepared import Prepared
from kaikukanta.lib.scope import Scope
from kaikukanta.lib.together import insert_with
from kaikukanta.lib.transactions import joined
from kaikukanta.usage import errors, guessing
from kaikukanta.usage.models import (
    COURSE_KINDS,
    Offer,
    OfferDateCount,
    OfferStatus,
    Use,
    UseSource,
    UseStatus,
)
from kaikukanta.usage.selectors import (
    EXPIRED,
    INACTIVE,
    REPLACED,
    UNKNOWN,
    DeskAnswer,
    answer_for_card,
    children_max,
    is_registered,
    offer_is_available,
    seller_for,
    valid_window,
)

# Uses can be entered afterwards for this many days (paper form, no connection).
BACKFILL_DAYS = 60
# Tickets and course places are often obtained before the event (ticket sellers sell in
# advance, courses are booked before they start): up to this many days ahead. The card
# must still be valid on the event date.
DAYS_AHEAD = 365
# A mistaken use can be cancelled by the venue within this many days of recording it.
CANCEL_DAYS = 7


lookup_limit = guessing.limit


# --- look-up ---------------------------------------------------------------------------

def card_lookup(*, scope: Scope, number_text: str,
                on: datetime.date | None = None) -> DeskAnswer:
    """Look a card up for the desk. The look-up is logged and limited like every other
    resolution of a number (`guessing`): after too many unknown numbers by the person or
    their organisation it raises `LookupThrottled`. Malformed numbers raise
    CardNumberInvalid / CardCheckCharacter first (a guess must get the check character
    right, so only well-formed unknown numbers count as guesses).

    `number_text` may also be a scanned mobile-card token: it goes through the same log
    and limit, its signature is checked before anything in it is believed (a token not
    signed by the registry counts as a guess), and the answer says when it was signed."""
    on = on or timezone.localdate()
    if cardtoken.looks_like_token(number_text):
        return _token_lookup(scope, number_text, on)
    number = parse_number(number_text)
    with guessing.resolving(scope, number) as resolution:
        answer = answer_for_card(_desk_card(number), number, on=on)
        resolution.found = answer.status != UNKNOWN
    return answer


def _desk_card(number: str) -> Card | None:
    return _DESK_CARD.first(number=number)


# the look-up's card query, compiled once per process (`lib.prepared`)
_DESK_CARD = Prepared(
    lambda *, number: Card.objects.only("number", "kind", "status", "issued_on",
                                        "valid_until", "children", "inactivated_on")
    .filter(number=number).order_by("pk")[:1],
    number=str)


def _token_lookup(scope: Scope, text: str, on: datetime.date) -> DeskAnswer:
    """The desk answer for a scanned mobile-card token (see `card_lookup`)."""
    guessing.check(scope)
    try:
        claims = token_signing.desk_claims(text)
    except token_errors.TokenExpired as exc:
        guessing.note(scope, [(exc.params["number"], True)])  # genuine, only old
        raise
    except DomainError:
        guessing.note(scope, [("", False)])  # not signed by the registry: a guess
        raise
    number = claims.number
    with guessing.resolving(scope, number) as resolution:
        card = _desk_card(number)
        if card is not None and card.kind != claims.kind:
            resolution.found = True
            raise token_errors.TokenWrongKind()
        answer = answer_for_card(card, number, on=on)
        resolution.found = answer.status != UNKNOWN
    return dataclasses.replace(answer, signed_at=claims.issued_at)


# --- recording -------------------------------------------------------------------------

def _check_card(card: Card | None, number: str, day: datetime.date) -> Card:
    answer = answer_for_card(card, number, on=day)
    if answer.status == UNKNOWN:
        raise CardUnknown()
    if answer.status == EXPIRED:
        raise errors.CardExpired(date=_short(card.valid_until))
    if answer.status == REPLACED:
        raise errors.CardReplaced(number=answer.replaced_by)
    if answer.status == INACTIVE:
        if card.issued_on is not None and day < card.issued_on:
            raise errors.CardNotYetValid(date=_short(card.issued_on))
        raise errors.CardInactive(date=_short(card.inactivated_on))
    return card


def _short(day: datetime.date | None) -> str:
    from django.utils.formats import date_format

    return date_format(day, "SHORT_DATE_FORMAT") if day else "–"


def _check_date(event_date: datetime.date) -> bool:
    """Raise for a date out of range; return True when the use is entered afterwards."""
    today = timezone.localdate()
    if event_date > today + timedelta(days=DAYS_AHEAD):
        raise errors.EventDateInFuture(days=DAYS_AHEAD)
    if event_date < today - timedelta(days=BACKFILL_DAYS):
        raise errors.EventDateTooOld(days=BACKFILL_DAYS)
    return event_date < today


def _tickets(children: int) -> int:
    """Kaikukortti tickets a use takes from an offer's cap: the holder's (or the community
    card staff member's) ticket and the children's (clients') tickets. A companion enters
    free at every venue anyway, so the companion ticket does not take a capped place."""
    return 1 + children


def _take_places(offer: Offer, event_date: datetime.date, tickets: int) -> None:
    """Count the tickets against the offer's date; refuse when the cap would be passed.

    The counter row is created once (seeded from the uses already recorded) and then
    changed with one conditional UPDATE. On PostgreSQL the UPDATE takes the row lock and
    re-checks its condition after a concurrent writer commits, so two desks selling the
    last place cannot both succeed. A refusal writes nothing.
    """
    if connection.vendor == "postgresql":
        for _attempt in range(3):
            taken, current = _take_places_pg(offer, event_date, tickets)
            if taken:
                return
            if current is not None:  # the counter is full
                break
            # no counter visible and none made: another writer made it meanwhile (run
            # again: the next statement sees it) or the seed alone passes the cap
        else:
            current = _seed(offer, event_date)
        raise errors.OfferCapReached(left=max(0, (offer.cap_per_date or 0) - current),
                                     wanted=tickets)
    counts = OfferDateCount.objects.filter(offer=offer, event_date=event_date)
    if _add_tickets(offer, event_date, tickets):
        return
    current = counts.values_list("tickets", flat=True).first()
    if current is None:
        current = _seed(offer, event_date)
        if offer.cap_per_date is None or current + tickets <= offer.cap_per_date:
            OfferDateCount.objects.bulk_create(
                [OfferDateCount(offer=offer, event_date=event_date, tickets=current)],
                ignore_conflicts=True,
            )
            if _add_tickets(offer, event_date, tickets):
                return
            current = counts.values_list("tickets", flat=True).first() or 0
    raise errors.OfferCapReached(left=max(0, offer.cap_per_date - current), wanted=tickets)


def _seed(offer: Offer, event_date: datetime.date) -> int:
    """Tickets of the uses already recorded for the offer's date (a new counter's start)."""
    seed = (Use.objects.filter(offer=offer, event_date=event_date, status=UseStatus.RECORDED)
            .aggregate(n=Sum("children"), u=Count("id")))
    return (seed["u"] or 0) + (seed["n"] or 0)


# One statement: add to the counter if the cap allows, or make the counter (seeded from
# the uses already recorded, counted only when there is no counter yet) with the tickets.
# Returns (taken, the counter as the statement began).
_TAKE_PLACES_SQL = """
WITH up AS (
    UPDATE usage_offerdatecount SET tickets = tickets + %(t)s
    WHERE offer_id = %(o)s AND event_date = %(d)s
      AND (%(cap)s::integer IS NULL OR tickets <= %(cap)s::integer - %(t)s)
    RETURNING 1),
ins AS (
    INSERT INTO usage_offerdatecount (offer_id, event_date, tickets)
    SELECT %(o)s, %(d)s, seed.n + %(t)s FROM (
        SELECT COUNT(*) + COALESCE(SUM(children), 0) AS n FROM usage_use
        WHERE offer_id = %(o)s AND event_date = %(d)s AND status = 'recorded') seed
    WHERE NOT EXISTS (SELECT 1 FROM usage_offerdatecount
                      WHERE offer_id = %(o)s AND event_date = %(d)s)
      AND (%(cap)s::integer IS NULL OR seed.n <= %(cap)s::integer - %(t)s)
    ON CONFLICT (offer_id, event_date) DO NOTHING
    RETURNING 1)
SELECT EXISTS (SELECT 1 FROM up) OR EXISTS (SELECT 1 FROM ins),
       (SELECT tickets FROM usage_offerdatecount WHERE offer_id = %(o)s AND event_date = %(d)s)
"""


def _take_places_pg(offer: Offer, event_date: datetime.date,
                    tickets: int) -> tuple[bool, int | None]:
    with connection.cursor() as cur:
        cur.execute(_TAKE_PLACES_SQL, {"t": tickets, "o": offer.pk, "d": event_date,
                                       "cap": offer.cap_per_date})
        taken, current = cur.fetchone()
    return bool(taken), current


def _add_tickets(offer: Offer, event_date: datetime.date, tickets: int) -> bool:
    """One conditional UPDATE of the (existing) counter: False when the cap would pass."""
    counts = OfferDateCount.objects.filter(offer=offer, event_date=event_date)
    if offer.cap_per_date is None:
        return bool(counts.update(tickets=F("tickets") + tickets))
    return bool(counts.filter(tickets__lte=offer.cap_per_date - tickets).update(
        tickets=F("tickets") + tickets))


def _release_places(use: Use) -> None:
    if use.offer_id is None:
        return
    OfferDateCount.objects.filter(
        offer_id=use.offer_id, event_date=use.event_date, tickets__gte=_tickets(use.children)
    ).update(tickets=F("tickets") - _tickets(use.children))


def use_record(
    *,
    scope: Scope,
    site,
    card_number: str,
    event_date: datetime.date,
    offer: Offer | None = None,
    category: str | None = None,
    children: int = 0,
    companion: bool = False,
    source: str = UseSource.DESK,
    request_token: str | None = None,
) -> Use:
    """Record one use of a card at a venue site (see the module docstring).

    Rules, each with its own error: the card is registered and valid on the event date
    (card_unknown / card_expired / card_inactive / card_replaced / card_not_yet_valid);
    the date is at most BACKFILL_DAYS back (earlier dates are marked backfilled) and not
    more than DAYS_AHEAD ahead (tickets sold in advance); the offer belongs
    to the site and runs on the date (offer_not_available); children's tickets within
    the card's registered number (community card: clients under 16, at most
    COMMUNITY_CLIENTS_MAX) and never for courses (too_many_children /
    children_not_allowed); the offer's cap per date (offer_cap_reached, race-safe); the
    same card once per offer (or site admission) and date (already_recorded). The same
    `request_token` returns the use it already created. A ticket seller's use records the
    seller too (`usage.selectors.seller_for`). Answers that tell a registered number from
    an unregistered one count against the guessing limit (`guessing`).
    """
    require(scope, Perm.RECORD_USES, site)
    number = parse_number(card_number)
    with guessing.resolving(scope, number) as resolution:
        return use_record_resolved(
            scope=scope, site=site, card_number=number, event_date=event_date, offer=offer,
            category=category, children=children, companion=companion, source=source,
            request_token=request_token, resolution=resolution)


def use_record_resolved(*, scope: Scope, site, card_number: str, event_date: datetime.date,
                        offer: Offer | None, category: str | None, children: int,
                        companion: bool, source: str, request_token: str | None,
                        resolution: guessing.Resolution) -> Use:
    """`use_record` for a caller that does the guessing accounting itself (a file upload
    notes all its rows at once; the desk form notes its look-up): `resolution.found`
    tells whether the card was found."""
    require(scope, Perm.RECORD_USES, site)
    resolution.number = parse_number(card_number)
    resolution.logged = False  # a write run again (api.core.idempotent) logs again
    number = resolution.number
    in_callers_transaction = connection.in_atomic_block
    try:
        # every rule is checked before the first write, so a refusal leaves the caller's
        # transaction as it was: no savepoint of its own (`lib.transactions.joined`)
        with joined():
            use = _record(scope=scope, site=site, number=number, event_date=event_date,
                          offer=offer, category=category, children=children,
                          companion=companion, source=source, request_token=request_token,
                          resolution=resolution)
    except IntegrityError:
        resolution.logged = False  # the log row went with the rolled-back use
        if in_callers_transaction:
            raise  # the caller's transaction is lost: it runs the write again, or fails
        if request_token:
            existing = Use.objects.filter(request_token=request_token).first()
            if existing is not None:
                return existing
        raise errors.AlreadyRecorded() from None
    return use


class DeskRecording(NamedTuple):
    """What `use_record_at_desk` did: the use, or the refusal with the card's answer for
    the page."""

    use: Use | None
    refusal: DomainError | None = None
    answer: DeskAnswer | None = None


def use_record_at_desk(*, scope: Scope, site, card_number: str, event_date: datetime.date,
                       offer: Offer | None, category: str | None, children: int = 0,
                       companion: bool = False, request_token: str | None = None,
                       on: datetime.date | None = None) -> DeskRecording:
    """`use_record` for the desk's record form, which resolves the number once: the
    recording checks the guessing limit and logs the look-up (with the use, in the same
    statement), as the partner API's does. A refusal comes back with the card's desk
    answer for the page, read without a second log row when the refusal already logged
    the number, else through `card_lookup` (a refusal before the card was looked at: the
    offer, the date …), so every answer shown is logged and counted once. Raises
    LookupThrottled, and CardNumberInvalid / CardCheckCharacter for a malformed number."""
    on = on or timezone.localdate()
    number = parse_number(card_number)
    resolution = None
    try:
        with guessing.resolving(scope, number) as resolution:
            return DeskRecording(use=use_record_resolved(
                scope=scope, site=site, card_number=number, event_date=event_date,
                offer=offer, category=category, children=children, companion=companion,
                source=UseSource.DESK, request_token=request_token, resolution=resolution))
    except errors.LookupThrottled:
        raise
    except DomainError as exc:
        if resolution is not None and resolution.found is not None:  # noted by `resolving`
            answer = answer_for_card(_desk_card(number), number, on=on)
        else:
            answer = card_lookup(scope=scope, number_text=number, on=on)
        return DeskRecording(use=None, refusal=exc, answer=answer)


def check_use_before_card(*, site, offer: Offer | None, category: str | None,
                           children: int, event_date: datetime.date) -> tuple[str, bool]:
    """The rules that do not need the card, in the order the desk checks them (the
    first broken rule is the answer). Returns (category, entered afterwards)."""
    if children < 0:
        raise errors.TooManyChildren(max=0)
    if offer is not None:
        if not offer_is_available(offer, site, event_date):
            raise errors.OfferNotAvailable()
        category = offer.category
    elif not category:
        raise errors.CategoryRequired()
    return category, _check_date(event_date)


def check_use_with_card(*, card: Card | None, number: str, offer: Offer | None,
                        children: int, event_date: datetime.date,
                        recorded: Callable[[Card], bool]) -> Card:
    """The rules about the card, after `check_use_before_card`: valid on the date,
    children's tickets, and not yet used for the offer (or site admission) on the date
    (`recorded(card)` answers that, from the database or from a file's own rows)."""
    card = _check_card(card, number, event_date)
    check_children(card=card, offer=offer, children=children)
    if recorded(card):
        raise errors.AlreadyRecorded()
    return card


def check_children(*, card, offer: Offer | None, children: int) -> None:
    """Children's tickets: never on a course or an offer without them, and at most the
    card's number (`children_max`). Part of `check_use_with_card`."""
    if children:
        is_course = offer is not None and offer.kind in COURSE_KINDS
        if is_course or (offer is not None and not offer.children_allowed):
            raise errors.ChildrenNotAllowed()
        most = children_max(card)
        if children > most:
            raise errors.TooManyChildren(max=most)


def new_use(*, scope: Scope, site, card: Card, offer: Offer | None, category: str, seller,
            event_date: datetime.date, children: int, companion: bool, source: str,
            backfilled: bool, request_token: str | None = None) -> Use:
    """The (unsaved) use row of a checked use."""
    use = Use(**use_values(scope=scope, site=site, card=card, offer=offer, category=category,
                           seller=seller, event_date=event_date, children=children,
                           companion=companion, source=source, backfilled=backfilled,
                           request_token=request_token))
    use.card, use.offer, use.site, use.venue, use.seller = (
        card, offer, site, site.organisation, seller)  # loaded: the answer shows them
    return use


def use_values(*, scope: Scope, site, card: Card, offer: Offer | None, category: str, seller,
               event_date: datetime.date, children: int, companion: bool, source: str,
               backfilled: bool, request_token: str | None = None) -> dict:
    """A checked use's column values ({attname: value}): `new_use` and the file import's
    COPY rows are made from the same values."""
    venue = site.organisation
    return {
        "card_id": card.pk, "offer_id": offer.pk if offer is not None else None,
        "venue_id": venue.pk, "site_id": site.pk,
        "seller_id": seller.pk if seller is not None else None,
        "area_id": venue.home_area_id, "card_area_id": card.area_id,
        "category": category, "event_date": event_date, "children": children,
        "companion": bool(companion), "source": source,
        "backfilled": backfilled or source in (UseSource.BACKFILL, UseSource.IMPORT),
        "recorded_by_id": scope.user_id, "request_token": request_token or None,
    }


def use_audit(use: Use, *, site, seller) -> dict:
    """audit_log's arguments for a recorded use (one entry per use, every path)."""
    card, venue = use.card, site.organisation
    return {
        "action": "use.recorded", "target": use,
        "target_label": f"{card.display_number} {use.event_date.isoformat()}",
        "area": venue.home_area, "organisation": venue,
        "changes": use_audit_changes(
            display_number=card.display_number, site=site, offer_id=use.offer_id,
            category=use.category, event_date=use.event_date, children=use.children,
            companion=use.companion, source=use.source, kind=card.kind, seller=seller),
    }


def use_audit_changes(*, display_number: str, site, offer_id: int | None, category: str,
                      event_date: datetime.date, children: int, companion: bool,
                      source: str, kind: str, seller) -> dict:
    """What a use's audit entry records (`use_audit`; the file import's entries too)."""
    return {"card": display_number, "site": site.name, "offer": offer_id,
            "category": str(category), "event_date": event_date.isoformat(),
            "children": children, "companion": bool(companion), "source": str(source),
            "community": kind == CardKind.COMMUNITY,
            "seller": seller.name if seller else None}


def _record(*, scope, site, number, event_date, offer, category, children, companion,
            source, request_token, resolution) -> Use:
    children = int(children or 0)
    # one statement: the card's row (locked; its unit is read along, for the statistics
    # and the cache), whether it was used for the offer (or site admission) on the date,
    # and the use of the same request token (a double submission waited for the lock)
    values = {"number": number, "event_date": event_date,
              "place": offer.pk if offer is not None else site.pk}
    if request_token:
        values["token"] = request_token
    card = _LOCKED_CARD[offer is not None, bool(request_token)].first(**values)
    if request_token and card is not None and card.token_use is not None:
        return Use.objects.get(pk=card.token_use)
    seller = seller_for(scope, site.organisation)
    category, backfilled = check_use_before_card(
        site=site, offer=offer, category=category, children=children, event_date=event_date)
    resolution.found = is_registered(card)
    card = check_use_with_card(card=card, number=number, offer=offer, children=children,
                               event_date=event_date,
                               recorded=lambda card: card.recorded_already)
    if offer is not None:
        _take_places(offer, event_date, _tickets(children))
    use = new_use(scope=scope, site=site, card=card, offer=offer, category=category,
                  seller=seller, event_date=event_date, children=children,
                  companion=companion, source=source, backfilled=backfilled,
                  request_token=request_token)
    # one statement on PostgreSQL: the use, its audit entry and the look-up log's row
    insert_with(use, [(audit_entry(scope=scope, **use_audit(use, site=site, seller=seller)),
                       "target_id"),
                      (guessing.found_log_row(resolution), None)])
    events.publish("use.recorded", use=use)
    return use


def _locked_card(*, for_offer: bool, token: bool):
    """The record's card query (`_record`), compiled once per process (`lib.prepared`):
    `place` is the offer's key, or the site's for a site admission."""
    def build(*, number, event_date, place, token_value=None):
        same = Use.objects.filter(card=OuterRef("pk"), event_date=event_date,
                                  status=UseStatus.RECORDED)
        same = same.filter(offer_id=place) if for_offer else same.filter(
            offer__isnull=True, site_id=place)
        cards = (Card.objects.select_for_update(of=("self",)).select_related("unit")
                 .filter(number=number).annotate(recorded_already=Exists(same)))
        if token:
            cards = cards.annotate(token_use=Subquery(
                Use.objects.filter(request_token=token_value).values("pk")[:1]))
        return cards.order_by("pk")[:1]

    types = {"number": str, "event_date": datetime.date, "place": int}
    if token:
        return Prepared(lambda *, token, **rest: build(token_value=token, **rest),
                        token=str, **types)
    return Prepared(build, **types)


_LOCKED_CARD = {(for_offer, token): _locked_card(for_offer=for_offer, token=token)
                for for_offer in (True, False) for token in (True, False)}


class UseRow(NamedTuple):
    """One use to record among many (a file's row, parsed): the same arguments as
    `use_record`'s, the card number already in its canonical form."""

    number: str
    event_date: datetime.date
    offer: Offer | None
    category: str | None
    children: int


class CardRow(NamedTuple):
    """The columns of a card that recording many uses reads (no model objects)."""

    id: int
    number: str
    kind: str
    status: str
    issued_on: datetime.date | None
    valid_until: datetime.date | None
    children: int
    inactivated_on: datetime.date | None
    area_id: int | None
    unit_id: int | None
    municipality_id: int | None
    stats_key: int | None

    @property
    def pk(self) -> int:
        return self.id

    def as_card(self) -> Card:
        """A Card object of these columns (only for a refused row's exact answer)."""
        return Card(**self._asdict())


def _chunks(items: list, size: int = 5000):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _ticket_counts(pairs: set[tuple[Offer, datetime.date]]) -> dict:
    """Tickets already given per (offer id, date), creating the missing counter rows
    (seeded from the recorded uses, as `_take_places` does)."""
    counts: dict = {}
    if not pairs:
        return counts
    offer_ids = sorted({o.pk for o, _d in pairs})
    days = sorted({d for _o, d in pairs})
    wanted = {(o.pk, d) for o, d in pairs}

    def read():
        counts.clear()
        for row in OfferDateCount.objects.filter(offer_id__in=offer_ids, event_date__in=days
                                                 ).values_list("offer_id", "event_date",
                                                               "tickets"):
            if row[:2] in wanted:
                counts[row[:2]] = row[2]

    read()
    missing = wanted - set(counts)
    if missing:
        seeds = dict.fromkeys(missing, 0)
        for r in (Use.objects.filter(offer_id__in=sorted({o for o, _d in missing}),
                                     event_date__in=sorted({d for _o, d in missing}),
                                     status=UseStatus.RECORDED)
                  .values("offer_id", "event_date")
                  .annotate(n=Sum("children"), u=Count("id"))):
            if (r["offer_id"], r["event_date"]) in seeds:
                seeds[(r["offer_id"], r["event_date"])] = r["u"] + (r["n"] or 0)
        OfferDateCount.objects.bulk_create(
            [OfferDateCount(offer_id=o, event_date=d, tickets=n)
             for (o, d), n in sorted(seeds.items())], ignore_conflicts=True)
        read()
    return counts


def _over_cap(rows: list[tuple[int, UseRow]], start: int) -> dict[int, errors.OfferCapReached]:
    """Which of one offer's and date's rows, taken in order from `start` tickets, pass
    the cap (each such row is refused as the desk would, the others still counted)."""
    refused = {}
    for i, row in rows:
        wanted, cap = _tickets(row.children), row.offer.cap_per_date
        if cap is not None and start + wanted > cap:
            refused[i] = errors.OfferCapReached(left=max(0, cap - start), wanted=wanted)
        else:
            start += wanted
    return refused


def _cards_locked(numbers: list[str]) -> dict[str, CardRow]:
    """The cards of these numbers as plain rows, locked as `use_record` locks its card
    (in id order, so that two imports cannot deadlock)."""
    if connection.vendor != "postgresql":  # the ORM converts SQLite's dates
        rows = [row for part in _chunks(sorted(numbers))
                for row in Card.objects.select_for_update().filter(number__in=part)
                .order_by("pk").values_list(*CardRow._fields)]
    else:  # one array parameter, not thousands of placeholders
        with connection.cursor() as cur:
            rows = list(rows_where_any(
                cur, f"SELECT {', '.join(CardRow._fields)} FROM "  # noqa: S608
                f"{Card._meta.db_table} WHERE {{where}} ORDER BY id FOR UPDATE", "number",
                sorted(numbers)))
    return {row[1]: CardRow(*row) for row in rows}


def _recorded(card_ids: list[int], offer_ids: list[int], site, first: datetime.date,
              last: datetime.date) -> set:
    """(card id, offer id or None for the site's admission, day) of the recorded uses of
    these cards between the days, on these offers or as the site's admission: what
    `already_recorded` compares a row with (read through the offer's and site's indexes)."""
    if connection.vendor != "postgresql":
        rows = [row for part in _chunks(card_ids) for row in Use.objects.filter(
            Q(offer__in=offer_ids) | Q(offer__isnull=True, site=site),
            card_id__in=part, status=UseStatus.RECORDED, event_date__gte=first,
            event_date__lte=last).values_list("card_id", "offer_id", "site_id", "event_date")]
    else:
        with connection.cursor() as cur:
            rows = list(rows_where_any(
                cur, "SELECT card_id, offer_id, site_id, event_date "  # noqa: S608
                f"FROM {Use._meta.db_table} WHERE status = %s AND event_date >= %s "
                "AND event_date <= %s AND (offer_id = ANY(%s) OR (offer_id IS NULL "
                "AND site_id = %s)) AND {where}", "card_id", card_ids,
                [UseStatus.RECORDED.value, first, last, offer_ids, site.pk]))
    return {(card_id, offer_id, day) for card_id, offer_id, site_id, day in rows
            if offer_id is not None or site_id == site.pk}


def _memo(cache: dict, key, make):
    """make()'s answer (or the DomainError it raised) for a key seen before."""
    try:
        answer = cache[key]
    except KeyError:
        try:
            answer = make()
        except DomainError as exc:
            answer = exc
        cache[key] = answer
    if isinstance(answer, DomainError):
        raise answer
    return answer


def uses_record_many(*, scope: Scope, site, rows: list[UseRow], source: str = UseSource.IMPORT,
                     check_only: bool = False,
                     on_resolved: Callable[[list[tuple[str, bool]]], object] | None = None,
                     ) -> tuple[int, dict[int, DomainError], list[tuple[str, bool]]]:
    """Record many uses at one site, all or nothing, by `use_record`'s rules.

    Returns (uses created, {row index: the row's error}, the (number, found) pairs of the
    rows whose card was looked for, for `guessing.note`, which the caller does outside
    this transaction); when any row is bad nothing is written (nor with `check_only`).
    `on_resolved`, when given, is called with those pairs as soon as every row is checked,
    before the uses are written (`guessing.note_aside` starts the note there).

    Set-based: the cards (locked, as `use_record` locks its card; plain rows), their uses
    on the rows' dates and the offers' ticket counters are read with a few queries. The
    rows are checked in order by `use_record`'s own check functions, each asked once per
    distinct input: `check_use_before_card` per (offer, category, children, date),
    `check_children` per (offer, card kind and children, children); the card's validity
    is its `selectors.valid_window` (a row outside it is answered by
    `check_use_with_card` itself, so its message is the desk's); duplicates are a set of
    (card, offer or the site's admission, day), earlier rows included; the cap per offer
    and date counts the earlier rows, as if the rows were recorded one by one. Then the
    places are taken with one conditional UPDATE per offer and date (race-safe as the
    desk's), and the uses, their audit entries (one per use, as every path writes) and
    the statistics are written in bulk.
    """
    require(scope, Perm.RECORD_USES, site)
    failed: dict[int, DomainError] = {}
    resolved: list[tuple[str, bool]] = []
    if not rows:
        return 0, failed, resolved
    ids_ahead = _use_ids_ahead(len(rows)) if not check_only else None
    try:
        return _record_many(scope=scope, site=site, rows=rows, source=source,
                            check_only=check_only, on_resolved=on_resolved, failed=failed,
                            resolved=resolved, ids_ahead=ids_ahead)
    finally:
        if ids_ahead is not None:  # a refused file's keys stay unused, as a rollback's do
            with contextlib.suppress(Exception):  # (when used, its error was raised there)
                ids_ahead()


# From this many rows (more than the usage app's `imports.WORKER_FROM`: a file the
# background worker saves, never a web request), outside any transaction on PostgreSQL,
# the uses' keys are drawn on a connection of their own while the rows are checked.
IDS_AHEAD_FROM = 5_001


def _use_ids_ahead(n: int) -> Callable[[], list[int] | range | None] | None:
    """For a large file, n keys of the use table drawn now beside the caller (a sequence
    is not transactional: keys drawn on another connection are as good as on this one);
    None otherwise (`_write_uses` draws them itself)."""
    if n < IDS_AHEAD_FROM or connection.vendor != "postgresql" or connection.in_atomic_block:
        return None
    return beside(lambda: draw_ids(Use, n), name="use-ids")


def _record_many(*, scope: Scope, site, rows: list[UseRow], source: str, check_only: bool,
                 on_resolved, failed: dict, resolved: list, ids_ahead,
                 ) -> tuple[int, dict[int, DomainError], list[tuple[str, bool]]]:
    with transaction.atomic():
        seller = seller_for(scope, site.organisation)
        cards = _cards_locked(list({r.number for r in rows}))
        days = sorted({r.event_date for r in rows})
        recorded = _recorded(sorted(c.id for c in cards.values()),
                             sorted({r.offer.pk for r in rows if r.offer is not None}), site,
                             days[0], days[-1])
        counts = _ticket_counts({(r.offer, r.event_date) for r in rows if r.offer})
        windows = {c.id: valid_window(c) for c in cards.values()}
        before: dict = {}
        children_checked: dict = {}
        accepted: list[tuple[int, UseRow, CardRow, str, bool]] = []
        for i, row in enumerate(rows):
            offer, day, children = row.offer, row.event_date, row.children
            offer_id = offer.pk if offer is not None else None
            try:
                category, backfilled = _memo(
                    before, (offer_id, row.category, children, day),
                    lambda row=row: check_use_before_card(
                        site=site, offer=row.offer, category=row.category,
                        children=row.children, event_date=row.event_date))
                card = cards.get(row.number)
                resolved.append((row.number, is_registered(card)))
                window = windows[card.id] if card is not None else None
                if window is None or not window[0] <= day <= window[1]:
                    # not valid that day: the desk's own check gives the answer
                    check_use_with_card(
                        card=card.as_card() if card is not None else None, number=row.number,
                        offer=offer, children=children, event_date=day,
                        recorded=lambda c, o=offer_id, d=day: (c.pk, o, d) in recorded)
                if children:
                    _memo(children_checked, (offer_id, card.kind, card.children, children),
                          lambda card=card, row=row: check_children(
                              card=card, offer=row.offer, children=row.children))
                if (card.id, offer_id, day) in recorded:
                    raise errors.AlreadyRecorded()
                if offer is not None:
                    key = (offer_id, day)
                    if offer.cap_per_date is not None:
                        refused = _over_cap([(i, row)], counts[key])
                        if refused:
                            raise refused[i]
                    counts[key] += _tickets(children)
            except DomainError as exc:
                failed[i] = exc
                continue
            recorded.add((card.id, offer_id, day))
            accepted.append((i, row, card, category, backfilled))
        if on_resolved is not None:
            on_resolved(resolved)
        if not failed and not check_only:
            failed = _take_places_many(accepted)
        if failed or check_only:
            transaction.set_rollback(True)
            return 0, failed, resolved
        created = _write_uses(scope=scope, site=site, seller=seller, source=source,
                              accepted=accepted, ids_ahead=ids_ahead)
    return created, {}, resolved


_VARYING = ("card_id", "offer_id", "card_area_id", "category", "event_date", "children",
            "backfilled")


class RecordedUse(NamedTuple):
    """A use written by `uses_record_many`, as the "uses.recorded" event hands it on: its
    column values (`use_values`) and its card's row (`CardRow`), no model object."""

    pk: int
    card: CardRow
    card_id: int
    offer_id: int | None
    card_area_id: int | None
    category: str
    event_date: datetime.date
    children: int
    backfilled: bool
    venue_id: int
    site_id: int
    seller_id: int | None
    area_id: int | None
    companion: bool
    source: str
    recorded_by_id: int | None
    request_token: str | None

    @property
    def id(self) -> int:
        return self.pk

    @property
    def status(self) -> str:
        return UseStatus.RECORDED


def _write_uses(*, scope: Scope, site, seller, source: str, accepted: list,
                ids_ahead=None) -> int:
    """Write checked uses: one COPY of plain rows, their audit entries, the event that
    keeps the statistics (with light records: the use's columns and its card's row). On
    PostgreSQL the uses' keys are drawn first (or were, beside the checks: `ids_ahead`,
    one for each row), so their audit entries are made (rendered as COPY text) in a
    thread (`lib.beside`), and the uses copied in by another on this connection
    (`bulk.copy_beside`), while the statistics' Python work begins."""
    sample = accepted[0][2]
    base = use_values(scope=scope, site=site, card=sample, offer=None, category="",
                      seller=seller, event_date=accepted[0][1].event_date, children=0,
                      companion=False, source=source, backfilled=False)
    fixed = {k: v for k, v in base.items() if k not in _VARYING}
    afterwards = source in (UseSource.BACKFILL, UseSource.IMPORT)
    values = [(card.id, row.offer.pk if row.offer is not None else None, card.area_id,
               str(category), row.event_date, row.children, backfilled or afterwards)
              for _i, row, card, category, backfilled in accepted]
    shared = tuple(fixed[k] for k in RecordedUse._fields[2 + len(_VARYING):])
    drawn = ids_ahead() if ids_ahead is not None else None
    if drawn is None or len(drawn) != len(values):
        drawn = draw_ids(Use, len(values))
    if drawn is not None:
        entries_made = beside(lambda: audit_rows_render(_audit_rows(
            drawn, values, accepted, shared, site, seller)), name="use-audit")
    copied = None
    try:
        try:
            if drawn is not None:
                # the uses are copied in by a thread on this connection while the
                # statistics' Python work starts here (their first statement waits for
                # the copy's end, in this transaction)
                copied = copy_beside(Use, list(_VARYING), values, fixed, ids=drawn)
                ids = drawn
            else:
                ids = insert_tuples(Use, list(_VARYING), values, fixed, ids=True)
            uses = [RecordedUse(pk, card, *v, *shared) for pk, v, (_i, _row, card, _c, _b)
                    in zip(ids, values, accepted, strict=True)]
            events.publish("uses.recorded", uses=uses)
        finally:
            if copied is not None:
                copied()  # the copy's own error first, when it failed
    finally:
        entries = entries_made() if drawn is not None else None
    if entries is None:
        entries = _audit_rows(ids, values, accepted, shared, site, seller)
    venue = site.organisation
    audit_log_rows(scope=scope, action="use.recorded", target_type=Use, rows=entries,
                   area=venue.home_area, organisation=venue)
    return len(uses)


def _audit_rows(ids, values: list[tuple], accepted: list, shared: tuple, site,
                seller) -> list[tuple[int, str, str]]:
    """The written uses' audit entries as (use id, label, changes as JSON text): what
    `use_audit` records for each. The changes of the uses of one day, offer, category and
    children differ only in the card (the first key), so the rest is made once a group."""
    labels: dict = {}
    rests: dict = {}
    entries = []
    dumps = json.dumps
    source_at = RecordedUse._fields.index("source") - 2 - len(_VARYING)
    companion_at = RecordedUse._fields.index("companion") - 2 - len(_VARYING)
    source, companion = shared[source_at], shared[companion_at]
    for pk, (_card_id, offer_id, _area, category, day, children, _b), (_i, _row, card, _c,
                                                                        _bf) in zip(
            ids, values, accepted, strict=True):
        shown = labels.get(card.number)
        if shown is None:
            shown = labels[card.number] = display_number(card.number)
        key = (offer_id, category, day, children, card.kind)
        rest = rests.get(key)
        if rest is None:
            whole = dumps(use_audit_changes(
                display_number="", site=site, offer_id=offer_id, category=category,
                event_date=day, children=children, companion=companion, source=source,
                kind=card.kind, seller=seller))
            rest = rests[key] = whole[len('{"card": ""'):]
        entries.append((pk, f"{shown} {day.isoformat()}",
                        '{"card": ' + dumps(shown) + rest))
    return entries


def _take_places_many(accepted: list) -> dict[int, DomainError]:
    """Take the accepted rows' places: one conditional UPDATE per offer and date. When a
    concurrent desk took places meanwhile, the rows past the cap are refused."""
    groups: dict = {}
    for i, row, *_rest in accepted:
        if row.offer is not None:
            groups.setdefault((row.offer.pk, row.event_date), []).append((i, row))
    failed: dict[int, DomainError] = {}
    for (_offer_id, day), members in sorted(groups.items()):
        offer = members[0][1].offer
        if not _add_tickets(offer, day, sum(_tickets(r.children) for _i, r in members)):
            now = OfferDateCount.objects.filter(offer=offer, event_date=day).values_list(
                "tickets", flat=True).first() or 0
            failed.update(_over_cap(members, now))
    return failed


def use_cancel(*, scope: Scope, use: Use) -> Use:
    """Cancel a use recorded by mistake, within CANCEL_DAYS of recording, where the actor
    records uses. The row stays (status cancelled) so the log and the statistics can
    follow it."""
    with transaction.atomic():
        use = (Use.objects.select_for_update(of=("self",))
               .select_related("venue__home_area", "card", "site__organisation").get(pk=use.pk))
        require(scope, Perm.RECORD_USES, use.site)
        if use.status == UseStatus.CANCELLED:
            raise errors.AlreadyCancelled()
        if use.recorded_at < timezone.now() - timedelta(days=CANCEL_DAYS):
            raise errors.CancelWindowPassed(days=CANCEL_DAYS)
        use.status = UseStatus.CANCELLED
        use.cancelled_at = timezone.now()
        use.cancelled_by_id = scope.user_id
        use.save(update_fields=["status", "cancelled_at", "cancelled_by"])
        _release_places(use)
        events.publish("use.cancelled", use=use)
        audit_log(
            action="use.cancelled", scope=scope, target=use,
            target_label=f"{use.card.display_number} {use.event_date.isoformat()}",
            area=use.venue.home_area, organisation=use.venue,
            changes={"event_date": use.event_date.isoformat(), "children": use.children},
        )
    return use


# --- offers ----------------------------------------------------------------------------

OFFER_FIELDS = ("title_fi", "title_sv", "title_en", "category", "kind", "starts_on",
                "ends_on", "children_allowed", "cap_per_date", "restrictions", "site")


def _clean_offer(offer: Offer) -> None:
    if offer.site.organisation_id != offer.venue_id:
        raise errors.OfferSiteMismatch()
    if offer.starts_on and offer.ends_on and offer.ends_on < offer.starts_on:
        raise errors.OfferPeriodInvalid()
    if offer.kind in COURSE_KINDS:
        offer.children_allowed = False  # children's tickets never apply to courses


def offer_create(
    *,
    scope: Scope,
    venue,
    site,
    title_fi: str,
    category: str,
    kind: str,
    title_sv: str = "",
    title_en: str = "",
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    children_allowed: bool = True,
    cap_per_date: int | None = None,
    restrictions: str = "",
) -> Offer:
    require(scope, Perm.MANAGE_OFFERS, venue)
    with transaction.atomic():
        offer = Offer(venue=venue, site=site, title_fi=title_fi, title_sv=title_sv,
                      title_en=title_en, category=category, kind=kind, starts_on=starts_on,
                      ends_on=ends_on, children_allowed=children_allowed,
                      cap_per_date=cap_per_date, restrictions=restrictions)
        _clean_offer(offer)
        offer.save()
        audit_log(action="offer.created", scope=scope, target=offer, area=venue.home_area,
                  organisation=venue,
                  changes={f: getattr(offer, f) for f in OFFER_FIELDS})
    return offer


def offer_update(*, scope: Scope, offer: Offer, **fields) -> Offer:
    """Change an offer's fields (any of OFFER_FIELDS)."""
    unknown = set(fields) - set(OFFER_FIELDS)
    if unknown:
        raise TypeError(f"unknown offer fields: {sorted(unknown)}")
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        require(scope, Perm.MANAGE_OFFERS, offer.venue)
        changes = {}
        for name, value in fields.items():
            if getattr(offer, name) != value:
                changes[name] = value
                setattr(offer, name, value)
        _clean_offer(offer)
        offer.save()
        if changes:
            audit_log(action="offer.updated", scope=scope, target=offer,
                      area=offer.venue.home_area, organisation=offer.venue, changes=changes)
    return offer


def offer_set_status(*, scope: Scope, offer: Offer, status: str) -> Offer:
    if status not in OfferStatus.values:
        raise errors.OfferStatusInvalid()
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        require(scope, Perm.MANAGE_OFFERS, offer.venue)
        old = offer.status
        offer.status = status
        offer.save(update_fields=["status"])
        audit_log(action="offer.status_changed", scope=scope, target=offer,
                  area=offer.venue.home_area, organisation=offer.venue,
                  changes={"status": [old, status]})
    return offer


def offer_counts_rebuild(*, offers=None) -> int:
    """Recount the per-date ticket counters from the recorded uses (after bulk loads)."""
    qs = Use.objects.filter(status=UseStatus.RECORDED, offer__isnull=False)
    if offers is not None:
        qs = qs.filter(offer__in=offers)
    rows = qs.values("offer_id", "event_date").annotate(n=Count("id"), c=Sum("children"))
    with transaction.atomic():
        base = OfferDateCount.objects.all()
        if offers is not None:
            base = base.filter(offer__in=offers)
        base.delete()
        objs = [OfferDateCount(offer_id=r["offer_id"], event_date=r["event_date"],
                               tickets=r["n"] + (r["c"] or 0)) for r in rows]
        OfferDateCount.objects.bulk_create(objs, batch_size=2000)
    return len(objs)
