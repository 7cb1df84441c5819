"""Public pages and open data: time at demo scale, then with 1,000 venues and 5,000 offers.

    createdb -h 127.0.0.1 -U postgres kk_public_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kk_public_bench \
        .venv/bin/python -m bench.public_bench --repeat 7

Migrates, loads the demo (idempotent) and times each public page through the real views
with Django's test client (middleware, templates, every query; no HTTP server). Then adds
20 areas (one per wellbeing services county not yet in the demo), 1,000 venues with a site
each and 5,000 offers in all, times the pages again and removes what it added (so every
run starts at the demo scale). For
the offer search it also times the page's own SQL (the count and the first page of rows)
run directly on the database connection, so the page's cost over its query is visible.
The open-data answer is timed uncached (the cache is cleared before each request).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaikukanta.settings")
os.environ.setdefault("KAIKUKANTA_DEMO", "1")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

LARGE_AREA_PREFIX = "Bench area"
VENUES, OFFERS = 1000, 5000


def timed(client: Client, url: str, repeat: int, *, clear_cache: bool = False) -> dict:
    client.get(url)  # warm-up
    times = []
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(repeat):
            if clear_cache:
                cache.clear()
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
    return {"url": url, "best": min(times), "median": statistics.median(times),
            "queries": len(ctx.captured_queries) // repeat, "kb": len(response.content) / 1024}


def sql_time(repeat: int, **filters) -> float:
    """The offer search's count and first page as plain SQL on the connection."""
    from kaikukanta.public.selectors import PAGE_SIZE, OfferFilter, offer_search

    qs = offer_search(OfferFilter(**filters))
    count_sql = qs.order_by().values("pk").query.sql_with_params()
    rows_sql = qs[:PAGE_SIZE].query.sql_with_params()
    times = []
    with connection.cursor() as cur:
        for _ in range(repeat + 1):
            start = time.perf_counter()
            cur.execute(f"SELECT COUNT(*) FROM ({count_sql[0]}) s", count_sql[1])  # noqa: S608
            cur.fetchall()
            cur.execute(*rows_sql)
            cur.fetchall()
            times.append((time.perf_counter() - start) * 1000)
    return min(times[1:])


def make_large() -> None:
    from kaikukanta.geo.models import Municipality, WellbeingCounty
    from kaikukanta.network.models import Area, AreaStatus, Organisation, OrganisationKind, Unit
    from kaikukanta.usage.models import Category, Offer, OfferKind

    remove_large()
    taken = set(Area.objects.values_list("municipalities", flat=True))
    areas = []
    for county in WellbeingCounty.objects.exclude(areas__isnull=False)[:20]:
        area = Area.objects.create(name=f"{LARGE_AREA_PREFIX} {county.code}",
                                   status=AreaStatus.PERMANENT, status_since="2024-01-01",
                                   wellbeing_county=county)
        munis = list(Municipality.objects.filter(wellbeing_county=county)
                     .exclude(code__in=taken))
        area.municipalities.set(munis)
        areas.append((area, munis))
    orgs = Organisation.objects.bulk_create([
        Organisation(name=f"Venue {i:04d}", kind=OrganisationKind.VENUE, sector="public",
                     home_area=areas[i % len(areas)][0], contact_name="Bench",
                     contact_email="bench@example.test")
        for i in range(VENUES)])
    units = Unit.objects.bulk_create([
        Unit(organisation=o, name=f"{o.name} hall",
             municipality=(areas[i % len(areas)][1] or [None])[i % max(
                 1, len(areas[i % len(areas)][1]))])
        for i, o in enumerate(orgs)])
    cats, kinds = Category.values, [OfferKind.EVENT, OfferKind.ADMISSION]
    Offer.objects.bulk_create([
        Offer(venue=units[i % VENUES].organisation, site=units[i % VENUES],
              title_fi=f"Tarjous {i:05d}", title_sv=f"Erbjudande {i:05d}",
              title_en=f"Offer {i:05d}", category=cats[i % 4], kind=kinds[i % 2],
              children_allowed=True, restrictions="Ei ensi-iltoja" if i % 7 == 0 else "")
        for i in range(OFFERS)])
    with connection.cursor() as cur:  # fresh planner statistics, as autovacuum would give
        cur.execute("ANALYZE")


def remove_large() -> None:
    from kaikukanta.network.models import Area, Organisation, Unit
    from kaikukanta.usage.models import Offer

    areas = Area.objects.filter(name__startswith=LARGE_AREA_PREFIX)
    Offer.objects.filter(venue__home_area__in=areas).delete()
    Unit.objects.filter(organisation__home_area__in=areas).delete()
    Organisation.objects.filter(home_area__in=areas).delete()
    for area in areas:
        area.municipalities.clear()
    areas.delete()


def run(label: str, repeat: int) -> None:
    from kaikukanta.network.models import Area

    client = Client()
    largest = max(Area.objects.filter(status__in=["trial", "permanent"]),
                  key=lambda a: a.organisations.count())
    pages = [("front page", "/fi/"),
             (f"area page ({largest.name})", f"/fi/areas/{largest.pk}/"),
             ("offer search, no filter", "/fi/offers/"),
             ("offer search, text", "/fi/offers/?text=tarjous+1"),
             ("offer search, municipality", "/fi/offers/?municipality=049"),
             ("offer search, page 10", "/fi/offers/?page=10")]
    print(f"\n## {label}\n")
    print("| page | best ms | median ms | queries | KiB |")
    print("|---|---:|---:|---:|---:|")
    for name, url in pages:
        r = timed(client, url, repeat)
        print(f"| {name} | {r['best']:.1f} | {r['median']:.1f} | {r['queries']} | "
              f"{r['kb']:.0f} |")
    r = timed(client, "/api/public/v1/offers?page_size=50", repeat, clear_cache=True)
    print(f"| open data /offers (uncached) | {r['best']:.1f} | {r['median']:.1f} | "
          f"{r['queries']} | {r['kb']:.0f} |")
    page = timed(client, "/fi/offers/?text=tarjous+1", repeat)
    sql = sql_time(repeat, text="tarjous 1")
    print(f"\nOffer search (text) page {page['best']:.1f} ms vs its SQL alone {sql:.1f} ms "
          f"(ratio {page['best'] / max(sql, 0.001):.1f})")
    page = timed(client, "/fi/offers/", repeat)
    sql = sql_time(repeat)
    print(f"Offer search (no filter) page {page['best']:.1f} ms vs its SQL alone {sql:.1f} ms "
          f"(ratio {page['best'] / max(sql, 0.001):.1f})")
    reset_queries()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database (see the module's docstring).")
    from django.conf import settings

    settings.KAIKUKANTA_OPEN_DATA_RATE = 10**9
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    remove_large()  # a run that was stopped half-way
    run("Demo scale", args.repeat)
    make_large()
    from kaikukanta.network.models import Organisation, OrganisationKind
    from kaikukanta.usage.models import Offer

    venues = Organisation.objects.filter(kind=OrganisationKind.VENUE).count()
    print(f"\n(venues: {venues}, offers: {Offer.objects.count()})")
    try:
        run("1,000 venues and 5,000 offers more", args.repeat)
    finally:
        remove_large()


if __name__ == "__main__":
    main()
