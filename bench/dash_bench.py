"""Dashboards for a period against DuckDB grouping the same uses (after `stats_data.py`).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kk_bench .venv/bin/python -m bench.dash_bench

DuckDB is a benchmark-only dependency (requirements/bench.txt). The recorded uses are
copied out of PostgreSQL once (COPY … TO STDOUT, CSV) into an in-memory DuckDB table; then for
each dashboard the page is rendered through the app (Django's test client: middleware,
queries, templates) and DuckDB computes the same figures from the period's uses (uses,
children's tickets and distinct cards per category and area). Median of the repeats.
"""

from __future__ import annotations

import datetime
import statistics
import time


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
                "COPY (SELECT card_id, area_id, card_area_id, category, event_date, children "
                "FROM usage_use WHERE status = 'recorded') TO STDOUT (FORMAT csv)") as copy:
            for block in copy:
                out.write(block)
        out.flush()
        duck.execute(
            "CREATE TABLE uses AS SELECT * FROM read_csv(?, header = false, columns = "
            "{'card_id': 'BIGINT', 'area_id': 'BIGINT', 'card_area_id': 'BIGINT', "
            "'category': 'VARCHAR', 'event_date': 'DATE', 'children': 'INTEGER'})",
            [out.name])
    return duck


DUCK_SQL = """
    SELECT category, count(*), sum(children), count(DISTINCT card_id),
           count(DISTINCT card_id) FILTER (WHERE card_area_id = area_id)
    FROM uses WHERE event_date BETWEEN ? AND ? {extra} GROUP BY ROLLUP (category)
"""


def run(repeat: int = 3) -> list[tuple[str, str, str, str]]:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kaikukanta.accounts.models import User
    from kaikukanta.network.models import Area

    t = time.perf_counter()
    duck = _duck()
    n = duck.execute("SELECT count(*) FROM uses").fetchone()[0]
    print(f"(DuckDB: {n:,} uses copied in {time.perf_counter() - t:.0f} s)", flush=True)
    area = Area.objects.order_by("pk").first()
    last_year = datetime.date.today().year - 1

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

    cases = [
        ("national dashboard, 1 Mar–30 Jun", "national@bench.test",
         f"/stats/national/?start={last_year}-03-01&end={last_year}-06-30",
         datetime.date(last_year, 3, 1), datetime.date(last_year, 6, 30), ""),
        ("national dashboard, year", "national@bench.test",
         f"/stats/national/?year={last_year}",
         datetime.date(last_year, 1, 1), datetime.date(last_year, 12, 31), ""),
        ("area dashboard (coordinator), year", "culture@bench.test",
         f"/stats/area/{area.pk}/?year={last_year}",
         datetime.date(last_year, 1, 1), datetime.date(last_year, 12, 31),
         f"AND (area_id = {int(area.pk)} OR card_area_id = {int(area.pk)})"),
        ("area dashboard (coordinator), 1 Mar–30 Jun", "culture@bench.test",
         f"/stats/area/{area.pk}/?start={last_year}-03-01&end={last_year}-06-30",
         datetime.date(last_year, 3, 1), datetime.date(last_year, 6, 30),
         f"AND (area_id = {int(area.pk)} OR card_area_id = {int(area.pk)})"),
    ]
    lines = []
    for label, email, url, start, end, extra in cases:
        client = client_for(email)

        def page(client=client, url=url):
            r = client.get(url)
            assert r.status_code == 200, (url, r.status_code)

        def query(start=start, end=end, extra=extra):
            duck.execute(DUCK_SQL.format(extra=extra), [start, end]).fetchall()

        app_ms, duck_ms = _median_ms(page, repeat), _median_ms(query, repeat)
        lines.append((label, f"{app_ms:,.0f} ms", f"DuckDB: {duck_ms:,.1f} ms",
                      f"{app_ms / duck_ms:,.0f} ×"))
    return lines


def main() -> None:
    from bench.import_bench import setup

    setup()
    for line in run():
        print(" | ".join(line))


if __name__ == "__main__":
    main()
