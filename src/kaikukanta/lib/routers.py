"""Dashboard reads may go to a PostgreSQL replica (DATABASE_REPLICA_URL).

Only code inside `with replica_reads():` reads from the replica (the statistics
dashboards). Writes, and every other read, stay on the primary, so a page never misses a
row it has just written. Without a replica everything is "default".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


def replica_alias() -> str:
    """The alias dashboards read from: the replica when one is configured."""
    return REPLICA if REPLICA in settings.DATABASES else "default"


@contextmanager
def replica_reads() -> Iterator[str]:
    """Reads inside go to the replica (when configured); yields the alias used."""
    reset = _replica_reads.set(True)
    try:
        yield replica_alias()
    finally:
        _replica_reads.reset(reset)


class ReplicaRouter:
    """Reads inside `replica_reads()` go to the replica; writes and migrations only to the
    primary; both aliases hold the same rows."""

    def db_for_read(self, model, **hints):
        if _replica_reads.get():
            return replica_alias()
        return None  # the primary

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: relations hold across both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
