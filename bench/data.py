"""The benchmark database made ready for `python -m bench all`: built, migrated, rollups fresh.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kk_bench .venv/bin/python -m bench prepare

On an empty database it runs `bench/stats_data.py --scale S` (1,000,000 cards at scale 1).
On one built earlier it applies the migrations that have landed since (`manage.py
migrate`), gives the cards of an older data set their municipality of residence (the
generator did not set it before), and rebuilds the statistics rollups (`manage.py
rebuild_stats`) when the statistics app's migrations or the rollup code have changed
since they were last built, or when a rollup table is empty: a new rollup table or a
changed way of counting must not meet rows made by the old code. `--rebuild` forces the
rebuild; `--keep-rollups` skips it for a change known not to touch them.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path


def _pending_migrations() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _backwards in plan]


def _empty_rollups() -> list[str]:
    from django.apps import apps
    from django.db import connection

    empty = []
    with connection.cursor() as cur:
        for model in apps.get_app_config("stats").get_models():
            table = model._meta.db_table
            if not any(word in table for word in ("day", "month", "year", "rollup", "span")):
                continue
            cur.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cur.fetchone() is None:
                empty.append(table)
    return empty


def ensure(scale: float, rebuild: bool | None = None) -> None:
    """Build, migrate and rebuild as needed; prints what it did and how long it took.
    `rebuild`: True rebuilds the rollups in any case, False only when a rollup table is
    empty or cards were changed (for a run where the rollup code is known unchanged)."""
    from django.core.management import call_command
    from django.db import connection

    from bench import stats_data
    from kaikukanta.cards.models import Card

    fresh = Card._meta.db_table not in connection.introspection.table_names()
    if fresh or not Card.objects.exists():
        print(f"(building the data: stats_data.py --scale {scale})", flush=True)
        subprocess.run([sys.executable, str(Path(__file__).parent / "stats_data.py"),
                        "--scale", str(scale)], check=True)
        return
    reasons = []
    pending = _pending_migrations()
    if pending:
        t = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"(migrated: {', '.join(pending)}; {time.perf_counter() - t:.0f} s)", flush=True)
    t = time.perf_counter()
    fixed = stats_data.municipalities()
    if fixed:
        reasons.append(f"{fixed:,} cards given a municipality of residence "
                       f"({time.perf_counter() - t:.0f} s)")
    built, now = stats_data.stamp_read(), stats_data.stamp_now()
    if built != now and rebuild is False:
        print("(the migrations or the rollup code changed since the rollups were built; "
              "kept as asked (--keep-rollups))", flush=True)
    elif built != now:
        reasons.append("the migrations or the rollup code changed since the last build"
                       if built else "no record of the last build")
    empty = _empty_rollups()
    if empty:
        reasons.append(f"empty rollup tables: {', '.join(empty)}")
    if rebuild:
        reasons.append("asked for (--rebuild)")
    if reasons:
        print(f"(rebuilding the statistics rollups: {'; '.join(reasons)})", flush=True)
        t = time.perf_counter()
        call_command("rebuild_stats")
        stats_data.stamp_write()
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
        print(f"(rollups rebuilt in {time.perf_counter() - t:.0f} s)", flush=True)
