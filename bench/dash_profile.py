"""Where one dashboard page's time goes: each SQL statement's time, the rest (Python,
templates), optionally each slow statement's plan and DuckDB over the same uses.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kk_bench PYTHONPATH=src \
        .venv/bin/python bench/dash_profile.py national 2025-02-12 2025-05-19 \
        [--repeat 7] [--explain 3] [--python] [--duck /tmp/uses.duckdb]

The page is rendered through the app as `dash_bench` renders it (Django's test client as
the national admin or the first area's culture coordinator, the dashboard cache off), and
it leaves the database as it found it: everything runs in one transaction that is rolled
back (the sign-in's session and second-factor device), sessions are signed cookies and
the sign-in does not update the person's last sign-in, so it may run on a database others
measure on. It prints the median page time, the median SQL time and the statements of the
last render sorted by time, each with its caller in `stats` and the start of its SQL.
`--explain N`: the N slowest again under EXPLAIN (ANALYZE, BUFFERS); `--python`: a
cProfile of one render, by own time; `--duck PATH`: the uses copied once into a DuckDB
file (made when missing, kept for the next run) and `dash_bench`'s query over the same
period timed beside the page, alternately. A script, not a module, so that the tree whose
`src` is on PYTHONPATH is the one measured (main's or a branch's).
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import time
import traceback
from pathlib import Path

DUCK_SQL = """
    SELECT category, count(*), sum(children), count(DISTINCT card_id),
           count(DISTINCT card_id) FILTER (WHERE card_area_id = area_id)
    FROM uses WHERE event_date BETWEEN ? AND ? {extra} GROUP BY ROLLUP (category)
"""


def _caller() -> str:
    for frame in reversed(traceback.extract_stack()[:-3]):
        if "/kaikukanta/stats/" in frame.filename:
            return f"{frame.filename.rsplit('/', 1)[1]}:{frame.lineno} {frame.name}"
    return "?"


def _client(email: str):
    from django.conf import settings
    from django.contrib.auth.models import update_last_login
    from django.contrib.auth.signals import user_logged_in
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kaikukanta.accounts.models import User

    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    user = User.objects.get(email=email)
    client = Client()
    client.force_login(user, backend="kaikukanta.accounts.backends.EmailBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or \
        TOTPDevice.objects.create(user=user, name="Bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


def _duck(path: str):
    import duckdb
    from django.db import connection

    if Path(path).exists():
        return duckdb.connect(path, read_only=True)
    duck = duckdb.connect(path)
    csv = path + ".csv"
    with open(csv, "wb") as out, connection.cursor() as cur, cur.cursor.copy(
            "COPY (SELECT u.card_id, u.area_id, u.card_area_id, u.category, u.event_date, "
            "u.children FROM usage_use u WHERE u.status = 'recorded') TO STDOUT "
            "(FORMAT csv)") as copy:
        for block in copy:
            out.write(block)
    duck.execute(
        "CREATE TABLE uses AS SELECT * FROM read_csv(?, header = false, columns = "
        "{'card_id': 'BIGINT', 'area_id': 'BIGINT', 'card_area_id': 'BIGINT', "
        "'category': 'VARCHAR', 'event_date': 'DATE', 'children': 'INTEGER'})", [csv])
    os.unlink(csv)
    return duck


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("who", choices=["national", "area"])
    ap.add_argument("start", type=datetime.date.fromisoformat)
    ap.add_argument("end", type=datetime.date.fromisoformat)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--explain", type=int, default=0)
    ap.add_argument("--python", action="store_true")
    ap.add_argument("--duck", default="")
    args = ap.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaikukanta.settings")
    os.environ.setdefault("KAIKUKANTA_TESTING", "1")
    import django
    from django.conf import settings

    django.setup()
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    settings.STATS_CACHE_SECONDS = 0
    from django.db import connection, transaction

    from kaikukanta.network.models import Area

    duck = _duck(args.duck) if args.duck else None
    with transaction.atomic():
        area = Area.objects.order_by("pk").first()
        extra = ""
        if args.who == "national":
            client, url = _client("national@bench.test"), "/stats/national/"
        else:
            client, url = _client("culture@bench.test"), f"/stats/area/{area.pk}/"
            extra = f"AND (area_id = {int(area.pk)} OR card_area_id = {int(area.pk)})"
        url += f"?start={args.start}&end={args.end}"
        log: list = []

        def timed(execute, sql, params, many, context):
            t = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                log.append((time.perf_counter() - t, sql, params, _caller()))

        assert client.get(url).status_code == 200  # warm up
        if duck is not None:
            duck.execute(DUCK_SQL.format(extra=extra), [args.start, args.end]).fetchall()
        pages, sqls, ducks, cpus = [], [], [], []
        for _ in range(args.repeat):
            log.clear()
            with connection.execute_wrapper(timed):
                t, c = time.perf_counter(), time.process_time()
                r = client.get(url)
                pages.append(time.perf_counter() - t)
                cpus.append(time.process_time() - c)
            assert r.status_code == 200, r.status_code
            sqls.append(sum(e[0] for e in log))
            if duck is not None:
                t = time.perf_counter()
                duck.execute(DUCK_SQL.format(extra=extra), [args.start, args.end]).fetchall()
                ducks.append(time.perf_counter() - t)
        page, sql = statistics.median(pages) * 1000, statistics.median(sqls) * 1000
        print(f"{url}: page {page:.1f} ms (median of {args.repeat}; min {min(pages) * 1000:.1f}),"
              f" SQL {sql:.1f} ms in {len(log)} statements, the rest {page - sql:.1f} ms; "
              f"this process's CPU {statistics.median(cpus) * 1000:.1f} ms")
        if ducks:
            print(f"DuckDB, same run: {statistics.median(ducks) * 1000:.1f} ms "
                  f"(min {min(ducks) * 1000:.1f}); page / DuckDB "
                  f"{page / (statistics.median(ducks) * 1000):.2f}")
        for took, text, _params, caller in sorted(log, key=lambda e: -e[0]):
            print(f"{took * 1000:7.2f} ms  {caller:<44} {' '.join(text.split())[:110]}")
        for took, text, params, caller in sorted(log, key=lambda e: -e[0])[:args.explain]:
            print(f"\n--- {took * 1000:.2f} ms {caller}\n{text}\n{params}")
            with connection.cursor() as cur:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + text, params)
                print("\n".join(row[0] for row in cur.fetchall()))
        if args.python:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            prof.enable()
            client.get(url)
            prof.disable()
            if os.environ.get("PROFILE_OUT"):
                prof.dump_stats(os.environ["PROFILE_OUT"])
            stats = pstats.Stats(prof).sort_stats(os.environ.get("SORT", "tottime"))
            stats.print_stats(int(os.environ.get("TOP", "30")))
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
