"""Reads for the ticket desk and the venue pages.

`card_desk_status` is the one answer to "may this card be used on this day?". It shows
only what a desk needs and never a holder field (see `cards.models.HOLDER_FIELDS`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kaikukanta.cards import numbers
from kaikukanta.cards.models import Card, CardKind, CardStatus
from kaikukanta.cards.selectors import card_chain_ids, parse_number
from kaikukanta.lib import versioned_cache
from kaikukanta.lib.prepared import Prepared
from kaikukanta.lib.scope import Scope
from kaikukanta.network.models import SellerLink, Unit
from kaikukanta.usage.models import (
    Category,
    Offer,
    OfferStatus,
    Use,
    UseStatus,
    title_in_language,
)

# A community card's staff member may bring this many clients under 16 on one visit.
# The national model names no number; ten keeps a small-group visit small.
COMMUNITY_CLIENTS_MAX = 10

VALID = "valid"
EXPIRED = "expired"
INACTIVE = "inactive"
REPLACED = "replaced"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class DeskAnswer:
    """What the ticket desk sees about a card. Deliberately no holder fields."""

    number: str  # display form, e.g. K7M4-9QX2
    status: str  # valid / expired / inactive / replaced / unknown
    valid_until: datetime.date | None = None
    children_max: int = 0
    kind: str = ""  # personal / community ("" when unknown)
    inactive_since: datetime.date | None = None
    replaced_by: str | None = None  # display number of the newer card
    reason: str = ""
    issued_on: datetime.date | None = None
    # When the answer came from a scanned mobile-card token: when the registry signed it.
    signed_at: datetime.datetime | None = None

    @property
    def is_valid(self) -> bool:
        return self.status == VALID

    @property
    def is_community(self) -> bool:
        return self.kind == CardKind.COMMUNITY


def _d(day: datetime.date | None) -> str:
    return date_format(day, "SHORT_DATE_FORMAT") if day else ""


def children_max(card: Card) -> int:
    """Children's tickets (personal card) or clients under 16 (community card) per use."""
    if card.kind == CardKind.COMMUNITY:
        return COMMUNITY_CLIENTS_MAX
    return card.children


def is_registered(card: Card | None) -> bool:
    """Does the number answer as a card at all (any other answer than "unknown")?"""
    return card is not None and card.status in (CardStatus.ACTIVE, CardStatus.INACTIVE)


def valid_window(card) -> tuple[datetime.date, datetime.date] | None:
    """(first, last) day on which `answer_for_card` answers VALID for the card, or None
    when on no day. The same conditions as its branches, as an interval: registered,
    issued and not expired, and an inactivated card only before its inactivation day.
    The set-based file import compares each row's day with it and asks
    `answer_for_card` (through `services.check_use_with_card`) only about the rows
    outside; `tests/usage/test_bulk_import.py` proves the two agree on every day."""
    if not is_registered(card) or card.valid_until is None or card.issued_on is None:
        return None
    last = card.valid_until
    if card.status == CardStatus.INACTIVE:
        if card.inactivated_on is None:
            return None
        last = min(last, card.inactivated_on - datetime.timedelta(days=1))
    if last < card.issued_on:
        return None
    return card.issued_on, last


def answer_for_card(card: Card | None, number: str, *, on: datetime.date) -> DeskAnswer:
    """The desk answer for a card row (or None) on a day."""
    shown = numbers.display(number)
    if not is_registered(card):
        return DeskAnswer(number=shown, status=UNKNOWN,
                          reason=_("No card has this number. Check the number on the card."))
    common = {"number": numbers.display(card.number), "valid_until": card.valid_until,
              "kind": card.kind, "issued_on": card.issued_on}
    if card.status == CardStatus.INACTIVE and (
        card.inactivated_on is None or card.inactivated_on <= on
    ):
        newer = Card.objects.filter(replaces=card).values_list("number", flat=True).first()
        if newer:
            return DeskAnswer(
                status=REPLACED, inactive_since=card.inactivated_on,
                replaced_by=numbers.display(newer),
                reason=_("Replaced by card %(number)s. Ask for the new card.")
                % {"number": numbers.display(newer)}, **common)
        return DeskAnswer(
            status=INACTIVE, inactive_since=card.inactivated_on,
            reason=_("Inactivated since %(date)s. The card cannot be used.")
            % {"date": _d(card.inactivated_on)}, **common)
    if card.valid_until is None or card.issued_on is None:
        return DeskAnswer(status=INACTIVE, reason=_("The card is not registered."), **common)
    if card.valid_until < on:
        return DeskAnswer(
            status=EXPIRED, reason=_("Expired on %(date)s. The holder can renew it where it "
                                     "was issued.") % {"date": _d(card.valid_until)}, **common)
    if card.issued_on > on:
        return DeskAnswer(
            status=INACTIVE, reason=_("Registered on %(date)s, after this date.")
            % {"date": _d(card.issued_on)}, **common)
    if card.kind == CardKind.COMMUNITY:
        reason = _("Valid. Community card: the staff member's ticket and up to %(max)s "
                   "clients under 16.") % {"max": COMMUNITY_CLIENTS_MAX}
    elif card.children:
        reason = _("Valid. Up to %(max)s children's tickets.") % {"max": card.children}
    else:
        reason = _("Valid. No children registered.")
    return DeskAnswer(status=VALID, children_max=children_max(card), reason=reason, **common)


def card_desk_status(number_text: str, *, on: datetime.date) -> DeskAnswer:
    """Is the card usable on `on`? Raises CardNumberInvalid / CardCheckCharacter for a
    malformed number; unknown and unregistered numbers answer "unknown"."""
    number = parse_number(number_text)
    card = (
        Card.objects.only("number", "kind", "status", "issued_on", "valid_until", "children",
                          "inactivated_on")
        .filter(number=number).first()
    )
    return answer_for_card(card, number, on=on)


# --- where a user records uses ---------------------------------------------------------

def recording_sites_for(scope: Scope) -> QuerySet[Unit]:
    """Active venue sites where the scope may record uses (`Scope.may_record_at`)."""
    return (Unit.objects.recording_for(scope).select_related("organisation__home_area")
            .order_by("organisation__name", "name"))


def seller_for(scope: Scope, venue):
    """The scope's ticket-seller organisation when it records for `venue` as a seller
    (None when it is the venue's own staff)."""
    if not scope.records_as_seller_for(venue.id):
        return None
    link = (
        SellerLink.objects.approved()
        .filter(seller__in=scope.seller_org_ids, venue=venue).select_related("seller")
        .order_by("seller_id").first()
    )
    return link.seller if link else None


def offers_for_site(site: Unit, *, on: datetime.date | None = None) -> QuerySet[Offer]:
    """Active offers at a site, optionally only those running on a day."""
    qs = Offer.objects.filter(site=site, venue=site.organisation_id,
                              status=OfferStatus.ACTIVE)
    if on is not None:
        qs = qs.filter(Q(starts_on__isnull=True) | Q(starts_on__lte=on),
                       Q(ends_on__isnull=True) | Q(ends_on__gte=on))
    return qs


@dataclass(frozen=True)
class RecentUse:
    """A line of the desk's list of today's uses at its site."""

    number: str
    what: str  # the offer's title, or general admission's category
    children: int
    cancelled: bool


def desk_recent_uses(site: Unit, day: datetime.date, count: int = 5) -> list[RecentUse]:
    """The site's last `count` uses on `day`, newest first, for the desk of someone who
    records at the site (scope: the desk's `recording_sites_for`): only the columns the
    desk shows (no model objects; this runs on every look-up)."""
    categories = dict(Category.choices)
    prepared = _RECENT_USES.get(count)
    if prepared is None:
        prepared = _RECENT_USES[count] = Prepared(
            lambda *, site, day: _recent_uses(site=site, day=day)[:count],
            site=int, day=datetime.date)
    return [RecentUse(
        number=numbers.display(number),
        what=(title_in_language(fi, sv, en) if offer_id is not None
              else str(categories.get(category, category))),
        children=children, cancelled=status == UseStatus.CANCELLED)
        for number, offer_id, fi, sv, en, category, children, status
        in prepared.objects(site=site.pk, day=day)]


def _recent_uses(*, site: int, day: datetime.date) -> QuerySet:
    return (Use.objects.filter(site_id=site, event_date=day).order_by("-recorded_at")
            .values_list("card__number", "offer_id", "offer__title_fi", "offer__title_sv",
                         "offer__title_en", "category", "children", "status"))


# the desk's recent uses (`desk_recent_uses`) compiled once per process (`lib.prepared`),
# one statement for each count (the LIMIT is written into the SQL)
_RECENT_USES: dict[int, Prepared] = {}


_OFFERS_VERSION = "desk:offers:ver"
# the versions `offer_for_recording` keeps an offer under
OFFER_VERSIONS = [versioned_cache.REGISTRY, _OFFERS_VERSION]


class DeskOffers(tuple):
    """A site's active offers as the desk shows them: a tuple of the offers, with each
    found by its id as the form sends it (`by_pk`) and their (id, title) pairs in the
    active language (`titles`, made once per language). Kept in the process by
    `desk_offers` under the offers' version, so these are made once per version of the
    offers, not once per request. Never changed once made."""

    def __new__(cls, offers=()):
        self = super().__new__(cls, offers)
        self.by_pk = {str(o.pk): o for o in self}
        self._titles = {}
        return self

    def titles(self) -> tuple[tuple[str, str], ...]:
        """(the id as the form sends it, the title in the active language) of each."""
        lang = get_language()
        titles = self._titles.get(lang)
        if titles is None:
            titles = self._titles[lang] = tuple((pk, o.title) for pk, o in self.by_pk.items())
        return titles

    def __reduce__(self):  # into the shared cache: the offers only
        return (DeskOffers, (tuple(self),))


def desk_offers(site: Unit) -> DeskOffers:
    """The site's active offers for the desk, kept in the shared cache under a version
    that any change to any offer bumps (`offers_changed`, also when an offer moves to
    another site; `lib.versioned_cache`). The process keeps its own copy under the same
    version (`local`): a request reads only the version, and the next request after any
    change reads the offers again. Callers only read them. (The key names the value's
    form: entries of the plain list kept before are not read as DeskOffers.)"""
    return versioned_cache.cached(f"desk:offers2:{site.pk}", [_OFFERS_VERSION],
                                  lambda: DeskOffers(offers_for_site(site)), local=True)


def offer_for_recording(pk: int, *, versions: dict | None = None) -> Offer | None:
    """The offer with its site, the site's organisation and area (what recording a use at
    it reads), or None. Kept in the shared cache under the offers' version and the
    registry's (any offer, organisation, site, seller link or area saved or deleted bumps
    one of them; `lib.versioned_cache`), so the API's record reads no offer row: the caller
    still asks `Scope.may_record_at(offer.site)` and `offer_is_available` of it. The
    process keeps its own copy under the same versions (`local`): callers only read it.
    `versions`: OFFER_VERSIONS as the caller read them in this request (the partner API
    reads them with its key), else they are read here."""
    def read():
        return Offer.objects.select_related("site__organisation__home_area").filter(
            pk=pk).first()

    return versioned_cache.cached(f"offer:{pk}", OFFER_VERSIONS, read, local=True,
                                  versions=versions)


def offers_changed() -> None:
    """An offer was saved or deleted (receiver in usage/apps.py)."""
    versioned_cache.bump(_OFFERS_VERSION)


def offer_is_available(offer: Offer, site: Unit, on: datetime.date) -> bool:
    return (
        offer.venue_id == site.organisation_id
        and offer.site_id == site.pk
        and offer.status == OfferStatus.ACTIVE
        and (offer.starts_on is None or offer.starts_on <= on)
        and (offer.ends_on is None or offer.ends_on >= on)
    )


# --- lists and counts ------------------------------------------------------------------

def uses_for_venue_pages(scope: Scope) -> QuerySet[Use]:
    return Use.objects.for_scope(scope).select_related("card", "offer", "site", "venue",
                                                       "seller")


def use_month_counts(uses: QuerySet[Use]) -> list[dict]:
    """Recorded uses and children's tickets per month of the event date, newest first."""
    rows = (
        uses.filter(status=UseStatus.RECORDED)
        .annotate(month=TruncMonth("event_date")).values("month")
        .annotate(uses=Count("id"), children=Sum("children"),
                  companions=Count("id", filter=Q(companion=True)))
        .order_by("-month")
    )
    return [{**r, "children": r["children"] or 0} for r in rows]


def uses_of_card(card: Card) -> QuerySet[Use]:
    """Recorded and cancelled uses of a card and of the cards it replaced, newest first
    (the card page's list)."""
    return (Use.objects.filter(card__in=card_chain_ids(card))
            .select_related("card", "venue", "site", "offer", "seller")
            .order_by("-event_date", "-recorded_at"))
