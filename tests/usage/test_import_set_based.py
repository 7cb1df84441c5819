"""The set-based import's shortcuts answer as the desk's rules do (issue 16).

The import asks `check_use_before_card` / `check_children` once per distinct input and
compares a row's day with the card's `valid_window` instead of building the desk answer
per row; it writes uses, audit entries and the look-up log as COPY rows
(`lib.bulk.insert_tuples`) and the statistics from grouped uses. These tests pin each
shortcut to the rule it stands for.
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.apps import apps

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.audit.models import AuditEntry
from kaikukanta.cards import numbers
from kaikukanta.cards.models import Card, CardKind, CardStatus
from kaikukanta.lib.bulk import insert_tuples
from kaikukanta.stats import services as stats_services
from kaikukanta.usage import imports, services
from kaikukanta.usage.models import (
    Category,
    LookupLog,
    Offer,
    OfferDateCount,
    OfferKind,
    Use,
    UseSource,
)
from kaikukanta.usage.selectors import VALID, answer_for_card, valid_window
from tests.stats.test_rollup import snapshot
from tests.usage.conftest import days, mk
from tests.usage.test_bulk_import import one_by_one, set_based


@pytest.fixture
def venue_scope(cast):
    return scope_for_user(cast.a.venue)


def test_valid_window_is_exactly_the_days_the_desk_says_valid(cast, today):
    d = today
    cards = [
        mk(cast.a.unit),
        mk(cast.a.unit, issued_on=d + days(3)),
        mk(cast.a.unit, issued_on=d - days(400), valid_until=d - days(10)),
        mk(cast.a.unit, status=CardStatus.INACTIVE),
        mk(cast.a.unit, status=CardStatus.UNUSED),
        mk(cast.a.unit, status=CardStatus.VOIDED),
    ]
    for inactivated in (d - days(20), d + days(5), d - days(100), d - days(101)):
        c = mk(cast.a.unit, status=CardStatus.INACTIVE)
        c.inactivated_on = inactivated
        c.save()
        cards.append(c)
    no_end = mk(cast.a.unit)
    Card.objects.filter(pk=no_end.pk).update(valid_until=None)
    no_start = mk(cast.a.unit)
    Card.objects.filter(pk=no_start.pk).update(issued_on=None)
    cards += [Card.objects.get(pk=no_end.pk), Card.objects.get(pk=no_start.pk), None]
    checked = 0
    for card in cards:
        window = valid_window(card)
        for offset in range(-420, 400):
            day = d + days(offset)
            desk = answer_for_card(card, card.number if card else "X", on=day).status == VALID
            inside = window is not None and window[0] <= day <= window[1]
            assert inside == desk, (card and card.status, day, window)
            checked += desk
    assert checked > 300  # some cards are valid on some days


def test_more_kinds_of_bad_rows_same_messages_as_one_by_one(cast, venue_scope, card, offer,
                                                            today):
    old = mk(cast.a.unit)
    new = mk(cast.a.unit)
    Card.objects.filter(pk=old.pk).update(status=CardStatus.INACTIVE,
                                          inactivated_on=today - days(30))
    Card.objects.filter(pk=new.pk).update(replaces=old)
    elsewhere = Offer.objects.create(venue=cast.b.venue_org, site=cast.b.site, title_fi="Muu",
                                     category=Category.CULTURE, kind=OfferKind.EVENT)
    ended = Offer.objects.create(venue=cast.a.venue_org, site=cast.a.site, title_fi="Ohi",
                                 category=Category.CULTURE, kind=OfferKind.EVENT,
                                 ends_on=today - days(10))
    wrong = card.number[:-1] + ("A" if card.number[-1] != "A" else "B")
    y = (today - days(1)).isoformat()
    lines = [
        f"{card.number};{y};{offer.pk};0",  # fine
        f"{old.number};{y};culture;0",  # replaced
        f"{wrong};{y};culture;0",  # wrong check character
        f"{card.number};{y};{elsewhere.pk};0",  # another venue's offer
        f"{card.number};{y};{ended.pk};0",  # the offer has ended
        f"{card.number};31.2.2026;culture;0",  # no such day
        f"{card.number};{y};culture;1.5",  # not a whole number
        f"{card.number};{(today + days(2)).strftime('%d.%m.%Y')};culture;0",  # fine, ahead
        f"{card.display_number.lower()};{y};{offer.pk};0",  # the first row again
    ]
    text = "\n".join(lines)
    expected = one_by_one(venue_scope, cast.a.site, text)
    result, got = set_based(venue_scope, cast.a.site, text)
    assert got == expected
    assert [code for _l, code, _m in got] == [
        "card_replaced", "card_check_character", "offer_not_available", "offer_not_available",
        "row_invalid", "row_invalid", "already_recorded"]
    assert result.created == 0 and not Use.objects.exists()


def _counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models()
            if m._meta.managed and not m._meta.proxy}


def test_a_bad_row_changes_no_table_but_the_lookup_log(cast, venue_scope, offer, today):
    capped = Offer.objects.create(venue=cast.a.venue_org, site=cast.a.site, title_fi="Pieni",
                                  category=Category.CULTURE, kind=OfferKind.EVENT,
                                  cap_per_date=3)
    cards = [mk(cast.a.unit, children=1) for _ in range(80)]
    services.use_record(scope=venue_scope, site=cast.a.site, card_number=cards[0].number,
                        event_date=today - days(40), offer=offer)
    lines = [f"{c.number},{(today - days(i % 50)).isoformat()},"
             f"{offer.pk if i % 2 else 'sports'},{i % 2}" for i, c in enumerate(cards)]
    lines.append(f"{cards[1].number},{today.isoformat()},{capped.pk},1")  # 2 of 3
    lines.append(f"{cards[2].number},{today.isoformat()},{capped.pk},1")  # over the cap
    before = _counts()
    result, got = set_based(venue_scope, cast.a.site, "\n".join(lines))
    assert [(line, code) for line, code, _m in got] == [(82, "offer_cap_reached")]
    after = _counts()
    logged = after.pop(LookupLog._meta.label) - before.pop(LookupLog._meta.label)
    assert after == before
    assert logged == len(lines)  # every looked-up number stays logged (guessing limit)


def test_a_big_file_leaves_statistics_and_counters_equal_to_a_rebuild(cast, venue_scope,
                                                                      offer, today):
    """Enough rows that every rollup goes through its many-row path (COPY on PostgreSQL),
    cards with uses in earlier and later months (the month histograms change in the
    middle of a card's timeline), several offers, children and sites' admissions."""
    capped = Offer.objects.create(venue=cast.a.venue_org, site=cast.a.site, title_fi="Iso",
                                  category=Category.SCIENCE, kind=OfferKind.EVENT,
                                  cap_per_date=1000)
    cards = [mk(cast.a.unit if i % 3 else cast.b.unit, children=2,
                kind=CardKind.COMMUNITY if i % 7 == 0 else CardKind.PERSONAL)
             for i in range(70)]
    for c in cards[::4]:  # a use today, after the file's earlier months
        services.use_record(scope=venue_scope, site=cast.a.site, card_number=c.number,
                            event_date=today, offer=offer)
    lines = []
    for i, c in enumerate(cards):
        for lap in range(3):
            day = today - days(1 + (i + 17 * lap) % 58)
            target = [offer.pk, capped.pk, "liikunta"][lap]
            lines.append(f"{c.number};{day.isoformat()};{target};{(i + lap) % 3}")
    text = "\n".join(lines)
    result, got = set_based(venue_scope, cast.a.site, text)
    assert got == [] and result.created == len(lines) == 210
    assert AuditEntry.objects.filter(action="use.recorded").count() == 210 + len(cards[::4])
    incremental = snapshot()
    counters = sorted(OfferDateCount.objects.values_list("offer_id", "event_date", "tickets"))
    stats_services.rollup_rebuild()
    services.offer_counts_rebuild()
    assert snapshot() == incremental
    assert sorted(OfferDateCount.objects.values_list("offer_id", "event_date",
                                                     "tickets")) == counters


def test_an_imported_use_is_audited_as_a_recorded_one(cast, venue_scope, offer, today):
    desk_card, file_card = mk(cast.a.unit, children=1), mk(cast.a.unit, children=1)
    day = today - days(2)
    desk_use = services.use_record(scope=venue_scope, site=cast.a.site,
                                   card_number=desk_card.number, event_date=day, offer=offer,
                                   children=1, source=UseSource.IMPORT)
    result, got = set_based(venue_scope, cast.a.site,
                            f"{file_card.number};{day.isoformat()};{offer.pk};1")
    assert got == [] and result.created == 1
    file_use = Use.objects.get(card=file_card)
    desk_entry = AuditEntry.objects.get(target_id=str(desk_use.pk), action="use.recorded")
    file_entry = AuditEntry.objects.get(target_id=str(file_use.pk), action="use.recorded")
    fields = ["actor_id", "actor_label", "action", "target_type", "area_id",
              "organisation_id"]
    assert ([getattr(file_entry, f) for f in fields]
            == [getattr(desk_entry, f) for f in fields])
    assert file_entry.target_label == f"{file_card.display_number} {day.isoformat()}"
    assert file_entry.changes == {**desk_entry.changes, "card": file_card.display_number}
    assert file_entry.changes["children"] == 1 and file_entry.changes["offer"] == offer.pk


def test_insert_tuples_keeps_text_json_and_order(cast, venue_scope):
    odd = 'tab\there, line\nbreak, back\\slash "quoted" ä'
    rows = [(str(i), f"{odd} {i}", json.dumps({"text": odd, "n": i, "none": None}))
            for i in range(5)]
    ids = insert_tuples(AuditEntry, ["target_id", "target_label", "changes"], rows,
                        {"action": "test.bulk", "actor_id": cast.a.venue.pk}, ids=True)
    assert len(ids) == 5
    got = {e.pk: e for e in AuditEntry.objects.filter(action="test.bulk")}
    assert sorted(got) == sorted(ids)
    for pk, (target, label, changes) in zip(ids, rows, strict=True):
        entry = got[pk]
        assert entry.target_id == target and entry.target_label == label
        assert entry.changes == json.loads(changes)
        assert entry.actor_id == cast.a.venue.pk and entry.at is not None
        assert abs(entry.at - got[ids[0]].at) < datetime.timedelta(seconds=1)


def test_unknown_number_rows_are_not_resolved_twice(cast, venue_scope, card, today):
    """A number repeated in a file is parsed once; its rows answer alike."""
    unknown = numbers.generate()
    y = (today - days(1)).isoformat()
    text = "\n".join([f"{unknown};{y};culture;0", f"{card.number};{y};culture;0",
                      f"{unknown};{y};sports;0"])
    result, got = set_based(venue_scope, cast.a.site, text)
    assert [(line, code) for line, code, _m in got] == [(1, "card_unknown"),
                                                        (3, "card_unknown")]
    assert got[0][2] == got[1][2]
    assert LookupLog.objects.filter(number=unknown, found=False).count() == 2
    assert imports.MAX_ROWS >= 100_000


def test_month_cells_added_equal_the_whole_timeline_change():
    """The import changes a card's month histogram cells from its new months' neighbours
    (`_cells_added`): the same change as re-walking the card's whole timeline, for every
    placement of one to three new months among none to three old ones."""
    import itertools
    from collections import Counter

    tried = 0
    for n_old in range(4):
        for old in itertools.combinations(range(1, 8), n_old):
            rest = [m for m in range(1, 8) if m not in old]
            for n_new in (1, 2, 3):
                for added in itertools.combinations(rest, n_new):
                    fresh = [stats_services.neighbours(old, m) for m in added]
                    got = Counter()
                    for cell, sign in stats_services._cells_added(fresh):
                        got[cell] += sign
                    got = Counter({k: v for k, v in got.items() if v})
                    assert got == stats_services._timeline_change(
                        set(old), set(old) | set(added)), (old, added)
                    tried += 1
    assert tried > 500


def test_timeline_days_equal_the_whole_timeline_recomputed():
    """The import sets the previous day and next month of the rows it makes and changes
    only the old rows around them and after a later last day (`_timeline_days`): the
    card-month rows then equal the whole timeline recomputed from its months' days, for
    random old and file months and days (a file month the card had may end later,
    earlier or on the same day)."""
    import random

    rng = random.Random(16)
    day = datetime.date
    tried = 0
    for _ in range(3000):
        months = rng.sample(range(1, 9), rng.randrange(0, 5))
        old = {}
        for m in months:
            first = rng.randrange(1, 28)
            old[m] = (day(2024, m, first), day(2024, m, rng.randrange(first, 29)))
        file_months = rng.sample(range(1, 9), rng.randrange(1, 5))
        month_days = {}
        for m in file_months:
            first = rng.randrange(1, 28)
            month_days[(7, 0, m)] = (day(2024, m, first), day(2024, m, rng.randrange(first, 29)))

        def walk(days: dict) -> dict:
            out, previous = {}, None
            ordered = sorted(days)
            for i, m in enumerate(ordered):
                out[m] = (previous, ordered[i + 1] if i + 1 < len(ordered) else None)
                previous = days[m][1]
            return out

        rows = {m: (*old[m], *v) for m, v in walk(old).items()}
        fresh, lasts, nexts = {}, {}, {}
        for m in file_months:  # what `_months_added` reads before the file
            if m in old:
                lasts[(7, 0, m)], nexts[(7, 0, m)] = old[m][1], rows[m][3]
                continue
            cell = stats_services.neighbours(old, m)
            fresh.setdefault((7, 0), []).append(cell)
            if cell[1]:
                lasts[(7, 0, cell[1])] = old[cell[1]][1]
        made, changed = stats_services._timeline_days(month_days, fresh, lasts, nexts)
        for (_c, _a, m), (first, last) in month_days.items():  # the upsert
            if m in rows:
                f, la, p, n = rows[m]
                rows[m] = (min(f, first), max(la, last), p, n)
            else:
                rows[m] = (first, last, *made[(7, 0, m)])
        assert {m for _c, _a, m in made} == set(file_months) - set(old)
        for (_c, _a, m), (p_set, p, n_set, n) in changed.items():
            assert m in old
            f, la, p0, n0 = rows[m]
            rows[m] = (f, la, p if p_set else p0, n if n_set else n0)
        merged = {m: (r[0], r[1]) for m, r in rows.items()}
        want = {m: (*merged[m], *v) for m, v in walk(merged).items()}
        assert rows == want, (old, month_days)
        # a row is written only when something in it changes
        for (_c, _a, m), (p_set, p, n_set, n) in changed.items():
            assert (p_set and p != walk(old)[m][0]) or (n_set and n != walk(old)[m][1])
        tried += bool(changed)
    assert tried > 1000
