"""Generate national-scale statistics data on PostgreSQL (generate_series, no Python loops).

    createdb -h 127.0.0.1 -U postgres kk_stats_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kk_stats_bench KAIKUKANTA_TESTING=1 \
        .venv/bin/python bench/stats_data.py --cards 1000000 --uses-per-card 10

Makes one area per wellbeing services county (22 areas, all municipalities), 20
distributor units and 20 venue sites (two offers each) per area, one ticket seller per
area, the cards (first issued over seven years up to 35 days ago, skewed so that the
first area holds about a fifth of them, evenly over its 20 units), `--uses-per-card` uses
per card on distinct days within its first year (15 % in another area, 30 % without an
offer, a tenth through the area's ticket seller), renewal events for a tenth of the
cards, and finally the statistics rollup (`rollup_rebuild`).

Card numbers are real numbers (`kaikukanta.cards.numbers`: printed stock, correct check
character), so the desk and the API accept them. Dates are relative to today: cards were
first issued up to seven years ago and are renewed every year, so all but the inactivated
ones (one in twenty) are valid today; no use lies in the future. `--scale 0.01` makes a
quick, proportionally smaller data set (10,000 cards by default). The use table's
indexes are dropped during the load and rebuilt after it. Prints the time of every step.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaikukanta.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from kaikukanta.lib.cellkey import KEY_RANGE  # noqa: E402

UNITS_PER_AREA = 20
SITES_PER_AREA = 20


def step(label: str, sql: str | None = None, params=None):
    t = time.perf_counter()
    if sql:
        with connection.cursor() as cur:
            cur.execute(sql, params)
    print(f"{label:<48} {time.perf_counter() - t:7.1f} s", flush=True)
    return t


def network() -> None:
    from kaikukanta.accounts.models import Membership, Role, User
    from kaikukanta.geo.models import WellbeingCounty
    from kaikukanta.network.models import Area, Organisation, Unit
    from kaikukanta.usage.models import Offer

    cats = ["culture", "education", "science", "sports"]
    for i, county in enumerate(WellbeingCounty.objects.order_by("code")):
        area = Area.objects.create(name=f"Bench {county.code} {county.name_fi}",
                                   status="permanent", status_since=datetime.date(2019, 1, 1),
                                   wellbeing_county=county)
        area.municipalities.set(county.municipalities.all())
        for j in range(UNITS_PER_AREA // 4):
            org = Organisation.objects.create(
                name=f"Distributor {i}-{j}", kind="distributor", sector="public",
                home_area=area, contact_name="Bench", contact_email="bench@example.test")
            Unit.objects.bulk_create([Unit(organisation=org, name=f"Unit {i}-{j}-{k}")
                                      for k in range(4)])
        for j in range(SITES_PER_AREA // 2):
            org = Organisation.objects.create(
                name=f"Venue {i}-{j}", kind="venue", sector="public", home_area=area,
                contact_name="Bench", contact_email="bench@example.test")
            for k in range(2):
                site = Unit.objects.create(organisation=org, name=f"Site {i}-{j}-{k}")
                for n in range(2):
                    Offer.objects.create(venue=org, site=site, title_fi=f"Offer {n}",
                                         category=cats[(j + k + n) % 4], kind="admission")
        Organisation.objects.create(
            name=f"Seller {i}", kind="ticket_seller", sector="private", home_area=area,
            contact_name="Bench", contact_email="bench@example.test")
    area = Area.objects.order_by("pk").first()
    unit = Unit.objects.filter(organisation__home_area=area,
                               organisation__kind="distributor").order_by("pk").first()
    venue = Organisation.objects.filter(home_area=area, kind="venue").order_by("pk").first()
    seller = Organisation.objects.filter(home_area=area, kind="ticket_seller").first()
    for email, role, scope in [
        ("national@bench.test", Role.NATIONAL_ADMIN, {}),
        ("culture@bench.test", Role.CULTURE_COORDINATOR, {"area": area}),
        ("distributor@bench.test", Role.DISTRIBUTOR_STAFF,
         {"organisation": unit.organisation, "unit": unit}),
        ("venue@bench.test", Role.VENUE_STAFF, {"organisation": venue}),
        ("seller@bench.test", Role.SELLER_STAFF, {"organisation": seller}),
    ]:
        user = User.objects.create_user(email, "bench-password-1", name=email)
        Membership.objects.create(user=user, role=role, **scope)


def card_number(g: int) -> str:
    """The g-th benchmark card number: printed stock (first character 2), the payload
    g in base 31, and the check character of `kaikukanta.cards.numbers`."""
    from kaikukanta.cards import numbers

    digits = []
    for _ in range(numbers.PAYLOAD_LENGTH - 1):
        g, d = divmod(g, len(numbers.ALPHABET))
        digits.append(numbers.ALPHABET[d])
    payload = numbers.ALPHABET[0] + "".join(reversed(digits))
    return payload + numbers.check_character(payload)


def card_numbers(count: int) -> None:
    """b_numbers(g, number): the numbers of cards 1..count, copied in (COPY)."""
    from kaikukanta.cards import numbers

    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE b_numbers (g bigint PRIMARY KEY, number text)")
        with cur.cursor.copy("COPY b_numbers (g, number) FROM STDIN") as copy:
            for g in range(1, count + 1):
                copy.write_row((g, card_number(g)))
    assert all(numbers.is_valid(card_number(g)) for g in range(1, min(count, 1000) + 1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cards", type=int, default=1_000_000)
    ap.add_argument("--uses-per-card", type=int, default=10)
    ap.add_argument("--scale", type=float, default=1.0,
                    help="multiply the number of cards (0.01 for a quick check)")
    args = ap.parse_args()
    args.cards = max(1, int(args.cards * args.scale))
    if connection.vendor != "postgresql":
        sys.exit("The generator needs PostgreSQL (set DATABASE_URL).")
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM cards_card")
        if cur.fetchone()[0]:
            sys.exit("The database already has cards: use an empty database.")
    call_command("load_geography", verbosity=0)
    t = time.perf_counter()
    network()
    print(f"{'network, users':<48} {time.perf_counter() - t:7.1f} s", flush=True)
    # A bulk load: no per-row foreign-key triggers, big sort memory (this session only).
    step("session settings", "SET session_replication_role = replica; "
         "SET work_mem = '512MB'; SET maintenance_work_mem = '1GB'")
    step("unit and site lists", """
        CREATE TEMP TABLE b_units AS
          SELECT row_number() OVER (ORDER BY u.id) - 1 AS idx, u.id AS unit_id,
                 o.home_area_id AS area_id
          FROM network_unit u JOIN network_organisation o ON o.id = u.organisation_id
          WHERE o.kind = 'distributor';
        CREATE TEMP TABLE b_areas AS
          SELECT row_number() OVER (ORDER BY id) - 1 AS idx, id AS area_id FROM network_area;
        CREATE TEMP TABLE b_sites AS
          SELECT o.home_area_id AS area_id,
                 row_number() OVER (PARTITION BY o.home_area_id ORDER BY f.id) - 1 AS idx,
                 u.id AS site_id, o.id AS venue_id, f.id AS offer_id, f.category,
                 (SELECT s.id FROM network_organisation s WHERE s.kind = 'ticket_seller'
                   AND s.home_area_id = o.home_area_id LIMIT 1) AS seller_id
          FROM usage_offer f JOIN network_unit u ON u.id = f.site_id
          JOIN network_organisation o ON o.id = f.venue_id;
        CREATE INDEX ON b_sites (area_id, idx); ANALYZE b_units; ANALYZE b_sites;
    """ + MUNIS_SQL)  # noqa: S608
    t = time.perf_counter()
    card_numbers(args.cards)
    print(f"{'card numbers':<48} {time.perf_counter() - t:7.1f} s", flush=True)
    with connection.cursor() as cur:
        t = time.perf_counter()
        cur.execute(CARDS_SQL, [KEY_RANGE, args.cards])
        print(f"{'cards (' + format(args.cards, ',') + ')':<48} "
              f"{time.perf_counter() - t:7.1f} s", flush=True)
    # drop the use table's secondary indexes for the load
    with connection.cursor() as cur:
        cur.execute("""SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'usage_use'
                       AND indexname NOT LIKE '%%pkey' AND indexname NOT LIKE '%%_key'""")
        indexes = cur.fetchall()
        for name, _def in indexes:
            cur.execute(f'DROP INDEX "{name}"')
    with connection.cursor() as cur:
        t = time.perf_counter()
        cur.execute(USES_SQL, [args.uses_per_card - 1])
        print(f"{'uses (' + format(cur.rowcount, ',') + ')':<48} "
              f"{time.perf_counter() - t:7.1f} s", flush=True)
    t = time.perf_counter()
    with connection.cursor() as cur:
        for _name, definition in indexes:
            cur.execute(definition)
    print(f"{'use indexes rebuilt (' + str(len(indexes)) + ')':<48} "
          f"{time.perf_counter() - t:7.1f} s", flush=True)
    step("renewal events", """
        INSERT INTO cards_cardevent (card_id, kind, "on", unit_id, valid_until, at)
        SELECT id, 'renewed', valid_until - 374, unit_id, valid_until, now()
        FROM cards_card WHERE id % 10 = 0 AND valid_until - 374 > issued_on""")
    from kaikukanta.stats.services import rollup_rebuild

    t = time.perf_counter()
    n = rollup_rebuild()
    print(f"{'statistics rollup (' + format(n, ',') + ' rows)':<48} "
          f"{time.perf_counter() - t:7.1f} s", flush=True)
    step("foreign-key triggers back on", "SET session_replication_role = DEFAULT")
    with connection.cursor() as cur:
        t = time.perf_counter()
        cur.execute("VACUUM ANALYZE")
        print(f"{'vacuum analyze':<48} {time.perf_counter() - t:7.1f} s", flush=True)
    stamp_write()
    print(f"{'total':<48} {time.perf_counter() - t0:7.1f} s")


# The municipalities of residence: each card lives in one of its area's municipalities,
# in proportion to their populations (b_munis: the share [lo, hi) of each).
MUNIS_SQL = """
    CREATE TEMP TABLE b_munis AS
      SELECT am.area_id, am.municipality_id,
             coalesce(sum(m.population) OVER w - m.population, 0)::float
               / nullif(sum(m.population) OVER a, 0) AS lo,
             sum(m.population) OVER w::float / nullif(sum(m.population) OVER a, 0) AS hi
      FROM network_area_municipalities am JOIN geo_municipality m ON m.code = am.municipality_id
      WINDOW w AS (PARTITION BY am.area_id ORDER BY m.code), a AS (PARTITION BY am.area_id);
    CREATE INDEX ON b_munis (area_id, hi); ANALYZE b_munis;
"""


def municipalities() -> int:
    """Give the cards of an older data set (made before the generator set it) their
    municipality of residence, as the generator now does. Returns the cards changed."""
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM cards_card WHERE municipality_id IS NULL AND kind = 'personal' "
                    "LIMIT 1")
        if cur.fetchone() is None:
            return 0
        cur.execute("DROP TABLE IF EXISTS b_munis;" + MUNIS_SQL)
        cur.execute("""
            UPDATE cards_card c SET municipality_id = m.municipality_id FROM b_munis m
            WHERE c.municipality_id IS NULL AND c.kind = 'personal' AND m.area_id = c.area_id
              AND ((c.id * 7919) % 10007) / 10007.0 >= m.lo
              AND ((c.id * 7919) % 10007) / 10007.0 < m.hi""")
        return cur.rowcount


# What the statistics rollups were last built against: the statistics app's applied
# migrations and the rollup code. `python -m bench all` rebuilds them when this changes
# (bench/data.py).
ROLLUP_CODE = ["services.py", "hooks.py", "models.py", "cardspan.py", "unitcards.py", "*roll*.py"]


def stamp_now() -> str:
    import hashlib

    digest = hashlib.sha256()
    with connection.cursor() as cur:
        cur.execute("SELECT app, name FROM django_migrations WHERE app = 'stats' "
                    "ORDER BY app, name")
        for app, name in cur.fetchall():
            digest.update(f"{app}.{name}\n".encode())
    stats = ROOT / "src" / "kaikukanta" / "stats"
    for path in sorted({p for pattern in ROLLUP_CODE for p in stats.glob(pattern)}):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def stamp_read() -> str | None:
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_state (key text PRIMARY KEY, value text)")
        cur.execute("SELECT value FROM bench_state WHERE key = 'rollups'")
        row = cur.fetchone()
    return row[0] if row else None


def stamp_write() -> None:
    stamp_read()  # makes the table
    with connection.cursor() as cur:
        cur.execute("INSERT INTO bench_state VALUES ('rollups', %s) ON CONFLICT (key) "
                    "DO UPDATE SET value = EXCLUDED.value", [stamp_now()])


CARDS_SQL = """
    INSERT INTO cards_card (number, kind, status, mobile_only, unit_id, area_id, issued_on,
        valid_until, backfilled, registered_at, birth_year, postal_code, children, gender,
        life_situation, preferred_language, inactivated_on, inactive_reason, updated_at,
        stats_key, municipality_id)
    SELECT n.number, 'personal',
           CASE WHEN g %% 20 = 0 THEN 'inactive' ELSE 'active' END, false,
           u.unit_id, u.area_id, d,
           -- renewed every year: valid until the end of the year of validity holding today
           d + 365 * ((CURRENT_DATE - d) / 365 + 1) - 1, g %% 50 = 0, d::timestamptz,
           1940 + (g * 7919) %% 66, '', ((g * 31) %% 5) %% 4,
           (ARRAY['woman','man','other','not_told',''])[1 + (g * 13) %% 5],
           (ARRAY['unemployed','student','pensioner','sick_leave','working','other',
                  'not_told',''])[1 + (g * 17) %% 8],
           'fi', CASE WHEN g %% 20 = 0 THEN LEAST(d + 200, CURRENT_DATE - 1) END,
           CASE WHEN g %% 20 = 0 THEN 'lost' ELSE '' END, now(),
           floor(random() * %s)::int,
           (SELECT m.municipality_id FROM b_munis m WHERE m.area_id = u.area_id
              AND m.hi > ((g * 7919) %% 10007) / 10007.0 ORDER BY m.hi LIMIT 1)
    FROM (SELECT g, CURRENT_DATE - 2557 + ((g * 104729) %% 2522)::int AS d,
                 floor(22 * power(((g * 2654435761) %% 1000003) / 1000003.0, 2))::int * 20
                   + (g * 7) %% 20 AS ui
          FROM generate_series(1, %s::bigint) g) s
    JOIN b_units u ON u.idx = s.ui
    JOIN b_numbers n USING (g)
"""

# One use per card and k (0..n-1) on the distinct day issued_on + 36k + (0..29), so the
# once-per-offer-and-date rules hold by construction. Inactivated cards stop at inactivation.
USES_SQL = """
    INSERT INTO usage_use (card_id, offer_id, venue_id, site_id, seller_id, area_id,
        card_area_id, category, event_date, children, companion, status, source, backfilled,
        recorded_at)
    SELECT c.id, CASE WHEN h %% 10 < 3 THEN NULL ELSE s.offer_id END, s.venue_id, s.site_id,
           CASE WHEN h %% 10 = 9 THEN s.seller_id END, s.area_id, c.area_id, s.category,
           ev, CASE WHEN h %% 7 < 2 THEN 1 + h %% 3 ELSE 0 END, h %% 11 = 0, 'recorded',
           CASE WHEN h %% 25 = 0 THEN 'backfill' ELSE 'desk' END, h %% 25 = 0, ev::timestamptz
    FROM (
        SELECT c.id, c.area_id, c.inactivated_on,
               c.issued_on + (36 * k + ((c.id * 7 + k * 13) %% 30))::int AS ev,
               ((c.id * 2654435761 + k * 40503) %% 1000003) AS h
        FROM cards_card c, generate_series(0, %s) k
    ) c
    JOIN b_areas ca ON ca.area_id = c.area_id
    JOIN b_areas va ON va.idx = CASE WHEN c.h %% 100 < 15
                                     THEN (ca.idx + 1 + c.h %% 21) %% 22 ELSE ca.idx END
    JOIN b_sites s ON s.area_id = va.area_id AND s.idx = (c.h / 100) %% 40
    WHERE (c.inactivated_on IS NULL OR c.ev < c.inactivated_on) AND c.ev <= CURRENT_DATE
"""

if __name__ == "__main__":
    main()
