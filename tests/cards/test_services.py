"""Each rule of the card services, with its own error, and nothing stored on bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.audit.models import AuditEntry
from kaikukanta.cards import errors, numbers, services
from kaikukanta.cards.models import (
    HOLDER_FIELDS,
    Card,
    CardBatch,
    CardEvent,
    CardEventKind,
    CardKind,
    CardStatus,
    InactiveReason,
)
from kaikukanta.lib.scope import SYSTEM
from kaikukanta.network.models import AreaStatus

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def snapshot():
    return (
        list(Card.objects.order_by("pk").values()),
        CardEvent.objects.count(),
        AuditEntry.objects.count(),
    )


# --- stock ---------------------------------------------------------------------------


def test_batch_create_makes_unique_unused_numbers(cast):
    batch = services.batch_create(scope=scope_for_user(cast.a.welfare), area=cast.a.area, count=500)
    got = list(batch.cards.values_list("number", flat=True))
    assert len(got) == len(set(got)) == 500 == batch.size
    assert all(numbers.is_valid(n) and n[0] not in "XZ" for n in got)
    assert set(batch.cards.values_list("status", flat=True)) == {CardStatus.UNUSED}
    entry = AuditEntry.objects.get(action="card_batch.created")
    assert entry.changes == {"size": 500, "kind": "personal"}


def test_batch_create_retries_on_collision(cast, monkeypatch):
    existing = services.batch_create(scope=SYSTEM, area=cast.a.area, count=1).cards.get().number
    fresh = numbers.generate()
    draws = iter([existing, fresh])
    monkeypatch.setattr(numbers, "generate", lambda prefix="": next(draws))
    batch = services.batch_create(scope=SYSTEM, area=cast.a.area, count=1)
    assert batch.cards.get().number == fresh


@pytest.mark.parametrize("count", [0, -1, services.MAX_BATCH_SIZE + 1, "5", True])
def test_batch_size_is_checked(cast, count):
    with pytest.raises(errors.BatchSizeInvalid):
        services.batch_create(scope=SYSTEM, area=cast.a.area, count=count)
    assert not CardBatch.objects.exists()


# --- registration --------------------------------------------------------------------


def test_register_a_printed_card(cast, stock, register):
    card = register(stock[0], gender="woman", life_situation="student",
                    preferred_language="sv")
    card.refresh_from_db()
    assert card.status == CardStatus.ACTIVE
    assert card.unit == cast.a.unit and card.area == cast.a.area
    assert card.issued_on == today() and not card.backfilled
    assert card.valid_until == today().replace(year=today().year + 1) - dt.timedelta(days=1) \
        or card.valid_until.month == 2  # leap-day edge handled by validity tests
    assert (card.birth_year, card.postal_code, card.children) == (1980, "02100", 2)
    assert card.municipality is None  # no postal-code table loaded
    event = card.events.get()
    assert event.kind == CardEventKind.REGISTERED and event.unit == cast.a.unit
    entry = AuditEntry.objects.get(action="card.registered")
    assert entry.actor == cast.a.distributor and entry.area == cast.a.area
    flat = str(entry.changes) + entry.target_label
    for value in ("1980", "02100", "woman", "student"):
        assert value not in flat


def test_number_may_come_from_another_areas_stock(cast, stock):
    card = services.card_register(scope=scope_for_user(cast.b.distributor), unit=cast.b.unit,
                                  number=stock[0], birth_year=1990, postal_code="87100",
                                  children=0)
    assert card.area == cast.b.area and card.batch.area == cast.a.area


def test_typed_number_forms_are_accepted(stock, register):
    typed = numbers.display(stock[0]).lower().replace("-", " ")
    assert register(typed).number == stock[0]


def test_backfilled_registration(stock, register):
    day = today() - dt.timedelta(days=60)
    card = register(stock[0], issued_on=day)
    assert card.backfilled and card.issued_on == day
    assert card.events.get().on == day


def _bad_cases(stock):
    this_year = dt.date.today().year
    return [
        ({"birth_year": this_year - 15}, errors.HolderTooYoung),
        ({"birth_year": this_year + 1}, errors.BirthYearInvalid),
        ({"birth_year": this_year - 111}, errors.BirthYearInvalid),
        ({"number": "K7M4-9QX"}, errors.CardNumberInvalid),
        ({"number": stock[0][:-1] + ("A" if stock[0][-1] != "A" else "B")},
         errors.CardCheckCharacter),
        ({"number": numbers.generate()}, errors.CardUnknown),
        ({"postal_code": "2100"}, errors.PostalCodeInvalid),
        ({"postal_code": "0210A"}, errors.PostalCodeInvalid),
        ({"children": -1}, errors.ChildrenInvalid),
        ({"children": services.MAX_CHILDREN + 1}, errors.ChildrenInvalid),
        ({"gender": "robot"}, errors.ChoiceInvalid),
        ({"issued_on": today() + dt.timedelta(days=1)}, errors.IssueDateInFuture),
        ({"issued_on": today() - dt.timedelta(days=61)}, errors.IssueDateTooOld),
    ]


def test_each_bad_input_has_its_own_error_and_stores_nothing(stock, register):
    before = snapshot()
    for kwargs, error in _bad_cases(stock):
        params = {"number": stock[1], **kwargs}
        with pytest.raises(error):
            register(**params) if "number" not in kwargs else register(
                params.pop("number"), **params)
        assert snapshot() == before, error


def test_turning_16_this_year_is_enough(stock, register):
    year = today().year
    assert register(stock[0], birth_year=year - 16).status == CardStatus.ACTIVE
    assert register(stock[1], birth_year=year - services.MAX_AGE).status == CardStatus.ACTIVE


def test_age_counts_from_the_year_of_issue(stock, register):
    day = today() - dt.timedelta(days=60)
    with pytest.raises(errors.HolderTooYoung):
        register(stock[0], birth_year=day.year - 15, issued_on=day)


def test_already_registered_and_voided(stock, register):
    register(stock[0])
    before = snapshot()
    with pytest.raises(errors.CardAlreadyRegistered):
        register(stock[0])
    Card.objects.filter(number=stock[1]).update(status=CardStatus.VOIDED)
    before = snapshot()
    with pytest.raises(errors.CardVoided):
        register(stock[1])
    assert snapshot() == before


def test_community_stock_is_not_registered_as_personal(community_stock, register):
    with pytest.raises(errors.CardWrongKind):
        register(community_stock[0])


def test_postal_code_table_rules(cast, postal_codes, stock, register):
    card = register(stock[0], postal_code="02100")
    assert card.municipality.code == "049"
    with pytest.raises(errors.PostalCodeUnknown):
        register(stock[1], postal_code="99999")
    with pytest.raises(errors.MunicipalityOutsideNetwork) as exc:
        register(stock[1], postal_code="90100")  # Oulu is in no area here
    assert "Oulu" in str(exc.value)
    cast.b.area.status = AreaStatus.ENDED
    cast.b.area.save()
    with pytest.raises(errors.MunicipalityOutsideNetwork) as exc:
        register(stock[1], postal_code="87100")  # Kajaani's area has ended
    assert "Kajaani" in str(exc.value)
    assert Card.objects.get(number=stock[1]).status == CardStatus.UNUSED


def test_messages_are_translated(stock, register):
    year = today().year
    texts = {}
    for lang in ("fi", "sv", "en"):
        with translation.override(lang):
            with pytest.raises(errors.HolderTooYoung) as exc:
                register(stock[0], birth_year=year - 10)
            texts[lang] = str(exc.value)
            with pytest.raises(errors.CardCheckCharacter) as exc:
                register(stock[0][:-1] + ("A" if stock[0][-1] != "A" else "B"))
            texts[lang + "_check"] = str(exc.value)
    assert texts["en"].startswith("The holder must be at least 16")
    assert "16" in texts["fi"] and texts["fi"] != texts["en"]
    assert "16" in texts["sv"] and texts["sv"] not in (texts["en"], texts["fi"])
    assert str(year - 16) in texts["fi"]
    assert "check the number" in texts["en_check"]
    assert len({texts["fi_check"], texts["sv_check"], texts["en_check"]}) == 3


def test_every_error_code_is_unique_and_has_fi_sv_en_message():
    from kaikukanta.lib.errors import DomainError

    classes = [c for c in vars(errors).values()
               if isinstance(c, type) and issubclass(c, DomainError) and c is not DomainError]
    assert len({c.code for c in classes}) == len(classes) >= 20
    for cls in classes:
        seen = set()
        for lang in ("fi", "sv", "en"):
            with translation.override(lang):
                seen.add(str(cls.message))
        assert len(seen) == 3, cls.code


# --- mobile and community cards ------------------------------------------------------


def test_mobile_only_card_gets_an_x_number(cast):
    card = services.card_register_mobile(scope=scope_for_user(cast.a.distributor), unit=cast.a.unit,
                                         birth_year=1970, postal_code="02100", children=1)
    assert card.number.startswith("X") and numbers.is_valid(card.number)
    assert card.mobile_only and card.status == CardStatus.ACTIVE and card.batch is None


def test_mobile_only_card_checks_the_holder_rules(cast):
    with pytest.raises(errors.HolderTooYoung):
        services.card_register_mobile(scope=SYSTEM, unit=cast.a.unit,
                                      birth_year=today().year - 5, postal_code="02100",
                                      children=0)
    assert not Card.objects.exists()


def test_community_cards(cast, community_stock, stock):
    printed = services.community_card_issue(scope=scope_for_user(cast.a.distributor),
                                            unit=cast.a.unit,
                                            number=community_stock[0])
    mobile = services.community_card_issue(scope=scope_for_user(cast.a.distributor),
                                           unit=cast.a.unit)
    for card in (printed, mobile):
        assert card.kind == CardKind.COMMUNITY and card.status == CardStatus.ACTIVE
        assert all(getattr(card, f) in (None, "", 0) for f in HOLDER_FIELDS)
        assert card.is_valid_on(today())
    assert mobile.number.startswith("Z") and mobile.mobile_only
    with pytest.raises(errors.CardWrongKind):
        services.community_card_issue(scope=SYSTEM, unit=cast.a.unit, number=stock[0])
    renewed = services.card_renew(scope=SYSTEM, card=printed, early=True)
    assert renewed.events.filter(kind=CardEventKind.RENEWED).exists()


# --- lifecycle -----------------------------------------------------------------------


def test_renew_gives_a_new_year_from_the_renewal_date(stock, register):
    card = register(stock[0], issued_on=today() - dt.timedelta(days=50))
    first_end = card.valid_until
    with pytest.raises(errors.CardRenewalEarly):  # still valid for ten months: asked first
        services.card_renew(scope=SYSTEM, card=card)
    assert card.events.filter(kind=CardEventKind.RENEWED).count() == 0
    renewed = services.card_renew(scope=SYSTEM, card=card, early=True)
    assert renewed.issued_on == today() - dt.timedelta(days=50)  # first issue stays
    assert renewed.valid_until > first_end
    assert renewed.events.last().kind == CardEventKind.RENEWED
    with pytest.raises(errors.IssueDateInFuture):
        services.card_renew(scope=SYSTEM, card=card, on=today() + dt.timedelta(days=1))


def test_expired_card_is_not_valid_until_renewed(cast, stock):
    from tests.factories import make_card

    old = today() - dt.timedelta(days=400)
    card = make_card(cast.a.unit, issued_on=old)
    assert not card.is_valid_on(today())
    services.card_renew(scope=SYSTEM, card=card)
    card.refresh_from_db()
    assert card.is_valid_on(today())


def test_update_children_and_options(stock, register):
    card = register(stock[0], children=1)
    services.card_update(scope=SYSTEM, card=card, children=3, gender="man")
    card.refresh_from_db()
    assert (card.children, card.gender) == (3, "man")
    entry = AuditEntry.objects.get(action="card.updated")
    assert entry.changes == {"number": card.number,
                             "changed": ["children", "optional categories"]}
    with pytest.raises(errors.ChildrenInvalid):
        services.card_update(scope=SYSTEM, card=card, children=-1)
    card.refresh_from_db()
    assert card.children == 3


def test_inactivate(stock, register):
    card = register(stock[0])
    with pytest.raises(errors.InactiveReasonInvalid):
        services.card_inactivate(scope=SYSTEM, card=card, reason="bored")
    services.card_inactivate(scope=SYSTEM, card=card, reason=InactiveReason.MOVED_AWAY)
    card.refresh_from_db()
    assert card.status == CardStatus.INACTIVE and card.inactivated_on == today()
    assert not card.is_valid_on(today())
    with pytest.raises(errors.CardNotActive):
        services.card_inactivate(scope=SYSTEM, card=card, reason=InactiveReason.LOST)
    with pytest.raises(errors.CardNotActive):
        services.card_renew(scope=SYSTEM, card=card)


def test_replace_a_lost_card(cast, stock, register):
    old = register(stock[0], children=2, gender="woman")
    new = services.card_replace(scope=scope_for_user(cast.a.distributor), card=old,
                                new_number=stock[1])
    old.refresh_from_db()
    assert old.status == CardStatus.INACTIVE and old.inactive_reason == InactiveReason.LOST
    assert new.replaces == old and old.replaced_by == new
    assert (new.children, new.gender, new.birth_year, new.postal_code) == (2, "woman", 1980,
                                                                          "02100")
    assert new.unit == old.unit and new.valid_until == old.valid_until
    assert new.is_valid_on(today()) and not old.is_valid_on(today())
    assert new.events.get().kind == CardEventKind.REPLACED
    with pytest.raises(errors.CardAlreadyReplaced):
        services.card_replace(scope=SYSTEM, card=old, new_number=stock[2])
    assert Card.objects.get(number=stock[2]).status == CardStatus.UNUSED


def test_replace_with_a_bad_number_changes_nothing(stock, register):
    old = register(stock[0])
    before = snapshot()
    with pytest.raises(errors.CardAlreadyRegistered):
        services.card_replace(scope=SYSTEM, card=old, new_number=stock[0])
    with pytest.raises(errors.CardUnknown):
        services.card_replace(scope=SYSTEM, card=old, new_number=numbers.generate())
    assert snapshot() == before


def test_replace_a_card_reported_lost_earlier(stock, register):
    old = register(stock[0])
    services.card_inactivate(scope=SYSTEM, card=old, reason=InactiveReason.STOLEN)
    new = services.card_replace(scope=SYSTEM, card=old, new_number=stock[1],
                                reason=InactiveReason.STOLEN)
    assert new.replaces_id == old.pk


def test_move_to_another_unit(cast, stock, register):
    from kaikukanta.network import services as network_services

    card = register(stock[0])
    other = network_services.unit_create(scope=SYSTEM, organisation=cast.a.distributor_org,
                                         name="Second unit")
    moved = services.card_move(scope=scope_for_user(cast.a.welfare), card=card, unit=other)
    assert moved.unit == other and moved.area == cast.a.area
    assert moved.events.last().kind == CardEventKind.MOVED
    with pytest.raises(errors.CardMoveInvalid):
        services.card_move(scope=SYSTEM, card=card, unit=other)  # same unit
    with pytest.raises(errors.CardMoveInvalid):
        services.card_move(scope=SYSTEM, card=card, unit=cast.a.site)  # a venue site
    moved = services.card_move(scope=SYSTEM, card=card, unit=cast.b.unit)
    assert moved.area == cast.b.area


def test_stats_hook_is_called_for_every_event(cast, stock, register, monkeypatch):
    calls = []
    monkeypatch.setattr("kaikukanta.stats.hooks.on_card_event",
                        lambda card, event: calls.append(event.kind))
    card = register(stock[0])
    services.card_renew(scope=SYSTEM, card=card, early=True)
    services.card_update(scope=SYSTEM, card=card, children=0)
    new = services.card_replace(scope=SYSTEM, card=card, new_number=stock[1])
    services.card_inactivate(scope=SYSTEM, card=new, reason=InactiveReason.HOLDER_REQUEST)
    assert calls == ["registered", "renewed", "updated", "inactivated", "replaced",
                     "inactivated"]


def test_every_change_is_audited_without_holder_data(cast, stock, community_stock, register):
    from kaikukanta.accounts.models import Membership, Role
    from kaikukanta.network import services as network_services

    card = register(stock[0], birth_year=1977, postal_code="02100", children=3,
                    gender="woman", life_situation="pensioner", preferred_language="sv")
    services.card_renew(scope=scope_for_user(cast.a.distributor), card=card, early=True)
    services.card_update(scope=scope_for_user(cast.a.distributor), card=card, children=4)
    new = services.card_replace(scope=scope_for_user(cast.a.distributor), card=card,
                                new_number=stock[1])
    other = network_services.unit_create(scope=SYSTEM, organisation=cast.a.distributor_org,
                                         name="Other unit")
    services.card_move(scope=scope_for_user(cast.a.welfare), card=new, unit=other)
    # changes belong to the card's unit now: the distributor works there too
    Membership.objects.create(user=cast.a.distributor, role=Role.DISTRIBUTOR_STAFF,
                              organisation=cast.a.distributor_org, unit=other)
    services.card_inactivate(scope=scope_for_user(cast.a.distributor), card=new,
                             reason=InactiveReason.HOLDER_REQUEST)
    services.community_card_issue(scope=scope_for_user(cast.a.distributor), unit=cast.a.unit,
                                  number=community_stock[0])
    services.card_register_mobile(scope=scope_for_user(cast.a.distributor), unit=cast.a.unit,
                                  birth_year=1977, postal_code="02100", children=0)
    entries = AuditEntry.objects.filter(action__startswith="card.").order_by("id")
    assert [e.action for e in entries] == [
        "card.registered", "card.renewed", "card.updated", "card.inactivated",
        "card.replaced", "card.moved", "card.inactivated", "card.registered",
        "card.registered"]
    for entry in entries:
        assert entry.actor in (cast.a.distributor, cast.a.welfare)
        assert entry.area == cast.a.area and entry.at is not None
        assert entry.target_type == "cards.card" and entry.changes["number"]
        flat = f"{entry.changes} {entry.target_label}"
        for value in ("1977", "02100", "woman", "pensioner", "'sv'"):
            assert value not in flat, (entry.action, flat)


def test_void_an_unused_number(cast, stock, register):
    card = Card.objects.get(number=stock[0])
    services.card_void(scope=scope_for_user(cast.a.welfare), card=card)
    card.refresh_from_db()
    assert card.status == CardStatus.VOIDED
    assert card.events.get().kind == CardEventKind.VOIDED
    assert AuditEntry.objects.filter(action="card.voided", area=cast.a.area).exists()
    with pytest.raises(errors.CardVoided):
        register(stock[0])
    with pytest.raises(errors.CardNotInStock):
        services.card_void(scope=SYSTEM, card=card)
    registered = register(stock[1])
    with pytest.raises(errors.CardNotInStock):
        services.card_void(scope=SYSTEM, card=registered)
    registered.refresh_from_db()
    assert registered.status == CardStatus.ACTIVE
