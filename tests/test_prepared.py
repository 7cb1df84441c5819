"""Querysets compiled once (lib.prepared) give what the queryset itself gives, for every
run's own values, on SQLite and PostgreSQL: the model's columns converted as Django does
(dates, booleans), the `select_related` row, the annotations, no row for no match; the
row lock still needs a transaction."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.db.transaction import TransactionManagementError

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.cards.models import Card
from kaikukanta.lib.prepared import Prepared
from kaikukanta.usage.models import Use, UseStatus
from kaikukanta.usage.services import use_record
from tests.factories import make_card

pytestmark = pytest.mark.django_db


def _cards(*, number, event_date, site, token):
    same = Use.objects.filter(
        card=OuterRef("pk"),
        event_date=event_date,
        status=UseStatus.RECORDED,
        offer__isnull=True,
        site_id=site,
    )
    return (
        Card.objects.select_for_update(of=("self",))
        .select_related("unit")
        .filter(number=number)
        .annotate(recorded_already=Exists(same))
        .annotate(token_use=Subquery(Use.objects.filter(request_token=token).values("pk")[:1]))
        .order_by("pk")[:1]
    )


def _fields(card):
    return (
        {f.attname: getattr(card, f.attname) for f in Card._meta.concrete_fields},
        card.unit.pk,
        card.unit.name,
        card.recorded_already,
        card.token_use,
    )


def test_prepared_gives_what_the_queryset_gives_for_each_runs_values(cast):
    prepared = Prepared(_cards, number=str, event_date=datetime.date, site=int, token=str)
    today = datetime.date.today()
    first = make_card(cast.a.unit, children=2)
    second = make_card(cast.b.unit)
    Card.objects.filter(pk=second.pk).update(mobile_only=True)
    use = use_record(
        scope=scope_for_user(cast.a.venue),
        site=cast.a.site,
        card_number=first.number,
        event_date=today,
        category="culture",
        request_token="tok-1",
    )
    runs = [
        {"number": first.number, "event_date": today, "site": cast.a.site.pk, "token": "tok-1"},
        {
            "number": first.number,
            "event_date": today - datetime.timedelta(days=1),
            "site": cast.a.site.pk,
            "token": "tok-2",
        },
        {"number": second.number, "event_date": today, "site": cast.a.site.pk, "token": "tok-1"},
    ]
    with transaction.atomic():
        for values in runs:
            [expected] = list(_cards(**values))
            got = prepared.first(**values)
            assert type(got) is Card and got._state.adding is False
            assert _fields(got) == _fields(expected)
        assert (
            prepared.first(
                number=first.number, event_date=today, site=cast.a.site.pk, token="tok-1"
            ).token_use
            == use.pk
        )
        assert prepared.first(**runs[0]).recorded_already is True
        assert prepared.first(**runs[1]).recorded_already is False
        assert isinstance(prepared.first(**runs[2]).mobile_only, bool)
        assert prepared.first(**runs[2]).mobile_only is True
        assert (
            prepared.first(number="NOSUCHNUMBER", event_date=today, site=cast.a.site.pk, token="x")
            is None
        )
    assert len(prepared.compiled) == 1  # compiled once, run four times


@pytest.mark.django_db(transaction=True)
def test_prepared_lock_needs_a_transaction(cast):
    prepared = Prepared(_cards, number=str, event_date=datetime.date, site=int, token=str)
    card = make_card(cast.a.unit)
    values = {
        "number": card.number,
        "event_date": datetime.date.today(),
        "site": cast.a.site.pk,
        "token": "t",
    }
    with transaction.atomic():
        assert prepared.first(**values).pk == card.pk
    if connection.features.has_select_for_update:
        with pytest.raises(TransactionManagementError):
            prepared.first(**values)


def test_prepared_refuses_a_build_that_drops_a_value(cast):
    prepared = Prepared(
        lambda *, number, ignored: Card.objects.filter(number=number), number=str, ignored=int
    )
    with pytest.raises(ValueError, match="ignored"):
        prepared.objects(number="X", ignored=1)


def test_prepared_values_list_rows_are_the_querysets_rows(cast):
    def build(*, site, day):
        return (
            Use.objects.filter(site_id=site, event_date=day)
            .order_by("-recorded_at")
            .values_list("card__number", "event_date", "companion", "offer_id")[:3]
        )

    prepared = Prepared(build, site=int, day=datetime.date)
    today = datetime.date.today()
    scope = scope_for_user(cast.a.venue)
    for companion in (True, False):
        use_record(
            scope=scope,
            site=cast.a.site,
            card_number=make_card(cast.a.unit).number,
            event_date=today,
            category="culture",
            companion=companion,
        )
    for values in ({"site": cast.a.site.pk, "day": today}, {"site": cast.b.site.pk, "day": today}):
        assert prepared.objects(**values) == list(build(**values))
    rows = prepared.objects(site=cast.a.site.pk, day=today)
    assert len(rows) == 2 and {row[2] for row in rows} == {True, False}
    assert all(type(row[1]) is datetime.date and type(row[2]) is bool for row in rows)


def test_prepared_insert_writes_the_row_create_writes(cast):
    """The look-up log's compiled INSERT (`guessing.log_row_insert`) gives the row that
    `LookupLog.objects.create` gives, field by field (the time set by `auto_now_add`)."""
    from django.utils import timezone

    from kaikukanta.usage.guessing import log_row_insert
    from kaikukanta.usage.models import LookupLog

    runs = [
        {
            "user_id": cast.a.venue.pk,
            "actor_label": "",
            "area_id": cast.a.area.pk,
            "number": "KK1234567",
            "found": True,
            "throttled": False,
        },
        {
            "user_id": None,
            "actor_label": "api: key 7",
            "area_id": None,
            "number": "",
            "found": False,
            "throttled": True,
        },
    ]
    fields = [f.attname for f in LookupLog._meta.concrete_fields if f.attname not in ("id", "at")]
    for values in runs:
        before = timezone.now()
        expected = LookupLog.objects.create(**values)
        log_row_insert(values)
        got = LookupLog.objects.exclude(pk=expected.pk).get(number=values["number"])
        expected.refresh_from_db()
        assert {f: getattr(got, f) for f in fields} == {f: getattr(expected, f) for f in fields}
        assert before <= got.at <= timezone.now()
        LookupLog.objects.all().delete()
