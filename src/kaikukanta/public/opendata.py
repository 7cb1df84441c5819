"""The national annual table as open data: the figures of `stats.reports.annual_row` for
each published year (a year is published, and its counts of cards frozen, after its late
entries: `stats.publication`), with the statistics pages' privacy rule applied
(`stats.privacy.protect`, columns over the years): figures of fewer than 5 holders are
"<5", and more are hidden ("–") where a column's total would reveal them."""

from __future__ import annotations

import datetime

from django.db.models import Min, Q
from django.utils import timezone

from kaikukanta.cards.models import Card
from kaikukanta.stats.holders import capped_holders
from kaikukanta.stats.privacy import protect, protect_one
from kaikukanta.stats.publication import is_due
from kaikukanta.stats.reports import annual_row
from kaikukanta.stats.scopes import Period
from kaikukanta.stats.selectors import max_uses_per_card
from kaikukanta.usage.models import Category, Use, UseStatus


def first_year() -> int | None:
    found = [d for d in (Card.objects.aggregate(d=Min("issued_on"))["d"],
                         Use.objects.aggregate(d=Min("event_date"))["d"]) if d]
    return min(found).year if found else None


def last_published_year(today: datetime.date) -> int:
    """The last year whose figures are published (the year before, from its publication
    day on: about 1 March)."""
    return today.year - 1 if is_due(Period.year(today.year - 1), today) else today.year - 2


def annual_rows(last_year: int) -> list[dict]:
    """The rows of the published years up to `last_year`."""
    last_year = min(last_year, last_published_year(timezone.localdate()))
    first = first_year()
    if first is None or first > last_year:
        return []
    years = list(range(first, last_year + 1))
    raw = [annual_row(y) for y in years]
    period = Period(datetime.date(first, 1, 1), datetime.date(last_year, 12, 31))
    uses = Use.objects.filter(status=UseStatus.RECORDED)
    cells = []
    for y, row in zip(years, raw, strict=True):
        in_year = Q(event_date__year=y)
        for c in Category.values:
            # children's tickets: their holders are always counted (1 = "some")
            cells.append(((y, c), in_year & Q(category=c), row[f"adults_{c}"],
                          1 if row[f"children_{c}"] else 0))
        cells.append(((y, "total"), in_year, row["total"], 0))
    holders = capped_holders(uses, cells, max_uses_per_card(period))

    def column(key: str) -> list:
        return protect([r[key] for r in raw])[0]

    registered, used = column("registered"), column("used")
    adults = {c: protect([r[f"adults_{c}"] for r in raw],
                         [holders[(y, c)]["h"] for y in years])[0] for c in Category.values}
    children = {c: protect([r[f"children_{c}"] for r in raw],
                           [holders[(y, c)]["hc"] for y in years])[0]
                for c in Category.values}
    out = []
    for i, (y, r) in enumerate(zip(years, raw, strict=True)):
        out.append({
            "year": y,
            "cards_registered": registered[i].shown,
            "cards_used": used[i].shown,
            "adults": {c: adults[c][i].shown for c in Category.values},
            "children": {c: children[c][i].shown for c in Category.values},
            "total_uses": protect_one(r["total"], holders[(y, "total")]["h"]).shown,
            "municipalities": r["municipalities"],
        })
    return out
