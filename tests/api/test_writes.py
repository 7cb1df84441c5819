"""Card look-ups, recording and cancelling uses, registering and renewing cards through
the API: the same services and the same error codes as the screens."""

import datetime
import uuid

import pytest

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.api.models import ApiKey
from kaikukanta.audit.models import AuditEntry
from kaikukanta.cards.models import Card, CardStatus
from kaikukanta.lib.scope import SYSTEM
from kaikukanta.usage.models import LookupLog, Use, UseSource, UseStatus
from tests.api.conftest import use_body
from tests.factories import make_card

TODAY = datetime.date.today()


def idem():
    return {"Idempotency-Key": str(uuid.uuid4())}


# --- GET /cards/{number} ------------------------------------------------------------------

def test_card_lookup_is_the_desk_answer(cast, keys, api):
    card = make_card(cast.a.unit, children=2)
    for key in (keys.venue, keys.seller, keys.distributor, keys.read_only, keys.venue_b):
        response = api(key).get(f"/cards/{card.number}")
        assert response.status_code == 200
        assert response.json() == {
            "number": card.display_number, "status": "valid",
            "valid_until": card.valid_until.isoformat(), "children_max": 2,
            "kind": "personal", "replaced_by": None, "signed_at": None,
            "message": "Valid. Up to 2 children's tickets.",
        }
    prefix = keys.venue[3:11]
    log = LookupLog.objects.filter(actor_label=f"api_key:{prefix}").get()
    assert log.found and log.user is None


def test_card_lookup_statuses(cast, keys, api):
    venue = api(keys.venue)
    expired = make_card(cast.a.unit, issued_on=TODAY - datetime.timedelta(days=800))
    inactive = make_card(cast.a.unit, status=CardStatus.INACTIVE)
    unknown = make_card(None, status=CardStatus.UNUSED, area=cast.a.area)
    assert venue.get(f"/cards/{expired.display_number}").json()["status"] == "expired"
    assert venue.get(f"/cards/{inactive.number}").json()["status"] == "inactive"
    body = venue.get(f"/cards/{unknown.number.lower()}").json()
    assert body["status"] == "unknown" and body["kind"] is None and body["valid_until"] is None


@pytest.mark.parametrize(("number", "code"), [
    ("ABC", "card_number_invalid"), ("K7M4-9QX0", "card_number_invalid"),
])
def test_card_lookup_malformed(keys, api, number, code):
    response = api(keys.venue).get(f"/cards/{number}")
    assert response.status_code == 400
    assert response.json()["code"] == code and response.json()["field"] == "number"


def test_card_lookup_check_character(cast, keys, api):
    card = make_card(cast.a.unit)
    last = card.number[-1]
    wrong = card.number[:-1] + ("2" if last != "2" else "3")
    response = api(keys.venue).get(f"/cards/{wrong}")
    assert response.status_code == 400 and response.json()["code"] == "card_check_character"


def test_guessing_unknown_numbers_is_slowed_down(cast, keys, api, settings):
    """The stricter limit for unknown numbers is the desk's own (usage.services)."""
    settings.KAIKUKANTA_LOOKUP_UNKNOWN_LIMIT = 2
    unknowns = [make_card(None, status=CardStatus.UNUSED, area=cast.a.area) for _ in range(3)]
    venue = api(keys.venue, "fi")
    assert venue.get(f"/cards/{unknowns[0].number}").status_code == 200
    assert venue.get(f"/cards/{unknowns[1].number}").status_code == 200
    response = venue.get(f"/cards/{unknowns[2].number}")
    assert response.status_code == 429
    assert response.json()["code"] == "lookup_throttled"
    assert response.json()["message"].startswith("Liian monta tuntematonta")
    assert int(response["Retry-After"]) >= 60
    # another key is not slowed down by this one's guesses
    assert api(keys.seller).get(f"/cards/{unknowns[2].number}").status_code == 200


# --- POST /uses -----------------------------------------------------------------------------

def test_venue_records_a_use(cast, keys, offers, api):
    card = make_card(cast.a.unit, children=2)
    response = api(keys.venue).post("/uses", use_body(card, offers.a, children=2,
                                                      companion=True), **idem())
    assert response.status_code == 201, response.content
    body = response.json()
    use = Use.objects.get()
    assert body["id"] == use.pk and body["card"] == card.display_number
    assert (body["offer"], body["site"], body["seller"]) == (offers.a.pk, cast.a.site.pk, None)
    assert (use.children, use.companion, use.source) == (2, True, UseSource.API)
    assert use.recorded_by is None
    entry = AuditEntry.objects.get(action="use.recorded")
    assert entry.actor_label == f"api_key:{keys.venue[3:11]}" and entry.actor is None


def test_seller_records_for_an_approved_venue(cast, keys, offers, api):
    card = make_card(cast.b.unit)
    response = api(keys.seller).post("/uses", use_body(card, offers.a), **idem())
    assert response.status_code == 201
    assert response.json()["seller"] == cast.a.seller_org.pk
    assert Use.objects.get().seller == cast.a.seller_org


def test_admission_at_a_site_without_offer(cast, keys, api):
    card = make_card(cast.a.unit)
    venue = api(keys.venue)
    response = venue.post("/uses", use_body(card, site=cast.a.site2.pk), **idem())
    assert response.status_code == 400 and response.json()["code"] == "category_required"
    response = venue.post("/uses", use_body(card, site=cast.a.site2.pk, category="sports"),
                          **idem())
    assert response.status_code == 201
    assert response.json()["offer"] is None and response.json()["category"] == "sports"


def test_retry_returns_the_first_response_and_one_use(cast, keys, offers, api):
    card = make_card(cast.a.unit)
    venue = api(keys.venue)
    headers = idem()
    first = venue.post("/uses", use_body(card, offers.a), **headers)
    again = venue.post("/uses", use_body(card, offers.a), **headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Use.objects.count() == 1
    # a new key for the same use is the rule's answer: already recorded
    response = venue.post("/uses", use_body(card, offers.a), **idem())
    assert response.status_code == 409 and response.json()["code"] == "already_recorded"
    # the same key with another body is a client error
    response = venue.post("/uses", use_body(card, offers.a, children=1), **headers)
    assert response.status_code == 409 and response.json()["code"] == "idempotency_conflict"
    # the same Idempotency-Key from another organisation's key is its own request
    other = make_card(cast.b.unit)
    response = api(keys.venue_b).post("/uses", use_body(other, offers.b), **headers)
    assert response.status_code == 201 and Use.objects.count() == 2


def test_errors_are_replayed_too(cast, keys, offers, api):
    card = make_card(cast.a.unit, issued_on=TODAY - datetime.timedelta(days=800))
    headers = idem()
    venue = api(keys.venue)
    first = venue.post("/uses", use_body(card, offers.a), **headers)
    assert first.status_code == 400 and first.json()["code"] == "card_expired"
    again = venue.post("/uses", use_body(card, offers.a), **headers)
    assert again.json() == first.json() and again.status_code == 400


def test_idempotency_key_is_required(cast, keys, offers, api):
    card = make_card(cast.a.unit)
    response = api(keys.venue).post("/uses", use_body(card, offers.a))
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["field"] == "Idempotency-Key"
    response = api(keys.venue).post("/uses", use_body(card, offers.a),
                                    **{"Idempotency-Key": "x" * 65})
    assert response.status_code == 400 and response.json()["field"] == "Idempotency-Key"
    assert not Use.objects.exists()


def _recorded_use(cast, offer, scope=SYSTEM):
    from kaikukanta.usage.services import use_record

    return use_record(scope=scope, site=offer.site, offer=offer, event_date=TODAY,
                      card_number=make_card(cast.a.unit).number)


@pytest.mark.parametrize(("case", "status", "code", "field"), [
    ("unknown", 404, "card_unknown", "number"),
    ("malformed", 400, "card_number_invalid", "number"),
    ("expired", 400, "card_expired", "number"),
    ("inactive", 400, "card_inactive", "number"),
    ("replaced", 400, "card_replaced", "number"),
    ("too_many_children", 400, "too_many_children", "children"),
    ("children_not_allowed", 400, "children_not_allowed", "children"),
    ("cap", 409, "offer_cap_reached", "offer"),
    ("not_available", 400, "offer_not_available", "offer"),
    ("future", 400, "event_date_in_future", "event_date"),
    ("no_date", 400, "invalid", "event_date"),
    ("bad_children", 400, "invalid", "children"),
    ("bad_companion", 400, "invalid", "companion"),
    ("no_offer_or_site", 400, "invalid", "offer"),
    ("bad_category", 400, "invalid", "category"),
    ("bad_json", 400, "invalid", "body"),
    ("other_venues_offer", 404, "not_in_scope", "offer"),
    ("other_venues_site", 404, "not_in_scope", "site"),
])
def test_recording_errors(cast, keys, offers, api, case, status, code, field):
    card = make_card(cast.a.unit, children=1)
    body = use_body(card, offers.a)
    if case == "unknown":
        body["card"] = make_card(None, status=CardStatus.UNUSED, area=cast.a.area).number
    elif case == "malformed":
        body["card"] = "K7M4"
    elif case == "expired":
        body["card"] = make_card(cast.a.unit, issued_on=TODAY - datetime.timedelta(days=800)
                                 ).number
    elif case == "inactive":
        body["card"] = make_card(cast.a.unit, status=CardStatus.INACTIVE).number
    elif case == "replaced":
        old = make_card(cast.a.unit, status=CardStatus.INACTIVE)
        newer = make_card(cast.a.unit)
        newer.replaces = old
        newer.save()
        body["card"] = old.number
    elif case == "too_many_children":
        body["children"] = 2
    elif case == "children_not_allowed":
        offers.a.children_allowed = False
        offers.a.save()
        body["children"] = 1
    elif case == "cap":
        _recorded_use(cast, offers.a2)  # cap 1 per date
        body["offer"] = offers.a2.pk
    elif case == "not_available":
        offers.a.ends_on = TODAY - datetime.timedelta(days=1)
        offers.a.save()
    elif case == "future":
        body["event_date"] = (TODAY + datetime.timedelta(days=366)).isoformat()
    elif case == "no_date":
        del body["event_date"]
    elif case == "bad_children":
        body["children"] = "many"
    elif case == "bad_companion":
        body["companion"] = "yes"
    elif case == "no_offer_or_site":
        del body["offer"]
    elif case == "bad_category":
        del body["offer"]
        body.update(site=cast.a.site.pk, category="music")
    elif case == "bad_json":
        body = "{not json"
    elif case == "other_venues_offer":
        body["offer"] = offers.b.pk
    elif case == "other_venues_site":
        del body["offer"]
        body.update(site=cast.b.site.pk, category="culture")
    before = Use.objects.count()
    response = api(keys.venue).post("/uses", body, **idem())
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert response.json()["field"] == field
    assert set(response.json()) == {"code", "message", "field"}
    assert Use.objects.count() == before


def test_already_recorded_and_messages_in_swedish(cast, keys, offers, api):
    card = make_card(cast.a.unit)
    venue = api(keys.venue, "sv")
    assert venue.post("/uses", use_body(card, offers.a), **idem()).status_code == 201
    response = venue.post("/uses", use_body(card, offers.a), **idem())
    assert response.status_code == 409
    assert response.json()["code"] == "already_recorded"
    assert response.json()["message"].startswith("Det här kortet har redan registrerats")


# --- DELETE /uses/{id} ----------------------------------------------------------------------

def test_cancel_a_use(cast, keys, offers, api):
    use = _recorded_use(cast, offers.a)
    assert api(keys.venue_b).delete(f"/uses/{use.pk}").status_code == 404
    assert api(keys.seller).delete(f"/uses/{use.pk}").status_code == 404  # not its sale
    response = api(keys.venue).delete(f"/uses/{use.pk}")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled" and response.json()["cancelled_at"]
    response = api(keys.venue).delete(f"/uses/{use.pk}")
    assert response.status_code == 409 and response.json()["code"] == "already_cancelled"
    assert api(keys.venue).delete("/uses/999999").status_code == 404


def test_seller_cancels_its_own_sale(cast, keys, offers, api):
    use = _recorded_use(cast, offers.a, scope=scope_for_user(cast.a.seller))
    response = api(keys.seller).delete(f"/uses/{use.pk}")
    assert response.status_code == 200
    assert Use.objects.get(pk=use.pk).status == UseStatus.CANCELLED


def test_cancel_window(cast, keys, offers, api):
    use = _recorded_use(cast, offers.a)
    Use.objects.filter(pk=use.pk).update(
        recorded_at=use.recorded_at - datetime.timedelta(days=30))
    response = api(keys.venue).delete(f"/uses/{use.pk}")
    assert response.status_code == 400 and response.json()["code"] == "cancel_window_passed"


# --- POST /cards and /cards/{number}/renew ---------------------------------------------------

def card_body(cast, card_number, **extra):
    body = {"unit": cast.a.unit.pk, "number": card_number, "birth_year": 1980,
            "postal_code": "02100", "children": 1}
    body.update(extra)
    return body


def test_distributor_registers_a_card(cast, keys, stock, api):
    response = api(keys.distributor).post("/cards", card_body(cast, stock[0], gender="",
                                                              life_situation=""))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "valid" and body["children_max"] == 1
    assert "birth_year" not in body and "postal_code" not in body
    card = Card.objects.get(number=stock[0])
    assert card.status == CardStatus.ACTIVE and card.unit == cast.a.unit
    assert card.birth_year == 1980
    entry = AuditEntry.objects.get(action="card.registered")
    assert entry.actor_label.startswith("api_key:") and "1980" not in str(entry.changes)


def test_register_retry_with_idempotency_key(cast, keys, stock, api):
    headers = idem()
    first = api(keys.distributor).post("/cards", card_body(cast, stock[0]), **headers)
    again = api(keys.distributor).post("/cards", card_body(cast, stock[0]), **headers)
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    response = api(keys.distributor).post("/cards", card_body(cast, stock[0]))
    assert response.status_code == 409
    assert response.json()["code"] == "card_already_registered"


@pytest.mark.parametrize(("extra", "status", "code", "field"), [
    ({"birth_year": 1850}, 400, "card_birth_year_invalid", "birth_year"),
    ({"postal_code": "ABCDE"}, 400, "card_postal_code_invalid", "postal_code"),
    ({"postal_code": "99999"}, 400, "card_postal_code_unknown", "postal_code"),
    ({"children": -1}, 400, "invalid", "children"),
    ({"birth_year": None}, 400, "invalid", "birth_year"),
    ({"unit": "x"}, 400, "invalid", "unit"),
    ({"number": "K7M4"}, 400, "card_number_invalid", "number"),
    ({"issued_on": "2999-01-01"}, 400, "card_date_in_future", "issued_on"),
])
def test_register_errors(cast, keys, stock, api, extra, status, code, field):
    response = api(keys.distributor).post("/cards", card_body(cast, stock[0], **extra))
    assert response.status_code == status, response.content
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert Card.objects.get(number=stock[0]).status == CardStatus.UNUSED


def test_register_only_at_own_units(cast, keys, stock, api):
    response = api(keys.distributor_b).post("/cards", card_body(cast, stock[0]))
    assert response.status_code == 404 and response.json()["field"] == "unit"
    response = api(keys.venue).post("/cards", card_body(cast, stock[0],
                                                        unit=cast.a.site.pk))
    assert response.status_code == 404
    assert Card.objects.get(number=stock[0]).status == CardStatus.UNUSED


def test_renew(cast, keys, api):
    card = make_card(cast.a.unit, issued_on=TODAY - datetime.timedelta(days=300))
    before = card.valid_until
    assert api(keys.distributor_b).post(f"/cards/{card.number}/renew").status_code == 404
    assert api(keys.venue).post(f"/cards/{card.number}/renew").status_code == 404
    response = api(keys.distributor).post(f"/cards/{card.display_number}/renew")
    assert response.status_code == 200, response.content
    card.refresh_from_db()
    assert card.valid_until > before
    assert response.json()["valid_until"] == card.valid_until.isoformat()
    inactive = make_card(cast.a.unit, status=CardStatus.INACTIVE)
    response = api(keys.distributor).post(f"/cards/{inactive.number}/renew")
    assert response.status_code == 409 and response.json()["code"] == "card_not_active"
    response = api(keys.distributor).post("/cards/K7M4/renew")
    assert response.status_code == 400 and response.json()["code"] == "card_number_invalid"


def test_key_use_is_noted_but_not_written_every_time(cast, keys, api):
    from django.utils import timezone

    api(keys.venue).get("/offers")
    key = ApiKey.objects.get(prefix=keys.venue[3:11])
    first = key.last_used_at
    assert first is not None and first <= timezone.now()
    api(keys.venue).get("/offers")
    assert ApiKey.objects.get(pk=key.pk).last_used_at == first


def test_seller_cannot_cancel_once_no_longer_approved(cast, keys, offers, api):
    """Its own sale stays visible (404 would hide it), but the same permission as the
    venue pages (`RECORD_USES` at the site) refuses the cancel: 403 not_allowed."""
    from kaikukanta.network.models import SellerLink

    use = _recorded_use(cast, offers.a, scope=scope_for_user(cast.a.seller))
    SellerLink.objects.filter(seller=cast.a.seller_org).update(status="rejected")
    response = api(keys.seller).delete(f"/uses/{use.pk}")
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"
    assert Use.objects.get(pk=use.pk).status == UseStatus.RECORDED
