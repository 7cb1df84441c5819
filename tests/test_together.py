"""`lib.together.insert_with` builds its statement's SQL once per shape (the models and
which attname takes the new key): a later run sends the same SQL Django would build
afresh, with the values Django's INSERT would make (defaults and `auto_now_add` times
included), and the rows it writes are those `save()` writes."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Upper
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kaikukanta.audit.models import AuditEntry
from kaikukanta.lib import together
from kaikukanta.usage.models import LookupLog

pytestmark = pytest.mark.django_db


def _rows(label: str, number: str):
    entry = AuditEntry(
        actor_label=label,
        action="test.together",
        target_type="t",
        target_label=label,
        changes={"n": number, "ä": [1, None]},
    )
    log = LookupLog(actor_label=label, number=number, found=True)
    audit = AuditEntry(
        actor_label=label, action="test.follow", target_type="t", target_label=label, changes={}
    )
    return entry, [(audit, "target_id"), (log, None)]


def test_a_later_run_sends_what_a_first_run_would(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("one statement on PostgreSQL only; elsewhere save() each")
    now = timezone.now().replace(microsecond=123000)
    monkeypatch.setattr(timezone, "now", lambda: now)
    together._SQL.clear()
    first, first_follow = _rows("first", "K7M49QX2")
    together.insert_with(first, first_follow)  # builds the SQL (shape unknown)
    later, later_follow = _rows("later", "A1B2C3D4")
    fresh, fresh_follow = _rows("later", "A1B2C3D4")
    expected_sql, expected_params = together._statement(fresh, fresh_follow)
    with CaptureQueriesContext(connection) as ctx:
        together.insert_with(later, later_follow)
    [query] = ctx.captured_queries
    assert len(together._SQL) == 1
    assert query["sql"].startswith("WITH w0 AS (")
    with connection.cursor() as cur:  # the same SQL and values, quoted as psycopg quotes them
        assert cur.mogrify(expected_sql, expected_params) == query["sql"]
    # the rows are those save() would write, the follower taking the new key
    saved = AuditEntry.objects.get(pk=later.pk)
    assert (saved.actor_label, saved.changes, saved.at) == ("later", later.changes, now)
    follower = AuditEntry.objects.get(action="test.follow", actor_label="later")
    assert follower.target_id == str(later.pk)
    log = LookupLog.objects.get(number="A1B2C3D4")
    assert (log.found, log.throttled, log.at, log.user_id) == (True, False, now, None)


def test_an_expression_value_builds_the_statement_afresh():
    if connection.vendor != "postgresql":
        pytest.skip("one statement on PostgreSQL only")
    together._SQL.clear()
    entry, follow = _rows("x", "K7M49QX2")
    together.insert_with(entry, follow)
    entry, follow = _rows("y", "A1B2C3D4")
    entry.target_label = Upper(Value("made by sql"))  # its SQL goes in the statement
    together.insert_with(entry, follow)
    assert AuditEntry.objects.get(pk=entry.pk).target_label == "MADE BY SQL"
    assert LookupLog.objects.get(actor_label="y").number == "A1B2C3D4"
    entry, follow = _rows("z", "Z1B2C3D4")  # and the cached statement again after it
    together.insert_with(entry, follow)
    assert AuditEntry.objects.get(pk=entry.pk).target_label == "z"


def test_elsewhere_each_row_is_saved_and_takes_the_key():
    entry, follow = _rows("z", "K7M49QX2")
    together.insert_with(entry, follow)
    assert entry.pk is not None and not entry._state.adding
    assert AuditEntry.objects.get(action="test.follow", actor_label="z").target_id == str(entry.pk)
    assert LookupLog.objects.filter(number="K7M49QX2", actor_label="z").exists()
    assert datetime.datetime.now(datetime.UTC) - entry.at < datetime.timedelta(minutes=5)
