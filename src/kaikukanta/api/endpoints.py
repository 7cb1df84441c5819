"""Partner API endpoints. Each one declares its input (pydantic schemas in `schemas.py`),
its key (`KeyAuth`) and its answers. The key's organisation acts through `request.scope`
(built by `accounts.scope.scope_for_organisation`, like a person's by `scope_for_user`):
reads start from the same `for_scope` querysets as the pages, and writes call the same
services as the screens. Every business rule and its error code lives there, never here;
`core.py` turns errors into answers."""

from __future__ import annotations

import datetime
from contextlib import contextmanager

from django.utils import timezone
from ninja import Header, Path, Query, Router

from kaikukanta.api import schemas
from kaikukanta.api.core import (
    IDEMPOTENCY_PATTERN,
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    KeyAuth,
    idempotent,
    page_of,
    responses,
    write_answer,
)
from kaikukanta.cards import services as card_services
from kaikukanta.cards.errors import CardUnknown
from kaikukanta.cards.models import Card
from kaikukanta.cards.selectors import card_by_number
from kaikukanta.lib.errors import InvalidInput, NotInScope
from kaikukanta.lib.roles import OrganisationKind
from kaikukanta.network.models import Unit
from kaikukanta.usage import guessing
from kaikukanta.usage import services as usage_services
from kaikukanta.usage.models import Offer, OfferStatus, Use, UseSource, UseStatus
from kaikukanta.usage.selectors import OFFER_VERSIONS, answer_for_card, offer_for_recording

router = Router()

READ = KeyAuth()
WRITE = KeyAuth(write=True)
# recording a use: the offer's cache versions are read with the key
RECORD = KeyAuth(write=True, versions=tuple(OFFER_VERSIONS))
MAX_ID = 2**31 - 1
IDEMPOTENCY = ("A unique value per intended write (for example a UUID). A retry with the "
               "same key returns the first response and never writes twice.")
READ_CODES = ("invalid", "unauthorized", "not_in_scope", "rate_limited", "service_unavailable")
WRITE_CODES = ("not_in_scope", "not_allowed", "read_only_key", "idempotency_conflict",
               "unauthorized", "rate_limited", "request_too_large", "service_unavailable")


def _page():
    return Query(1, ge=1, le=10**6, description="The page, from 1.")


def _page_size():
    return Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Rows per page.")


def _number():
    return Path(..., max_length=20, examples=[schemas.CARD_NUMBER_EXAMPLE],
                description="The card number, with or without the dash.")


def _idempotency(required: bool):
    return Header(... if required else None, alias="Idempotency-Key",
                  pattern=IDEMPOTENCY_PATTERN, description=IDEMPOTENCY)


def _sites(scope):
    """The venue sites the key's organisation sees (its own, or those of the venues that
    approved its ticket seller)."""
    return (Unit.objects.for_scope(scope).filter(organisation__kind=OrganisationKind.VENUE)
            .select_related("organisation"))


def _uses(request):
    """The uses the key sees. The API's uses are for the organisations that record them:
    a distributor's systems get no bulk list of its holders' visits (its staff see one
    card's uses at a time, on the card page)."""
    if request.auth.organisation.kind == OrganisationKind.DISTRIBUTOR:
        return Use.objects.none()
    return Use.objects.for_scope(request.scope)


def _issuing_units(scope):
    """The distributor units where the key's organisation registers cards."""
    return Unit.objects.for_scope(scope).filter(organisation__kind=OrganisationKind.DISTRIBUTOR)


def _codes(*codes: str) -> dict:
    """The error codes an operation may answer (listed on the reference page)."""
    return {"x-error-codes": list(dict.fromkeys(codes))}


# --- reads -------------------------------------------------------------------------------

@router.get("/offers", auth=READ, response=responses(200, schemas.OfferPage, 404),
            operation_id="offer_list", summary="List the organisation's offers",
            description="A venue key sees its own offers; a ticket-seller key sees the offers "
                        "of the venues that approved it. Distributor keys see none.",
            openapi_extra=_codes(*READ_CODES))
def offer_list(request,
               site: int | None = Query(None, ge=1, le=MAX_ID,
                                        description="Only offers at this site."),
               status: OfferStatus | None = Query(None, description="Only offers with this "
                                                                    "status."),
               page: int = _page(), page_size: int = _page_size()):
    offers = (Offer.objects.for_scope(request.scope).select_related("venue", "site")
              .order_by("title_fi", "id"))
    if status is not None:
        offers = offers.filter(status=status)
    if site is not None:
        if not _sites(request.scope).filter(pk=site).exists():
            raise NotInScope(field="site")
        offers = offers.filter(site_id=site)
    return page_of(request, offers, page, page_size)


@router.get("/uses", auth=READ, response=responses(200, schemas.UsePage, 404),
            operation_id="use_list", summary="List the organisation's uses",
            description="A venue key sees the uses at its sites; a ticket-seller key sees the "
                        "uses it recorded. Newest event date first.",
            openapi_extra=_codes(*READ_CODES))
def use_list(request,
             date_from: datetime.date | None = Query(
                 None, description="First event date (inclusive)."),
             date_to: datetime.date | None = Query(
                 None, description="Last event date (inclusive)."),
             site: int | None = Query(None, ge=1, le=MAX_ID, description="Only uses at this "
                                                                         "site."),
             offer: int | None = Query(None, ge=1, le=MAX_ID, description="Only uses of this "
                                                                          "offer."),
             status: UseStatus | None = Query(None, description="Only uses with this status."),
             page: int = _page(), page_size: int = _page_size()):
    scope = request.scope
    uses = _uses(request).select_related("card").order_by("-event_date", "-id")
    if date_from:
        uses = uses.filter(event_date__gte=date_from)
    if date_to:
        uses = uses.filter(event_date__lte=date_to)
    if site is not None:
        if not _sites(scope).filter(pk=site).exists():
            raise NotInScope(field="site")
        uses = uses.filter(site_id=site)
    if offer is not None:
        if not Offer.objects.for_scope(scope).filter(pk=offer).exists():
            raise NotInScope(field="offer")
        uses = uses.filter(offer_id=offer)
    if status is not None:
        uses = uses.filter(status=status)
    return page_of(request, uses, page, page_size)


@router.get("/units", auth=KeyAuth(kinds=(OrganisationKind.DISTRIBUTOR,)),
            response=responses(200, schemas.UnitPage, 403),
            operation_id="unit_list", summary="List the distributor's units (distributor keys)",
            description="The active units of the key's distributor, with the ids that "
                        "`POST /cards` takes. Keys of venues and ticket sellers are refused "
                        "with `wrong_key_kind`.",
            openapi_extra=_codes("wrong_key_kind", *READ_CODES))
def unit_list(request, page: int = _page(), page_size: int = _page_size()):
    units = _issuing_units(request.scope).order_by("name", "id")
    return page_of(request, units, page, page_size)


@router.get("/sites", auth=KeyAuth(kinds=(OrganisationKind.VENUE,
                                          OrganisationKind.TICKET_SELLER)),
            response=responses(200, schemas.SitePage, 403),
            operation_id="site_list",
            summary="List the sites where uses are recorded (venue and ticket-seller keys)",
            description="A venue key sees its own sites; a ticket-seller key sees the sites of "
                        "the venues that approved it. The ids are what `POST /uses` and the "
                        "`site` filters take. Distributor keys are refused with "
                        "`wrong_key_kind`.",
            openapi_extra=_codes("wrong_key_kind", *READ_CODES))
def site_list(request, page: int = _page(), page_size: int = _page_size()):
    sites = _sites(request.scope).order_by("organisation__name", "name", "id")
    return page_of(request, sites, page, page_size)


@router.get("/cards/{number}", auth=READ, response=responses(200, schemas.Card),
            operation_id="card_detail", summary="Look a card up (the desk answer)",
            description="Whether the card can be used today: status, valid until, how many "
                        "children's tickets, personal or community card. Nothing about the "
                        "holder. An unknown number answers status `unknown`; many unknown "
                        "numbers in a short time are refused with `lookup_throttled` (429). "
                        "`number` may also be the token scanned from a holder's mobile card "
                        "(docs/card-token.md): the answer is the card's, with `signed_at`.",
            openapi_extra=_codes("card_number_invalid", "card_check_character",
                                 "card_token_malformed", "card_token_bad_signature",
                                 "card_token_expired", "card_token_wrong_kind",
                                 "lookup_throttled", *READ_CODES))
def card_detail(request, number: str = Path(
        ..., max_length=1200, examples=[schemas.CARD_NUMBER_EXAMPLE],
        description="The card number, with or without the dash, or a scanned mobile-card "
                    "token.")):
    answer = usage_services.card_lookup(scope=request.scope, number_text=number)
    return answer


# --- writes ------------------------------------------------------------------------------

@contextmanager
def _unknown_noted(resolution: guessing.Resolution):
    """Tell the guessing limit whether the card number in the block was found (the write
    turns errors into answers, so `guessing.resolving` outside does not see them)."""
    try:
        yield
    except CardUnknown:
        resolution.found = False
        raise
    resolution.found = True


def _card_answer(card) -> dict:
    return write_answer(schemas.Card, answer_for_card(card, card.number,
                                                      on=timezone.localdate()))


@router.post("/uses", auth=RECORD, response=responses(201, schemas.Use, 403, 404, 409, 413),
             operation_id="use_record", summary="Record a use",
             description="Records one use of a card at an offer (or a site's admission) with "
                         "the same rules as the ticket desk. A ticket-seller key records for "
                         "the venues that approved it. Requires an `Idempotency-Key` header.",
             openapi_extra=_codes(
                 "invalid", "card_number_invalid", "card_check_character", "card_unknown",
                 "card_expired", "card_inactive", "card_replaced", "card_not_yet_valid",
                 "event_date_in_future", "event_date_too_old", "too_many_children",
                 "children_not_allowed", "offer_not_available", "category_required",
                 "offer_cap_reached", "already_recorded", "lookup_throttled", *WRITE_CODES))
def use_record(request, payload: schemas.UseCreate,
               idempotency_key: str = _idempotency(required=True)):
    key, scope = request.auth, request.scope

    def write():
        offer = site = None
        if payload.offer is not None:
            # from the shared cache: an offer at a site where the key records
            offer = offer_for_recording(payload.offer, versions=request.versions_read)
            if offer is None or not scope.may_record_at(offer.site):
                raise NotInScope(field="offer")
            site = offer.site
        if payload.site is not None:
            site = (Unit.objects.recording_for(scope).select_related("organisation__home_area")
                    .filter(pk=payload.site).first())
            if site is None:
                raise NotInScope(field="site")
        if site is None:
            raise InvalidInput(field="offer")
        use = usage_services.use_record_resolved(
            scope=scope, site=site, card_number=payload.card,
            event_date=payload.event_date, offer=offer, category=payload.category,
            children=payload.children or 0, companion=bool(payload.companion),
            source=UseSource.API,
            request_token=f"api:{key.pk}:{idempotency_key}", resolution=resolution,
        )
        return 201, write_answer(schemas.Use, use)

    # the guessing limit around the whole write, so its log outlives a refused write
    with guessing.resolving(scope, payload.card) as resolution:
        # no savepoint: `use_record_resolved` refuses before its first write
        return idempotent(request, idempotency_key, write, savepoint=False)


@router.delete("/uses/{use_id}", auth=WRITE,
               response=responses(200, schemas.Use, 403, 404, 409),
               operation_id="use_cancel", summary="Cancel a use",
               description="Cancels a use recorded by mistake, within the venue's cancel "
                           "window. The use stays in the list with status `cancelled`.",
               openapi_extra=_codes("cancel_window_passed", "already_cancelled",
                                    *WRITE_CODES))
def use_cancel(request, use_id: int = Path(..., ge=1, le=MAX_ID),
               idempotency_key: str | None = _idempotency(required=False)):
    def write():
        use = _uses(request).select_related("site__organisation").filter(pk=use_id).first()
        if use is None:
            raise NotInScope()
        use = usage_services.use_cancel(scope=request.scope, use=use)
        return 200, write_answer(schemas.Use, use)

    return idempotent(request, idempotency_key, write)


@router.post("/cards", auth=WRITE,
             response=responses(201, schemas.Card, 403, 404, 409, 413),
             operation_id="card_register", summary="Register a card (distributor keys)",
             description="Registers a printed personal card for a holder at one of the "
                         "distributor's units, with the same rules as the registration "
                         "screen. The answer is the desk answer; holder facts are never "
                         "returned. `card_numbers_exhausted` answers 503.",
             openapi_extra=_codes(
                 "invalid", "card_number_invalid", "card_check_character", "card_unknown",
                 "card_already_registered", "card_voided", "card_wrong_kind",
                 "card_birth_year_invalid", "card_holder_too_young",
                 "card_postal_code_invalid", "card_postal_code_unknown",
                 "card_municipality_outside_network", "card_children_invalid",
                 "card_choice_invalid", "card_date_in_future", "card_date_too_old",
                 "card_numbers_exhausted", "lookup_throttled", *WRITE_CODES))
def card_register(request, payload: schemas.CardCreate,
                  idempotency_key: str | None = _idempotency(required=False)):
    def write():
        unit = (_issuing_units(request.scope).select_related("organisation")
                .filter(pk=payload.unit).first())
        if unit is None:
            raise NotInScope(field="unit")
        with _unknown_noted(resolution):
            card = card_services.card_register(
                scope=request.scope, unit=unit, number=payload.number,
                birth_year=payload.birth_year, postal_code=payload.postal_code,
                children=payload.children or 0, gender=payload.gender or "",
                life_situation=payload.life_situation or "",
                preferred_language=payload.preferred_language or "",
                issued_on=payload.issued_on,
            )
        return 201, _card_answer(card)

    with guessing.resolving(request.scope, payload.number) as resolution:
        return idempotent(request, idempotency_key, write)


@router.post("/cards/{number}/renew", auth=WRITE,
             response=responses(200, schemas.Card, 403, 404, 409, 413),
             operation_id="card_renew", summary="Renew a card (distributor keys)",
             description="A new year of validity from the renewal date, for a card "
                         "registered at one of the distributor's units.",
             openapi_extra=_codes(
                 "invalid", "card_number_invalid", "card_check_character", "card_unknown",
                 "card_not_active", "card_date_in_future", "card_date_too_old",
                 "lookup_throttled", *WRITE_CODES))
def card_renew(request, number: str = _number(), payload: schemas.CardRenew | None = None,
               idempotency_key: str | None = _idempotency(required=False)):
    def write():
        with _unknown_noted(resolution):
            card = card_by_number(number)
        if card.unit is None or not Card.objects.for_scope(request.scope).filter(
                pk=card.pk).exists():
            raise NotInScope(field="number")
        # early=True: the pages warn about an early renewal; a partner system has decided
        card = card_services.card_renew(scope=request.scope, card=card,
                                        on=payload.on if payload else None, early=True)
        return 200, _card_answer(card)

    with guessing.resolving(request.scope, number) as resolution:
        return idempotent(request, idempotency_key, write)
