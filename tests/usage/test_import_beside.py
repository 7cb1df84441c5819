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
