"""Backfill import: the set-based file upload against PostgreSQL's own bulk path.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kk_bench .venv/bin/python -m bench.import_bench

Needs the data of `bench/stats_data.py`. For each size (10,000 and 100,000 rows by
default) it makes a CSV file of valid uses at a new site of the benchmark venue (cards
valid on their days, a card on several days, half of the rows on an offer), runs
`usage.imports.uses_upload` on it end to end (parse, check every row, write the uses, audit
entries, ticket counters and statistics, commit), and then the anchor on the same rows at
another new site: COPY into a temporary table and one INSERT … SELECT into the use table.
Prints rows/s, the anchor's rows/s, their ratio, and how the time grows with the size.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup() -> None:
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaikukanta.settings")
    os.environ.setdefault("KAIKUKANTA_TESTING", "1")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to the PostgreSQL database of bench/stats_data.py.")


def _fresh_site(venue, label: str):
    from kaikukanta.network.models import Unit
    from kaikukanta.usage.models import Category, Offer, OfferKind

    site = Unit.objects.create(organisation=venue, name=f"Import bench {label} "
                               f"{datetime.datetime.now():%H%M%S%f}")
    offer = Offer.objects.create(venue=venue, site=site, title_fi="Import bench",
                                 category=Category.CULTURE, kind=OfferKind.ADMISSION)
    return site, offer


def _rows(n: int) -> list[tuple[str, datetime.date, bool]]:
    """n (card number, day, on the offer?) triples: valid cards, distinct days per card."""
    from kaikukanta.cards.models import Card

    today = datetime.date.today()
    numbers = list(Card.objects.filter(status="active", issued_on__lte=today - datetime.
                                       timedelta(days=60), valid_until__gte=today)
                   .order_by("pk").values_list("number", flat=True)[:n])
    if not numbers:
        sys.exit("No valid cards: run bench/stats_data.py first.")
    out = []
    for i in range(n):
        card, lap = numbers[i % len(numbers)], i // len(numbers)
        out.append((card, today - datetime.timedelta(days=1 + lap % 58), i % 2 == 0))
    return out


def _csv(rows, offer) -> bytes:
    buf = io.StringIO()
    buf.write("card;date;offer;children\n")
    for number, day, on_offer in rows:
        buf.write(f"{number};{day.isoformat()};{offer.pk if on_offer else 'culture'};0\n")
    return buf.getvalue().encode()


def import_once(n: int, venue, scope) -> float:
    from kaikukanta.usage.imports import uses_upload

    site, offer = _fresh_site(venue, "app")
    data = _csv(_rows(n), offer)
    t = time.perf_counter()
    result = uses_upload(scope=scope, site=site, name="bench.csv", data=data)
    took = time.perf_counter() - t
    if not result.ok:
        sys.exit(f"import refused: {result.errors[:3]}")
    return took


def anchor_once(n: int, venue) -> float:
    """COPY the same rows into a temporary table, one INSERT … SELECT into the uses."""
    from django.db import connection, transaction

    site, offer = _fresh_site(venue, "copy")
    rows = _rows(n)
    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE b_import (number text, day date, offer_id bigint) "
                    "ON COMMIT DROP")
        with cur.cursor.copy("COPY b_import FROM STDIN") as copy:
            for number, day, on_offer in rows:
                copy.write_row((number, day, offer.pk if on_offer else None))
        cur.execute("""
            INSERT INTO usage_use (card_id, offer_id, venue_id, site_id, area_id,
                card_area_id, category, event_date, children, companion, status, source,
                backfilled, recorded_at)
            SELECT c.id, b.offer_id, %s, %s, %s, c.area_id, 'culture', b.day, 0, false,
                   'recorded', 'import', true, now()
            FROM b_import b JOIN cards_card c ON c.number = b.number""",
                    [venue.pk, site.pk, venue.home_area_id])
        assert cur.rowcount == n, cur.rowcount
    return time.perf_counter() - t


def run(sizes: list[int]) -> list[tuple[str, str, str, str, str]]:
    """Lines of (path, figure, anchor, ratio, target) for the summary table."""
    from bench import targets
    from kaikukanta.accounts.models import User
    from kaikukanta.accounts.scope import scope_for_user

    user = User.objects.get(email="venue@bench.test")
    venue = user.memberships.get().organisation
    scope = scope_for_user(user)
    lines, times = [], {}
    for n in sizes:
        took = import_once(n, venue, scope)
        base = anchor_once(n, venue)
        times[n] = took
        lines.append((f"backfill import, {n:,} rows",
                      f"{n / took:,.0f} rows/s ({took:.1f} s)",
                      f"COPY + INSERT … SELECT: {n / base:,.0f} rows/s",
                      f"{base / took:.2f}",
                      targets.import_rate(n / took) if n >= 100_000 else "–"))
    if len(sizes) > 1:
        small, big = sizes[0], sizes[-1]
        growth = times[big] / times[small]
        lines.append((f"import time {big:,} / {small:,} rows", f"{growth:.1f} ×",
                      f"linear: {big / small:.0f} ×", f"{growth / (big / small):.2f}",
                      targets.import_growth(growth) if big == 10 * small else "–"))
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000")
    args = ap.parse_args()
    setup()
    for line in run([int(s) for s in args.sizes.split(",")]):
        print(" | ".join(line))


if __name__ == "__main__":
    main()
