"""The PostgreSQL backend's cheaper health check (lib/pgbackend): no `SELECT 1` on a
connection that answered a request moments ago, the check as before after an idle spell,
and a connection the server dropped is replaced (PostgreSQL only)."""

from __future__ import annotations

import psycopg
import pytest
from django.conf import settings
from django.db import OperationalError, connection

from kaikukanta.lib import pgbackend
from kaikukanta.lib.pgbackend.base import RECENTLY_USED_SECONDS


def _request(query: str = "SELECT 2"):
    """What Django does around a request: close_old_connections at its start and end."""
    connection.close_if_unusable_or_obsolete()
    try:
        with connection.cursor() as cursor:
            cursor.execute(query)
            return cursor.fetchone()[0]
    finally:
        connection.close_if_unusable_or_obsolete()


def _terminate(pid: int) -> None:
    url = settings.DATABASES["default"]
    with psycopg.connect(
        host=url["HOST"],
        port=url["PORT"] or 5432,
        user=url["USER"],
        password=url["PASSWORD"] or None,
        dbname=url["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_health_check_only_after_an_idle_spell_and_a_dropped_connection_is_replaced(monkeypatch):
    assert connection.settings_dict["ENGINE"] == pgbackend.__name__
    assert connection.health_check_enabled
    checks = []
    real = connection.is_usable

    def counted():
        checks.append(1)
        return real()

    monkeypatch.setattr(connection, "is_usable", counted)
    connection.close()
    assert _request() == 2  # a new connection: nothing to check
    assert _request() == 2 and _request() == 2
    assert checks == []  # used moments ago: no SELECT 1
    connection._used_at -= RECENTLY_USED_SECONDS + 1  # idle for a while
    assert _request() == 2
    assert checks == [1]  # checked as Django does
    # the server drops the idle connection: the check notices and a new one answers
    pid = connection.connection.info.backend_pid
    _terminate(pid)
    connection._used_at -= RECENTLY_USED_SECONDS + 1
    assert _request() == 2
    assert connection.connection.info.backend_pid != pid
    # dropped within the window: that request fails, the next one has a new connection
    pid = connection.connection.info.backend_pid
    _terminate(pid)
    with pytest.raises(OperationalError):
        _request()
    assert connection.connection is None
    assert _request() == 2
    assert connection.connection.info.backend_pid != pid


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_long_statement_with_many_values_is_taken_apart_once():
    """psycopg's cache of a statement's parts holds the statistics' one statement per
    recorded use (some 5,800 characters, 102 values) since lib/pgbackend raised both its
    limits (length and values): a second run finds it."""
    from psycopg import _queries

    values = list(range(120))
    sql = "SELECT " + " + ".join(["%s"] * len(values)) + " -- " + "x" * 6000
    assert len(sql) > 4096
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        before = _queries._query2pg_client.cache_info().hits
        cursor.execute(sql, values)
        assert cursor.fetchone()[0] == sum(values)
    assert _queries._query2pg_client.cache_info().hits == before + 1
