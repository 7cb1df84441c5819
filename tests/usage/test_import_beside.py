"""A large file's work done beside its transaction (issue 16): the look-up log is written
on a connection of its own while the uses are written, and the audit entries are made in
a thread while the uses are copied in. Both must leave exactly what the plain path leaves."""

from __future__ import annotations

import json
import threading

import pytest

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.audit.models import AuditEntry
from kaikukanta.cards import numbers
from kaikukanta.lib.beside import beside
from kaikukanta.usage import guessing, imports, services
from kaikukanta.usage.models import LookupLog, Use
from tests.usage.conftest import days, mk


def test_beside_gives_the_answer_or_raises_what_the_work_raised():
    assert beside(lambda: 6 * 7)() == 42

    def fails():
        raise ValueError("broken")

    wait = beside(fails)
    with pytest.raises(ValueError, match="broken"):
        wait()


def _file(cards, offer, today, extra: list[str] = ()) -> bytes:
    lines = [f"{c.display_number};{(today - days(1)).isoformat()};{offer.pk};0" for c in cards]
    return ("\n".join(lines + list(extra)) + "\n").encode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_large_file_logs_its_numbers_beside_and_leaves_the_same(cast, offer, today,
                                                                monkeypatch, settings):
    monkeypatch.setattr(guessing, "ASIDE_FROM", 3)  # "large" from three numbers
    threads = []
    monkeypatch.setattr(guessing, "beside", lambda work, name: threads.append(name) or beside(
        work, name=name))
    scope = scope_for_user(cast.a.venue)
    cards = [mk(cast.a.unit) for _ in range(4)]
    running = threading.active_count()

    result = imports.uses_upload(scope=scope, site=cast.a.site, name="f.csv",
                                 data=_file(cards, offer, today))

    assert threads == ["lookup-log"]
    assert result.ok and result.created == 4 == Use.objects.count()
    logged = LookupLog.objects.order_by("number")
    assert [(r.number, r.found, r.user_id, r.area_id) for r in logged] == sorted(
        (c.number, True, cast.a.venue.pk, cast.a.area.pk) for c in cards)
    assert threading.active_count() == running  # the thread (and its connection) is gone

    # a bad file (an unknown number) writes no use, but its numbers stay logged and the
    # unknown one counts against the limit, as on the plain path
    more = [mk(cast.a.unit) for _ in range(3)]
    unknown = numbers.generate()
    result = imports.uses_upload(scope=scope, site=cast.a.site, name="f.csv",
                                 data=_file(more, offer, today, [f"{unknown};{today};culture;0"]))
    assert not result.ok and [e.code for e in result.errors] == ["card_unknown"]
    assert threads == ["lookup-log", "lookup-log"]
    assert Use.objects.count() == 4
    assert LookupLog.objects.filter(number__in=[c.number for c in more], found=True).count() == 3
    assert LookupLog.objects.filter(number=unknown, found=False).count() == 1
    settings.KAIKUKANTA_LOOKUP_UNKNOWN_LIMIT = 1  # the one unknown number used it up
    with pytest.raises(guessing.errors.LookupThrottled):
        guessing.check(scope)


def test_small_file_or_open_transaction_notes_after_it(cast, offer, today, monkeypatch):
    """Inside an enclosing transaction (as every test but the one above) or for a small
    file nothing runs beside: the log is written after the file, on the same connection."""
    started = []
    monkeypatch.setattr(guessing, "ASIDE_FROM", 1)
    monkeypatch.setattr(guessing, "beside", lambda work, name: started.append(name))
    scope = scope_for_user(cast.a.venue)
    cards = [mk(cast.a.unit) for _ in range(3)]
    result = imports.uses_upload(scope=scope, site=cast.a.site, name="f.csv",
                                 data=_file(cards, offer, today))
    assert result.ok and started == []
    assert LookupLog.objects.filter(found=True).count() == 3


def test_file_audit_entries_are_the_desk_entry_for_each_use(cast, offer, today):
    """The entries made beside the COPY (changes spliced per card) are, key for key, what
    `use_audit_changes` gives for each use."""
    scope = scope_for_user(cast.a.venue)
    cards = [mk(cast.a.unit) for _ in range(5)] + [mk(cast.a.unit, children=2)]
    rows = [f"{c.display_number};{(today - days(i % 2)).isoformat()};"
            f"{offer.pk if i % 3 else 'sports'};{1 if c.children else 0}"
            for i, c in enumerate(cards)]
    result = imports.uses_upload(scope=scope, site=cast.a.site, name="f.csv",
                                 data=("\n".join(rows) + "\n").encode())
    assert result.ok and result.created == len(cards)
    for use in Use.objects.select_related("card", "site"):
        entry = AuditEntry.objects.get(action="use.recorded", target_id=str(use.pk))
        want = services.use_audit_changes(
            display_number=use.card.display_number, site=use.site, offer_id=use.offer_id,
            category=use.category, event_date=use.event_date, children=use.children,
            companion=use.companion, source=use.source, kind=use.card.kind, seller=None)
        assert entry.changes == json.loads(json.dumps(want))
        assert entry.target_label == f"{use.card.display_number} {use.event_date.isoformat()}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_card_rows_read_beside_leave_the_rollups_equal_to_a_rebuild(cast, offer, today,
                                                                    monkeypatch):
    """Read on a connection of its own (committed rows only) while the import's own
    connection writes, the cards' rows as they were before give the same card years, cards
    used per year and month timelines as a rebuild, also where the file brings a card a
    month before, between or after the months it had; and the cards' uses at the site
    before the file give the same municipality place holders (a card that had a use of
    the offer, with or without children's tickets, and one that had none). The uses'
    keys, drawn beside while the rows are checked, are the uses' and their entries'."""
    from kaikukanta.stats import services as stats_services
    from tests.stats.conftest import make_use
    from tests.stats.test_rollup import snapshot

    monkeypatch.setattr(stats_services, "READ_BESIDE_FROM", 1)
    monkeypatch.setattr(services, "IDS_AHEAD_FROM", 1)
    names = []

    def recorded(work, name):
        names.append(name)
        return beside(work, name=name)

    monkeypatch.setattr(stats_services, "beside", recorded)
    monkeypatch.setattr(services, "beside", recorded)
    scope = scope_for_user(cast.a.venue)
    cards = [mk(cast.a.unit, issued_on=today - days(150), children=2) for _ in range(6)]
    cards.append(mk(cast.b.unit, issued_on=today - days(150)))
    for i, card in enumerate(cards[:5]):
        make_use(card, cast.a.site, today - days(30 + 31 * (i % 3)))
        if i % 2:
            make_use(card, cast.a.site, today - days(3))
    make_use(cards[1], cast.a.site, today - days(20), offer=offer, children=1)
    make_use(cards[3], cast.a.site, today - days(20), offer=offer)
    rows = []
    for i, card in enumerate(cards):
        for back in (1, 16, 45)[: 1 + i % 3]:
            rows.append(f"{card.display_number};{(today - days(back)).isoformat()};"
                        f"{offer.pk if i % 2 else 'culture'};{1 if i in (1, 3, 4) else 0}")
    result = imports.uses_upload(scope=scope, site=cast.a.site, name="f.csv",
                                 data=("\n".join(rows) + "\n").encode())
    assert result.ok, result.errors
    assert {"rollup-reads", "rollup-groups", "use-ids"} <= set(names)
    new = Use.objects.filter(source="import")
    assert new.count() == len(rows)
    assert sorted(AuditEntry.objects.filter(action="use.recorded").exclude(
        target_id__in=[str(u.pk) for u in Use.objects.exclude(source="import")]).values_list(
        "target_id", flat=True)) == sorted(str(pk) for pk in new.values_list("pk", flat=True))
    incremental = snapshot()
    stats_services.rollup_rebuild()
    assert snapshot() == incremental


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_keys_drawn_beside_for_a_refused_file_write_nothing(cast, offer, today, monkeypatch):
    """A file refused after its uses' keys were drawn beside writes no use, entry or
    statistic (the keys stay unused, as a rolled-back write's)."""
    from tests.stats.conftest import make_use
    from tests.stats.test_rollup import snapshot

    monkeypatch.setattr(services, "IDS_AHEAD_FROM", 1)
    names = []
    monkeypatch.setattr(services, "beside", lambda work, name: names.append(name) or beside(
        work, name=name))
    scope = scope_for_user(cast.a.venue)
    cards = [mk(cast.a.unit) for _ in range(3)]
    make_use(cards[2], cast.a.site, today - days(2))  # the file's third row: already recorded
    uses, entries, before = Use.objects.count(), AuditEntry.objects.count(), snapshot()
    rows = [f"{c.display_number};{(today - days(2)).isoformat()};culture;0" for c in cards]
    result = imports.uses_upload(scope=scope, site=cast.a.site, name="f.csv",
                                 data=("\n".join(rows) + "\n").encode())
    assert [(e.line, e.code) for e in result.errors] == [(3, "already_recorded")]
    assert "use-ids" in names
    assert Use.objects.count() == uses and AuditEntry.objects.count() == entries
    assert snapshot() == before


def test_only_a_file_for_the_background_worker_opens_connections_beside():
    """A web request (a file of at most WORKER_FROM rows) keeps to its one connection."""
    from kaikukanta.stats import services as stats_services

    assert guessing.ASIDE_FROM > imports.WORKER_FROM
    assert stats_services.READ_BESIDE_FROM > imports.WORKER_FROM
    assert services.IDS_AHEAD_FROM > imports.WORKER_FROM


@pytest.mark.postgres
def test_rendered_audit_rows_are_written_as_the_plain_ones(cast):
    """Text with tabs, line breaks, backslashes and quotes comes back unchanged either way."""
    from kaikukanta.audit.services import audit_log_rows, audit_rows_render
    from kaikukanta.lib.scope import SYSTEM

    rows = [(1, "a\tb", json.dumps({"x": "line\nbreak \\ \"q\""})),
            (2, "ä" * 250, json.dumps({"y": None}))]
    audit_log_rows(scope=SYSTEM, action="test.plain", target_type=Use, rows=rows)
    audit_log_rows(scope=SYSTEM, action="test.rendered", target_type=Use,
                   rows=audit_rows_render(rows))

    def written(action):
        return list(AuditEntry.objects.filter(action=action).order_by("target_id")
                    .values_list("target_id", "target_label", "changes"))

    assert written("test.rendered") == written("test.plain")
    assert written("test.plain")[0] == ("1", "a\tb", {"x": "line\nbreak \\ \"q\""})
    assert len(written("test.plain")[1][1]) == 200


def test_rendered_rows_are_refused_where_there_is_no_copy(monkeypatch):
    from django.db import connection

    from kaikukanta.lib.bulk import Rendered, insert_tuples

    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(TypeError):
        insert_tuples(AuditEntry, ["target_id"], Rendered(["1"]))


@pytest.mark.postgres
@pytest.mark.django_db
def test_rows_copied_beside_are_the_callers_in_its_transaction(cast, monkeypatch):
    """`copy_beside` copies on the caller's own connection: a statement the caller sends
    while the thread copies sees every row (it waits for the copy's end, also when the
    thread is slow to begin), in the caller's transaction; a copy that fails raises
    Django's error from the wait."""
    import time

    from django.db import IntegrityError, transaction

    from kaikukanta.lib import bulk
    from kaikukanta.lib.bulk import copy_beside, draw_ids

    plain = bulk.insert_tuples

    def slow_to_begin(*args, **kwargs):
        time.sleep(0.3)
        return plain(*args, **kwargs)

    monkeypatch.setattr(bulk, "insert_tuples", slow_to_begin)

    fixed = {"actor_label": "test", "action": "test.beside", "target_type": "usage.use"}
    columns = ["target_id", "target_label", "changes"]
    rows = [(str(i), f"row {i}", "{}") for i in range(20_000)]
    with transaction.atomic():
        ids = draw_ids(AuditEntry, len(rows))
        wait = copy_beside(AuditEntry, columns, rows, fixed, ids=ids)
        seen = AuditEntry.objects.filter(action="test.beside").count()
        wait()
        assert seen == len(rows)
        with pytest.raises(IntegrityError), transaction.atomic():  # a key already used
            copy_beside(AuditEntry, columns, rows[:1], fixed, ids=[ids[0]])()
        assert AuditEntry.objects.filter(action="test.beside").count() == len(rows)
