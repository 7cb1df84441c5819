"""Reads for OmaKaiku: which account a card has, the holder's card, uses and offers."""

from __future__ import annotations

import datetime

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from kaikukanta.cards.models import Card, CardStatus
from kaikukanta.cards.validity import EXPIRING_DAYS
from kaikukanta.oma.models import ActivationCode, HolderAccount

CHAIN_MAX = 20


def card_chain_back(card: Card) -> list[int]:
    """The card and the cards it replaced, newest first (ids)."""
    chain = [card.pk]
    replaces = card.replaces_id
    while replaces is not None and len(chain) < CHAIN_MAX:
        chain.append(replaces)
        replaces = Card.objects.filter(pk=replaces).values_list("replaces", flat=True).first()
    return chain


def account_for_card(card: Card) -> HolderAccount | None:
    """The OmaKaiku account of a card: activated on it or on a card it replaced."""
    return (HolderAccount.objects.filter(card__in=card_chain_back(card))
            .select_related("card").first())


def current_card(account: HolderAccount) -> Card:
    """The account's card today: follows replacements to the newest card."""
    card = account.card
    for _ in range(CHAIN_MAX):
        newer = (Card.objects.filter(replaces=card)
                 .select_related("unit__organisation", "unit__municipality", "municipality")
                 .first())
        if newer is None:
            break
        card = newer
    if card is account.card:
        card = (Card.objects.select_related("unit__organisation", "unit__municipality",
                                            "municipality").get(pk=card.pk))
    return card


def open_code(card: Card) -> ActivationCode | None:
    return ActivationCode.objects.open().filter(card=card).first()


def staff_status(card: Card) -> dict:
    """What distributor staff may know: whether OmaKaiku is in use and whether a code is
    waiting. Never a credential or an email address."""
    account = account_for_card(card)
    return {
        "in_use": account is not None,
        "in_use_since": account.created_at if account else None,
        "has_passkey": False,
        "code": None if account else open_code(card),
    }


def expires_soon(card: Card, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (card.status == CardStatus.ACTIVE and card.valid_until is not None
            and today <= card.valid_until <= today + datetime.timedelta(days=EXPIRING_DAYS))


def holder_uses(account: HolderAccount) -> QuerySet:
    """The holder's own recorded uses, through replaced cards; nothing of anyone else."""
    from kaikukanta.usage.models import Use, UseStatus

    card = current_card(account)
    return (Use.objects.filter(card__in=card_chain_back(card), status=UseStatus.RECORDED)
            .select_related("site", "venue", "offer").order_by("-event_date", "-recorded_at"))


def offers_now(*, card: Card, municipality=None, area=None, category: str = "",
               children: bool = False, text: str = "", today: datetime.date | None = None):
    """Active offers running today at active venues, the holder's own municipality first,
    then their own area's, then the rest."""
    from kaikukanta.network.models import OrganisationKind
    from kaikukanta.usage.models import Offer, OfferStatus

    today = today or timezone.localdate()
    qs = (Offer.objects.filter(
        status=OfferStatus.ACTIVE, site__is_active=True, venue__is_active=True,
        venue__kind=OrganisationKind.VENUE)
        .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=today),
                Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("site__municipality", "venue"))
    if municipality is not None:
        qs = qs.filter(site__municipality=municipality)
    if area is not None:
        qs = qs.filter(site__municipality__in=area.municipalities.all())
    if category:
        qs = qs.filter(category=category)
    if children:
        qs = qs.filter(children_allowed=True)
    if text:
        qs = qs.filter(Q(title_fi__icontains=text) | Q(title_sv__icontains=text)
                       | Q(title_en__icontains=text) | Q(venue__name__icontains=text)
                       | Q(site__name__icontains=text))
    own_muni = card.municipality_id or (card.unit.municipality_id if card.unit else None)
    own_area_munis = (list(card.area.municipalities.values_list("pk", flat=True))
                      if card.area_id else [])
    return qs.annotate(nearness=Case(
        When(site__municipality=own_muni, then=Value(0)),
        When(site__municipality__in=own_area_munis, then=Value(1)),
        default=Value(2), output_field=IntegerField(),
    )).order_by("nearness", "title_fi", "pk")
