"""Ticket desk benchmark: look-up + record through the real views on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kk_bench .venv/bin/python -m bench.desk

Migrates the database, loads (once) 100,000 registered cards with COPY and 1,000,000 uses
with one INSERT … SELECT generate_series, then drives the desk with Django's test Client
(all middleware, templates and queries, no network): GET the look-up page, POST the record
form, and prints requests per second and p50/p95 latency. Options: --cards, --uses,
--rounds. Figures vary with the machine: compare runs, do not gate on them.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import statistics
import sys
import time


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaikukanta.settings")
    os.environ.setdefault("KAIKUKANTA_DEMO", "1")  # local secret key; no other effect
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (it is migrated and filled).")
    import django

    django.setup()


def _network():
    from kaikukanta.accounts.models import Membership, Role, User
    from kaikukanta.geo.models import Municipality
    from kaikukanta.lib.scope import SYSTEM
    from kaikukanta.network import services as network
    from kaikukanta.network.models import Area, AreaStatus, OrganisationKind, Sector
    from kaikukanta.usage.models import Category, Offer, OfferKind

    area = Area.objects.filter(name="Bench").first()
    if area is None:
        muni, _ = Municipality.objects.get_or_create(
            code="998", defaults={"name_fi": "Penkki", "name_sv": "Bänk", "region_code": "99",
                                  "region_name_fi": "Penkki", "population": 1000,
                                  "population_year": 2024})
        area = network.area_create(scope=SYSTEM, name="Bench", municipalities=[muni],
                                   status=AreaStatus.PERMANENT,
                                   status_since=datetime.date(2020, 1, 1))

    def org(kind, name):
        from kaikukanta.network.models import Organisation

        found = Organisation.objects.filter(home_area=area, name=name).first()
        return found or network.organisation_create(
            scope=SYSTEM, name=name, kind=kind, sector=Sector.PUBLIC, home_area=area,
            contact_name="Bench", contact_email="bench@example.test")

    dist = org(OrganisationKind.DISTRIBUTOR, "Bench distributor")
    venue = org(OrganisationKind.VENUE, "Bench venue")
    unit, site = dist.units.first(), venue.units.first()
    user = User.objects.filter(email="desk@bench.test").first()
    if user is None:
        user = User.objects.create_user("desk@bench.test", "bench-password", name="Desk")
        Membership.objects.create(user=user, role=Role.VENUE_STAFF, organisation=venue)
    offers = list(Offer.objects.filter(site=site, title_fi__startswith="Bench history"))
    while len(offers) < 4:
        offers.append(Offer.objects.create(
            venue=venue, site=site, title_fi=f"Bench history {len(offers)}",
            category=Category.CULTURE, kind=OfferKind.ADMISSION))
    return area, unit, venue, site, user, offers


def _load(area, unit, venue, site, offers, n_cards: int, n_uses: int) -> None:
    from django.db import connection, transaction

    from kaikukanta.cards import numbers
    from kaikukanta.cards.models import Card
    from kaikukanta.usage.models import Use

    have = Card.objects.filter(area=area).count()
    today = datetime.date.today()
    if have < n_cards:
        t = time.perf_counter()
        now = datetime.datetime.now(datetime.UTC)
        cols = ["number", "kind", "status", "mobile_only", "unit_id", "area_id", "issued_on",
                "valid_until", "backfilled", "registered_at", "birth_year", "postal_code",
                "children", "gender", "life_situation", "preferred_language",
                "inactive_reason", "updated_at"]
        seen: set[str] = set(Card.objects.values_list("number", flat=True))
        with connection.cursor() as cur:
            copy_sql = f"COPY cards_card ({', '.join(cols)}) FROM STDIN"
            with cur.cursor.copy(copy_sql) as copy:
                for i in range(n_cards - have):
                    number = numbers.generate()
                    while number in seen:
                        number = numbers.generate()
                    seen.add(number)
                    issued = today - datetime.timedelta(days=i % 360)
                    copy.write_row((number, "personal", "active", False, unit.pk, area.pk,
                                    issued, issued + datetime.timedelta(days=364), False, now,
                                    1950 + i % 55, "99999", i % 4, "", "", "", "", now))
        print(f"cards: {n_cards - have} loaded with COPY in {time.perf_counter() - t:.1f} s")
    have_uses = Use.objects.filter(venue=venue).count()
    if have_uses < n_uses:
        t = time.perf_counter()
        offer_ids = [o.pk for o in offers]
        with transaction.atomic(), connection.cursor() as cur:
            # Plain indexes are dropped for the load and built again after it (much faster
            # than keeping them up to date row by row); unique ones stay.
            cur.execute("""
                SELECT i.indexname, i.indexdef FROM pg_indexes i
                JOIN pg_class c ON c.relname = i.indexname
                JOIN pg_index x ON x.indexrelid = c.oid
                WHERE i.tablename = 'usage_use' AND NOT x.indisunique
            """)
            plain = cur.fetchall()
            for name, _ in plain:
                cur.execute(f'DROP INDEX "{name}"')
            # The generated rows point at rows made above; skip the per-row foreign-key
            # triggers for this transaction (needs a superuser, as on a bench database).
            cur.execute("SET LOCAL session_replication_role = replica")
            cur.execute("""
                WITH c AS (
                    SELECT id, row_number() OVER (ORDER BY id) - 1 AS i
                    FROM cards_card WHERE area_id = %(area)s
                ), n AS (SELECT count(*) AS n FROM c)
                INSERT INTO usage_use (card_id, offer_id, venue_id, site_id, area_id,
                    card_area_id, category, event_date, children, companion, status,
                    source, backfilled, recorded_at)
                SELECT c.id, (%(offers)s::bigint[])[1 + g %% cardinality(%(offers)s::bigint[])],
                    %(venue)s, %(site)s, %(area)s, %(area)s, 'culture',
                    %(today)s::date - 1 - ((g / n.n) * 37 + g %% 37)::int,
                    (g %% 3)::smallint, g %% 50 = 0, 'recorded', 'desk', false,
                    now() - make_interval(days => ((g / n.n) * 37 + g %% 37)::int + 1)
                FROM generate_series(%(start)s, %(stop)s) AS g
                CROSS JOIN n JOIN c ON c.i = g %% n.n
            """, {"area": area.pk, "offers": offer_ids, "venue": venue.pk, "site": site.pk,
                  "today": today, "start": have_uses, "stop": n_uses - 1})
            cur.execute("SET LOCAL session_replication_role = origin")
            for _, definition in plain:
                cur.execute(definition)
            cur.execute("ANALYZE cards_card; ANALYZE usage_use;")
        print(f"uses: {n_uses - have_uses} loaded with INSERT … SELECT generate_series "
              f"(plain indexes rebuilt after) "
              f"in {time.perf_counter() - t:.1f} s")


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--uses", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    _setup()
    from django.core.management import call_command
    from django.test import Client

    from kaikukanta.cards.models import Card
    from kaikukanta.usage.models import Category, Offer, OfferKind, Use

    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - t:.1f} s")
    area, unit, venue, site, user, offers = _network()
    _load(area, unit, venue, site, offers, args.cards, args.uses)
    print(f"database: {Card.objects.count():,} cards, {Use.objects.count():,} uses")

    run_offer = Offer.objects.create(venue=venue, site=site, category=Category.CULTURE,
                                     kind=OfferKind.EVENT,
                                     title_fi=f"Bench run {datetime.datetime.now():%H%M%S}")
    today = datetime.date.today()
    numbers = list(
        Card.objects.filter(area=area, issued_on__lte=today, valid_until__gte=today,
                            children__gte=1)
        .order_by("?").values_list("number", flat=True)[: args.rounds]
    )
    client = Client()
    client.force_login(user)
    desk = f"/venue/desk/?site={site.pk}&number="
    client.get(desk + numbers[0])  # warm up templates, translations and connections
    lookups, records, pairs = [], [], []
    token_re = re.compile(r'name="token" value="([0-9a-f]+)"')
    started = time.perf_counter()
    for number in numbers[1:]:
        t0 = time.perf_counter()
        page = client.get(desk + number)
        t1 = time.perf_counter()
        assert page.status_code == 200, page.status_code
        token = token_re.search(page.content.decode()).group(1)
        done = client.post("/venue/desk/record/", {
            "site": site.pk, "number": number, "token": token, "offer": run_offer.pk,
            "event_date": today.isoformat(), "children": 1})
        t2 = time.perf_counter()
        assert done.status_code == 302, done.content.decode()[:2000]
        lookups.append(t1 - t0)
        records.append(t2 - t1)
        pairs.append(t2 - t0)
    wall = time.perf_counter() - started
    # Baselines on the same machine at the same time, for ratios: a page without queries
    # beyond the session and one trivial query.
    from django.db import connection

    base_page, base_query = [], []
    for _ in range(100):
        t0 = time.perf_counter()
        client.get("/accounts/login/")
        base_page.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        base_query.append(time.perf_counter() - t0)
    n = len(pairs)
    recorded = Use.objects.filter(offer=run_offer).count()
    print(f"desk: {n} look-ups + {n} records in {wall:.1f} s, {recorded} uses recorded")
    print(f"  requests/s (both kinds): {2 * n / wall:.1f}; desk customers/s: {n / wall:.1f}")
    for label, values in (("look-up GET", lookups), ("record POST", records),
                          ("look-up + record", pairs)):
        print(f"  {label:<17} p50 {1000 * statistics.median(values):6.1f} ms   "
              f"p95 {1000 * _pct(values, 95):6.1f} ms")
    page_p50 = statistics.median(base_page)
    print(f"  baseline: sign-in page p50 {1000 * page_p50:.1f} ms, SELECT 1 p50 "
          f"{1000 * statistics.median(base_query):.2f} ms; look-up + record = "
          f"{statistics.median(pairs) / page_p50:.1f} x the sign-in page")
    body = client.get(desk + numbers[1]).content
    print(f"  desk answer page: {len(body):,} bytes of HTML (uncompressed)")


if __name__ == "__main__":
    main()
