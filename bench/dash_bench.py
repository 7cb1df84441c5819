"""Dashboards for a period against DuckDB grouping the same uses (after `stats_data.py`).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kk_bench .venv/bin/python -m bench.dash_bench

DuckDB is a benchmark-only dependency (requirements/bench.txt). The recorded uses are
copied out of PostgreSQL once (COPY … TO STDOUT, CSV, with each card's municipality of
residence) into an in-memory DuckDB table; then for each dashboard the page is rendered
through the app (Django's test client: middleware, queries, templates; the dashboard cache
is off, so every render computes) and DuckDB computes the same figures from the period's
uses (uses, children's tickets and distinct cards per category). Median of the repeats.

The dashboards: national (1 March–30 June, the year, a quarter, a custom period of days
and a period inside one month), the first area as its culture coordinator (the same five
periods), a distributor's unit (the custom period and the one inside a month; DuckDB
groups the uses of the unit's cards) and that area's most populous municipality (its
residents' uses) for the year and the custom period; all in last year. `--only unit`
runs only the rows whose label has that text (here a distributor's unit dashboards),
`--repeat N` takes the median of N renders.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import time

LIMIT_S = 30


def _median_ms(fn, repeat: int) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def _duck():
    import tempfile

    import duckdb
    from django.db import connection

    duck = duckdb.connect()
    with tempfile.NamedTemporaryFile(suffix=".csv") as out:
        with connection.cursor() as cur, cur.cursor.copy(
                "COPY (SELECT u.card_id, u.area_id, u.card_area_id, u.category, u.event_date, "
                "u.children, c.municipality_id, c.unit_id FROM usage_use u JOIN cards_card c "
                "ON c.id = u.card_id WHERE u.status = 'recorded') TO STDOUT (FORMAT csv)"
        ) as copy:
            for block in copy:
                out.write(block)
        out.flush()
        duck.execute(
            "CREATE TABLE uses AS SELECT * FROM read_csv(?, header = false, columns = "
            "{'card_id': 'BIGINT', 'area_id': 'BIGINT', 'card_area_id': 'BIGINT', "
            "'category': 'VARCHAR', 'event_date': 'DATE', 'children': 'INTEGER', "
            "'municipality': 'VARCHAR', 'unit_id': 'BIGINT'})",
            [out.name])
    return duck


DUCK_SQL = """
    SELECT category, count(*), sum(children), count(DISTINCT card_id),
           count(DISTINCT card_id) FILTER (WHERE card_area_id = area_id)
    FROM uses WHERE event_date BETWEEN ? AND ? {extra} GROUP BY ROLLUP (category)
"""


def _vacuum_rollups(connection) -> None:
    """VACUUM ANALYZE the statistics tables first, as autovacuum does on a production
    server: the desk, API and import runs before this part changed rows of the rollups,
    which clears their pages' all-visible bits, so index-only reads fetch table pages
    until a vacuum. This machine's PostgreSQL runs with autovacuum off (a CI setting),
    so nothing else would."""
    if connection.vendor != "postgresql":
        return
    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                    "AND tablename LIKE 'stats\\_%' ORDER BY tablename")
        tables = [r[0] for r in cur.fetchall()]
        for table in tables:
            cur.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
    print(f"(statistics tables vacuumed as autovacuum would: {len(tables)} in "
          f"{time.perf_counter() - t:.0f} s)", flush=True)


def run(repeat: int = 3, only: str = "") -> list[tuple[str, str, str, str, str]]:
    from django.conf import settings
    from django.db import OperationalError, connection
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from bench import targets
    from kaikukanta.accounts.models import Membership, User
    from kaikukanta.network.models import Area, Unit

    settings.STATS_CACHE_SECONDS = 0  # every render computes
    _vacuum_rollups(connection)
    t = time.perf_counter()
    duck = _duck()
    n = duck.execute("SELECT count(*) FROM uses").fetchone()[0]
    print(f"(DuckDB: {n:,} uses copied in {time.perf_counter() - t:.0f} s)", flush=True)
    area = Area.objects.order_by("pk").first()
    muni = area.municipalities.order_by("-population").first()
    y = datetime.date.today().year - 1
    day = datetime.date

    def client_for(email: str) -> Client:
        user = User.objects.get(email=email)
        client = Client()
        client.force_login(user, backend="kaikukanta.accounts.backends.EmailBackend")
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="Bench",
                                                     defaults={"confirmed": True})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    periods = [("1 Mar–30 Jun", day(y, 3, 1), day(y, 6, 30)),
               ("year", day(y, 1, 1), day(y, 12, 31)),
               ("quarter (Jul–Sep)", day(y, 7, 1), day(y, 9, 30)),
               ("custom, 12 Feb–19 May", day(y, 2, 12), day(y, 5, 19)),
               ("inside a month, 10–20 Mar", day(y, 3, 10), day(y, 3, 20))]

    def query_string(start, end) -> str:
        if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
            return f"?year={start.year}"
        return f"?start={start}&end={end}"

    in_area = f"AND (area_id = {int(area.pk)} OR card_area_id = {int(area.pk)})"
    cases = [(f"national dashboard, {label}", "national@bench.test", "/stats/national/",
              start, end, "") for label, start, end in periods]
    cases += [(f"area dashboard (coordinator), {label}", "culture@bench.test",
               f"/stats/area/{area.pk}/", start, end, in_area) for label, start, end in periods]
    unit = Unit.objects.get(pk=Membership.objects.filter(
        user__email="distributor@bench.test").values_list("unit_id", flat=True)[0])
    cases += [(f"unit dashboard (distributor), {label}", "distributor@bench.test",
               f"/stats/unit/{unit.pk}/", start, end, f"AND unit_id = {int(unit.pk)}")
              for label, start, end in periods[3:]]
    cases += [(f"municipality dashboard ({muni.name_fi}, coordinator), {label}",
               "culture@bench.test", f"/stats/municipality/{muni.pk}/", start, end,
               f"AND municipality = '{muni.pk}'")
              for label, start, end in periods if label in ("year", "custom, 12 Feb–19 May")]
    cases = [case for case in cases if only in case[0]]
    lines = []
    # A page that needs longer than the production server's worker timeout (30 s) would
    # never be answered there: its statements are cancelled and the page named.
    with connection.cursor() as cur:
        cur.execute(f"SET statement_timeout = '{LIMIT_S}s'")
    for label, email, url, start, end, extra in cases:
        client = client_for(email)
        url += query_string(start, end)

        def page(client=client, url=url):
            r = client.get(url)
            if r.status_code == 503:  # the app's answer to a cancelled statement
                raise OperationalError(f"{url} answered 503 (statement timeout)")
            assert r.status_code == 200, (url, r.status_code)

        def query(start=start, end=end, extra=extra):
            duck.execute(DUCK_SQL.format(extra=extra), [start, end]).fetchall()

        duck_ms = _median_ms(query, repeat)
        try:
            app_ms = _median_ms(page, repeat)
        except OperationalError as exc:  # the statement timeout above
            print(f"({label}: {type(exc).__name__} after {LIMIT_S} s: "
                  f"{str(exc).splitlines()[0]})", flush=True)
            lines.append((label, f"over {LIMIT_S} s (a statement was cancelled)",
                          f"DuckDB: {duck_ms:,.1f} ms", "–",
                          targets.dashboard(LIMIT_S * 1000, duck_ms)))
            continue
        lines.append((label, f"{app_ms:,.0f} ms", f"DuckDB: {duck_ms:,.1f} ms",
                      f"{app_ms / duck_ms:,.1f} ×", targets.dashboard(app_ms, duck_ms)))
    with connection.cursor() as cur:
        cur.execute("SET statement_timeout = 0")
    return lines


def main() -> None:
    from bench.import_bench import setup

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="", help="only the rows whose label has this text")
    ap.add_argument("--repeat", type=int, default=3, help="renders per row (the median)")
    args = ap.parse_args()
    setup()
    for line in run(repeat=args.repeat, only=args.only):
        print(" | ".join(line))


if __name__ == "__main__":
    main()
