"""Dashboard reads may go to a PostgreSQL replica (DATABASE_REPLICA_URL).

Only code that asks for it reads from the replica: `replica_alias()` names the database
the statistics pages read from. Writes, and every other read, stay on the primary, so a
page never misses a row it has just written. Without a replica everything is "default".
"""

from __future__ import annotations

from django.conf import settings

REPLICA = "replica"


def replica_alias() -> str:
    """The alias dashboards read from: the replica when one is configured."""
    return REPLICA if REPLICA in settings.DATABASES else "default"


class ReplicaRouter:
    """Migrations and writes only on the primary; both aliases hold the same rows."""

    def db_for_read(self, model, **hints):
        return None  # the primary, unless a query asks for the replica with .using()

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: relations hold across both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
