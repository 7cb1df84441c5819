"""Retention: what is deleted when, and coarsened cards leave every figure unchanged."""

from __future__ import annotations

import datetime
import itertools
import os

import pytest
from django.apps import apps
from django.utils import timezone

from kaikukanta.accounts.models import Invitation, InvitationStatus
from kaikukanta.audit.models import AuditEntry
from kaikukanta.cards.models import Card, CardKind, CardStatus
from kaikukanta.ops.retention import coarse_birth_year, retention_apply
from kaikukanta.stats.models import RetiredHolders
from kaikukanta.stats.scopes import Period, Target
from kaikukanta.stats.selectors import dashboard
from kaikukanta.usage.models import LookupLog
from tests.factories import make_card
from tests.stats.conftest import cancel_use, make_use

NOW = timezone.make_aware(datetime.datetime(2026, 6, 1, 12, 0))
TODAY = NOW.date()
D = datetime.date


def _figures(d) -> list:
    return [(t.key, [(str(label), [c.shown for c in cells]) for label, cells in t.rows],
             [c.shown for c in t.total] if t.total else None) for t in d.tables]


def _all_figures(cast) -> dict:
    a, b = cast.a, cast.b
    espoo = a.unit.organisation.home_area.municipalities.first()
    targets = [Target("national"), Target("area", a.area), Target("area", b.area),
               Target("distributor", a.distributor_org), Target("unit", a.unit),
               Target("unit", b.unit), Target("municipality", espoo),
               Target("venue", a.venue_org), Target("site", a.site),
               Target("seller", a.seller_org)]
    periods = [Period.year(y) for y in range(2018, 2027)] + [
        Period(D(2020, 3, 15), D(2023, 2, 1)), Period(D(2019, 12, 31), D(2019, 12, 31)),
        Period(D(2021, 6, 1), D(2026, 5, 31))]
    return {(t.kind, t.pk, str(p.start), str(p.end), exact): _figures(
                dashboard(target=t, period=p, exact=exact))
            for t in targets for p in periods for exact in (True, False)}


@pytest.fixture
def old_and_new_cards(cast):
    """Personal cards expired long ago (with every kind of holder fact), recent ones and a
    community card, with uses (one cancelled, one from a paper form)."""
    a, b = cast.a, cast.b
    facts = itertools.cycle([("woman", "pensioner"), ("man", "unemployed"), ("", ""),
                             ("other", "student"), ("not_told", "not_told")])
    cards = []
    birth_years = [1947, 1950, 1958, 1961, 1987, 1993, 1996, 2002, 2004, 2005, None]
    for i, year in enumerate(birth_years):
        unit = a.unit if i % 3 else b.unit
        issued = D(2019 + i % 3, 1 + i, 10)
        card = make_card(unit, issued_on=issued, birth_year=year, children=i % 4)
        gender, life = next(facts)
        Card.objects.filter(pk=card.pk).update(
            gender=gender, life_situation=life, preferred_language="fi" if i % 2 else "sv",
            municipality=unit.organisation.home_area.municipalities.first())
        cards.append(card)
    inactive = cards[3]
    Card.objects.filter(pk=inactive.pk).update(status=CardStatus.INACTIVE,
                                               inactivated_on=D(2020, 9, 1))
    recent = [make_card(a.unit, issued_on=D(2025, 8, 1), birth_year=1991),
              make_card(b.unit, issued_on=D(2023, 7, 1), birth_year=1979)]  # expired 2024
    community = make_card(a.unit, issued_on=D(2019, 5, 5), kind=CardKind.COMMUNITY)
    for n, card in enumerate(cards + recent + [community]):
        card.refresh_from_db()
        day = card.issued_on + datetime.timedelta(days=20 + n)
        make_use(card, a.site if n % 2 else b.site, day, children=n % 2,
                 seller=a.seller_org if n % 4 == 0 else None, backfilled=n == 5)
    cancel_use(make_use(cards[0], a.site2, D(2019, 3, 3), companion=True))
    return {"old": cards, "recent": recent, "community": community}


def test_coarsening_leaves_every_dashboard_figure_unchanged(cast, old_and_new_cards):
    before = _all_figures(cast)
    report = retention_apply(now=NOW)
    assert report.counts["cards coarsened"] == len(old_and_new_cards["old"])
    after = _all_figures(cast)
    assert after == before
    # and the figures are not trivial: holders were counted in those years
    national_2019 = before[("national", None, "2019-01-01", "2019-12-31", True)]
    age = dict(next(rows for key, rows, _total in national_2019 if key == "age"))
    assert sum(v[0] for v in age.values()) > 0


def test_coarsened_cards_keep_no_exact_holder_facts(cast, old_and_new_cards):
    retention_apply(now=NOW)
    for card in old_and_new_cards["old"]:
        before = card
        card = Card.objects.get(pk=card.pk)
        assert card.holder_coarsened_on == TODAY
        assert card.birth_year == (coarse_birth_year(before.birth_year)
                                   if before.birth_year else None)
        assert card.birth_year is None or card.birth_year % 5 == 0
        assert card.postal_code == ""
        assert card.municipality is not None  # the postal code's municipality stays
        assert (card.gender, card.life_situation, card.preferred_language) == ("", "", "")
        assert card.children == before.children
    assert Card.objects.get(number=old_and_new_cards["old"][4].number).birth_year == 1985
    for card in old_and_new_cards["recent"]:  # expired under 3 years ago, or valid
        card.refresh_from_db()
        assert card.holder_coarsened_on is None
        assert card.birth_year in (1991, 1979) and card.postal_code == "02100"
    assert sum(r.cards for r in RetiredHolders.objects.all()) == len(old_and_new_cards["old"])


def _all_rows() -> dict:
    return {model._meta.label: list(model._default_manager.order_by("pk").values())
            for model in apps.get_models()}


def test_retention_is_idempotent(cast, old_and_new_cards):
    """The second run changes no row of any table, so no figure either (the dashboards
    read only the database; the first run's figures are the coarsening test's)."""
    retention_apply(now=NOW)
    rows = _all_rows()
    assert rows["stats.RetiredHolders"] and rows["cards.Card"]
    again = retention_apply(now=NOW)
    assert set(again.counts.values()) == {0}
    assert _all_rows() == rows


def test_periods_are_settings(cast, old_and_new_cards, settings):
    settings.RETENTION_CARD_COARSEN_YEARS = 10
    assert retention_apply(now=NOW).counts["cards coarsened"] == 0
    settings.RETENTION_CARD_COARSEN_YEARS = 1  # now the card expired in 2024 is due too
    assert retention_apply(now=NOW).counts["cards coarsened"] == len(
        old_and_new_cards["old"]) + 1


def _aged(model, field, days: int, **values):
    obj = model.objects.create(**values)
    model.objects.filter(pk=obj.pk).update(**{field: NOW - datetime.timedelta(days=days)})
    return obj


def test_look_up_logs_are_deleted_after_a_year(cast):
    old = _aged(LookupLog, "at", 366, user=cast.a.venue, number="ABCDEFGH")
    kept = _aged(LookupLog, "at", 364, user=cast.a.venue, number="ABCDEFGH")
    assert retention_apply(now=NOW).counts["look-up logs deleted"] == 1
    assert list(LookupLog.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not LookupLog.objects.filter(pk=old.pk).exists()


def test_audit_entries_are_kept_five_years(cast):
    old = _aged(AuditEntry, "at", 5 * 365 + 2, action="card.registered")
    kept = _aged(AuditEntry, "at", 5 * 365 - 2, action="card.registered")
    assert retention_apply(now=NOW).counts["audit entries deleted"] == 1
    assert AuditEntry.objects.filter(pk=kept.pk).exists()
    assert not AuditEntry.objects.filter(pk=old.pk).exists()


def test_closed_or_expired_invitations_are_deleted_after_90_days(cast):
    def invitation(token, status, *, expired_days_ago, closed_days_ago=None):
        return Invitation.objects.create(
            email=f"{token}@example.fi", name=token, role="distributor", area=cast.a.area,
            token_hash=token, status=status,
            expires_at=NOW - datetime.timedelta(days=expired_days_ago),
            closed_at=(NOW - datetime.timedelta(days=closed_days_ago)
                       if closed_days_ago is not None else None),
            created_by=cast.a.welfare)

    gone = [invitation("a1", InvitationStatus.ACCEPTED, expired_days_ago=-5,
                       closed_days_ago=91),
            invitation("a2", InvitationStatus.PENDING, expired_days_ago=91),
            invitation("a3", InvitationStatus.EXPIRED, expired_days_ago=100),
            invitation("a4", InvitationStatus.REVOKED, expired_days_ago=50,
                       closed_days_ago=95)]
    kept = [invitation("k1", InvitationStatus.ACCEPTED, expired_days_ago=100,
                       closed_days_ago=89),  # used recently
            invitation("k2", InvitationStatus.PENDING, expired_days_ago=89),
            invitation("k3", InvitationStatus.PENDING, expired_days_ago=-7)]
    assert retention_apply(now=NOW).counts["invitations deleted"] == len(gone)
    assert set(Invitation.objects.values_list("pk", flat=True)) == {i.pk for i in kept}


def test_apply_retention_command_prints_what_it_did(cast, capsys):
    from django.core.management import call_command

    call_command("apply_retention")
    out = capsys.readouterr().out
    assert "look-up logs deleted: 0" in out and "cards coarsened: 0" in out


def test_batch_pdfs_are_deleted_with_their_files_after_30_days(cast, settings, tmp_path):
    from django.core.files.base import ContentFile

    from kaikukanta.cards import services
    from kaikukanta.cards.models import BatchPrint
    from kaikukanta.lib.scope import SYSTEM

    settings.MEDIA_ROOT = tmp_path
    batch = services.batch_create(scope=SYSTEM, area=cast.a.area, count=1)
    old, new = (BatchPrint.objects.create(batch=batch, total=1) for _ in range(2))
    for job in (old, new):
        job.file.save(f"p{job.pk}.pdf", ContentFile(b"%PDF"))
    old_path = old.file.path
    BatchPrint.objects.filter(pk=old.pk).update(created_at=NOW - datetime.timedelta(days=31))
    BatchPrint.objects.filter(pk=new.pk).update(created_at=NOW - datetime.timedelta(days=29))
    retention_apply(now=NOW)
    assert list(BatchPrint.objects.values_list("pk", flat=True)) == [new.pk]
    assert not os.path.exists(old_path)
    assert os.path.exists(new.file.path)
