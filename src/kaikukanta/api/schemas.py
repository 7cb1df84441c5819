"""The partner API's request and response shapes (pydantic, via django-ninja).

The OpenAPI document is generated from these classes, so every enum comes from the
models' choices. Nothing about a cardholder is ever in a response: a card is its
number and validity only (see `tests/api/test_privacy.py`).
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, StrictBool, StringConstraints

from kaikukanta.cards.models import CardKind
from kaikukanta.cards.numbers import display
from kaikukanta.usage import selectors as desk
from kaikukanta.usage.models import Category, OfferKind, OfferStatus, UseSource, UseStatus

CARD_NUMBER_EXAMPLE = "K7M4-9QX2"
DeskStatus = Literal[desk.VALID, desk.EXPIRED, desk.INACTIVE, desk.REPLACED, desk.UNKNOWN]


def _text(max_length: int, *, required: bool = False):
    return Annotated[str, StringConstraints(strip_whitespace=True, max_length=max_length,
                                            min_length=1 if required else 0)]


class Out(Schema):
    """A response shape: exactly these properties (documented as closed)."""

    model_config = ConfigDict(json_schema_extra={"additionalProperties": False})


class Error(Out):
    """Every error has this shape. `code` is stable; `message` is in the language of
    Accept-Language; `field` names the input it concerns."""

    code: str = Field(examples=["card_expired"])
    message: str
    field: str | None


class Named(Out):
    id: int
    name: str


class Titles(Out):
    fi: str
    sv: str
    en: str


class Offer(Out):
    id: int
    title: Titles
    venue: Named
    site: Named
    category: Category
    kind: OfferKind
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    children_allowed: bool
    cap_per_date: int | None = Field(
        description="Kaikukortti tickets per event date; null for no limit.")
    restrictions: str
    status: OfferStatus

    @staticmethod
    def resolve_title(offer) -> dict[str, str]:
        return {"fi": offer.title_fi, "sv": offer.title_sv, "en": offer.title_en}


class Use(Out):
    id: int
    card: str = Field(examples=[CARD_NUMBER_EXAMPLE])
    offer: int | None
    venue: int
    site: int
    seller: int | None = Field(description="The ticket seller that recorded it.")
    category: Category
    event_date: datetime.date
    children: int = Field(ge=0)
    companion: bool
    status: UseStatus
    source: UseSource
    recorded_at: datetime.datetime
    cancelled_at: datetime.datetime | None

    @staticmethod
    def resolve_card(use) -> str:
        return display(use.card.number)

    @staticmethod
    def resolve_offer(use) -> int | None:
        return use.offer_id

    @staticmethod
    def resolve_venue(use) -> int:
        return use.venue_id

    @staticmethod
    def resolve_site(use) -> int:
        return use.site_id

    @staticmethod
    def resolve_seller(use) -> int | None:
        return use.seller_id


class Card(Out):
    """The desk answer about a card: its validity only, nothing about the holder."""

    number: str = Field(examples=[CARD_NUMBER_EXAMPLE])
    status: DeskStatus
    valid_until: datetime.date | None
    children_max: int = Field(ge=0, description="Children's tickets (community card: clients "
                                                "under 16) that may be given with one use.")
    kind: CardKind | None
    replaced_by: str | None = Field(description="The newer card's number.")
    message: str = Field(description="The answer for the desk, in the language of "
                                     "Accept-Language.")
    signed_at: datetime.datetime | None = Field(
        None, description="When the look-up was by a mobile-card token: when the registry "
                          "signed it.")

    @staticmethod
    def resolve_kind(answer) -> str | None:
        return answer.kind or None

    @staticmethod
    def resolve_message(answer) -> str:
        return str(answer.reason)


class Unit(Out):
    """A distributor's unit, where cards are registered."""

    id: int
    name: str


class Site(Out):
    """A venue's site, where uses are recorded."""

    id: int
    name: str
    venue: Named
    is_active: bool

    @staticmethod
    def resolve_venue(site) -> dict:
        return {"id": site.organisation_id, "name": site.organisation.name}


class OfferPage(Out):
    count: int = Field(ge=0)
    next: str | None = Field(json_schema_extra={"format": "uri"})
    previous: str | None = Field(json_schema_extra={"format": "uri"})
    results: list[Offer]


class UsePage(OfferPage):
    results: list[Use]  # type: ignore[assignment]


class UnitPage(OfferPage):
    results: list[Unit]  # type: ignore[assignment]


class SitePage(OfferPage):
    results: list[Site]  # type: ignore[assignment]


# --- requests ----------------------------------------------------------------------------

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
Count = Annotated[int, Field(ge=0, le=99)]


class UseCreate(Schema):
    card: _text(20, required=True) = Field(  # type: ignore[valid-type]
        examples=[CARD_NUMBER_EXAMPLE], description="The card number, with or without the dash.")
    offer: Id | None = Field(
        None, description="The offer (its site is used). Give `offer` or `site`.")
    site: Id | None = Field(
        None, description="A site for an admission without an offer; needs `category`.")
    category: Category | None = Field(None, description="Only with `site` and no `offer`.")
    event_date: datetime.date = Field(description="The day of the event or visit.")
    children: Count | None = Field(0, description="Children's tickets given with this use.")
    companion: StrictBool | None = Field(False, description="A companion ticket was given.")


class CardCreate(Schema):
    unit: Id = Field(description="One of the distributor's units (see `GET /units`).")
    number: _text(20, required=True) = Field(  # type: ignore[valid-type]
        examples=[CARD_NUMBER_EXAMPLE],
        description="The printed card's number (from the area's stock).")
    birth_year: int = Field(ge=0, le=9999)
    postal_code: _text(10, required=True) = Field(examples=["02100"])  # type: ignore[valid-type]
    children: Count | None = Field(0, description="Minor children in the household.")
    gender: _text(40) | None = Field(None, description="Optional.")  # type: ignore[valid-type]
    life_situation: _text(40) | None = Field(  # type: ignore[valid-type]
        None, description="Optional.")
    preferred_language: _text(10) | None = Field(  # type: ignore[valid-type]
        None, description="Optional.")
    issued_on: datetime.date | None = Field(
        None, description="Default today; a paper form may be entered afterwards.")


class CardRenew(Schema):
    on: datetime.date | None = Field(None, description="The renewal date; default today.")
