"""Time every statistics dashboard through the real views (after `stats_data.py`).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kk_stats_bench KAIKUKANTA_TESTING=1 \
        .venv/bin/python bench/stats_bench.py [--year 2025] [--repeat 3]

Signs in as the users the generator made (national admin, the first area's culture
coordinator, a distributor, a venue and a ticket seller), renders each page with Django's
test client (middleware, templates and all), and prints the best and median of the
repeats, the number of SQL queries and the page size. A target of one second is printed
beside each figure; nothing fails on time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaikukanta.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main() -> None:
    from kaikukanta.accounts.models import User
    from kaikukanta.network.models import Area, Organisation, Unit
    from kaikukanta.usage.models import Use

    ap = argparse.ArgumentParser()
    ap.add_argument("--year", type=int, default=2025)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM cards_card")
        n_cards = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM usage_use")
        n_uses = cur.fetchone()[0]
    area = Area.objects.order_by("pk").first()
    users = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@bench.test")}
    dist_user = users["distributor"]
    unit = dist_user.memberships.get().unit
    venue = users["venue"].memberships.get().organisation
    site = Unit.objects.filter(organisation=venue).order_by("pk").first()
    seller = users["seller"].memberships.get().organisation
    dist_org = Organisation.objects.get(pk=unit.organisation_id)
    y = args.year
    year_uses = Use.objects.filter(event_date__year=y).count()
    area_uses = Use.objects.filter(event_date__year=y, area=area).count()
    print(f"data: {n_cards:,} cards, {n_uses:,} uses ({year_uses:,} in {y}; "
          f"{area_uses:,} of them in the largest area, {area.name})")
    pages = [
        ("national dashboard", "national", f"/stats/national/?year={y}"),
        ("area dashboard (coordinator)", "culture", f"/stats/area/{area.pk}/?year={y}"),
        ("area dashboard (national admin)", "national", f"/stats/area/{area.pk}/?year={y}"),
        ("distributor organisation", "national", f"/stats/distributor/{dist_org.pk}/?year={y}"),
        ("distributor unit (staff)", "distributor", f"/stats/unit/{unit.pk}/?year={y}"),
        ("venue organisation (staff)", "venue", f"/stats/venue/{venue.pk}/?year={y}"),
        ("venue site (staff)", "venue", f"/stats/site/{site.pk}/?year={y}"),
        ("ticket seller (staff)", "seller", f"/stats/seller/{seller.pk}/?year={y}"),
        ("national annual table", "national", f"/stats/annual/?first={y}&last={y}"),
        ("area XLSX export", "culture", f"/stats/area/{area.pk}/export.xlsx?year={y}"),
        ("area yearly PDF", "culture", f"/stats/area/{area.pk}/report-{y}.pdf"),
    ]
    print(f"{'page':<34} {'best ms':>8} {'median':>8} {'queries':>8} {'kB':>6}  < 1 s")
    for label, who, url in pages:
        client = Client()
        client.force_login(users[who])
        times = []
        for _ in range(args.repeat + 1):
            reset_queries()
            with CaptureQueriesContext(connection) as q:
                t = time.perf_counter()
                r = client.get(url)
                times.append(time.perf_counter() - t)
            assert r.status_code == 200, (url, r.status_code)
        times = times[1:]  # the first run warms caches
        best, med = min(times) * 1000, statistics.median(times) * 1000
        print(f"{label:<34} {best:8.0f} {med:8.0f} {len(q.captured_queries):8d} "
              f"{len(r.content) / 1024:6.0f}  {'yes' if med < 1000 else 'NO'}", flush=True)


if __name__ == "__main__":
    main()
