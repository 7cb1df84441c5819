"""Published statistics: tables that could be differenced are frozen per fixed period.

The cell key method (`lib/cellkey.py`) makes two *different* tables of the same moment
useless to compare. It cannot hide a change of the data itself: when one card is entered
late for a month that has ended (backfill), a long-expired card is renewed, or a card's
facts are corrected, only that card's cells change, and someone who compares the table
before and after, and knows whose card it was, can see which cell moved.

Statistical offices solve this by *publishing*: a table is made for a fixed period, once,
after the period's late entries are in, and never silently changed afterwards. Here:

- a dataset is published per **calendar month** (and per **calendar year**);
- a month is published when its window for late entries has closed: a use or card may be
  entered up to `BACKFILL_DAYS` (60) days back, so month M is published on M's last day
  + 61 days (a year with its December). Before that, nothing of the month is shown;
- once published, a period is **never recomputed**: a later backfill, renewal, correction
  or `rebuild_stats` changes nothing published. There are no revisions (a revision is
  exactly the before/after pair that gives one holder away); the late change is simply
  not in that month, and a card that is valid later counts in the later months;
- what is shown for a period that spans several months is one published period: the
  whole year when the period is a published calendar year, otherwise the latest published
  month that the period touches. Every two tables a non-national user can produce are then
  two published periods, each frozen, each perturbed by the cell key method.

The machinery is generic (`publish`, `publication_for`, `published_on`): a dataset names
itself and gives a function that counts a period into unsaved rows (with a foreign key to
`Publication`) and headline figures. The holders'
characteristics are the first dataset (`HOLDERS`); the wellbeing answers can be another.
Publication happens in the worker's daily job (`publish_due`), by `manage.py
publish_statistics`, and on first read when a due period is not yet published; all three
go through `publish`, which makes each period exactly once (a unique row decides).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterator

from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q, Sum

from kaikukanta.stats.counting import AGE_BANDS, holder_column, registered, valid_in
from kaikukanta.stats.models import Publication, PublishedHolders
from kaikukanta.stats.scopes import Period

# The publication database: always the primary (the tables are small, and a page that has
# just published a period reads it back at once).
DB = "default"


def _late_entry_days() -> int:
    from kaikukanta.usage.services import BACKFILL_DAYS

    return BACKFILL_DAYS


def delay_days() -> int:
    """How many days after its last day a period is published."""
    return _late_entry_days() + 1


def month_of(day: datetime.date) -> Period:
    start = day.replace(day=1)
    end = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return Period(start, end - datetime.timedelta(days=1))


def published_on(period: Period) -> datetime.date:
    """The day a period's figures are published: the day after its window for late
    entries (`BACKFILL_DAYS` after its last day) has closed."""
    return period.end + datetime.timedelta(days=delay_days())


def is_due(period: Period, today: datetime.date) -> bool:
    return published_on(period) <= today


def months_between(first: datetime.date, last: datetime.date) -> Iterator[Period]:
    month = month_of(first)
    while month.start <= last:
        yield month
        month = month_of(month.end + datetime.timedelta(days=1))


Build = Callable[[Period], tuple[list, dict]]


def publish(dataset: str, period: Period, build: Build,
            today: datetime.date) -> Publication | None:
    """The publication of `dataset` for `period`: the existing one, or (when due) a new one.
    `build(period)` counts the period now and returns its rows (unsaved model instances
    with a `publication` foreign key, all of one model) and its headline figures. Made
    once: concurrent callers get the same row; the loser of the race reads the winner's."""
    found = Publication.objects.using(DB).filter(dataset=dataset, start=period.start,
                                                 end=period.end).first()
    if found is not None or not is_due(period, today):
        return found
    rows, figures = build(period)
    try:
        with transaction.atomic(using=DB):
            pub = Publication.objects.using(DB).create(dataset=dataset, start=period.start,
                                                       end=period.end, figures=figures or {})
            for row in rows:
                row.publication = pub
            if rows:
                type(rows[0]).objects.using(DB).bulk_create(rows, batch_size=2000)
    except IntegrityError:  # published meanwhile by another request or worker
        return Publication.objects.using(DB).get(dataset=dataset, start=period.start,
                                                 end=period.end)
    return pub


def publication_for(dataset: str, period: Period, build: Build,
                    today: datetime.date) -> Publication | None:
    """What is shown for `period`: its calendar year when the period is a whole year that
    is published, otherwise the latest due month the period touches (published now if
    needed). None when no month of the period is published yet."""
    if period.is_year and is_due(period, today):
        return publish(dataset, period, build, today)
    due = [m for m in months_between(period.start, period.end) if is_due(m, today)]
    return publish(dataset, due[-1], build, today) if due else None


def next_publication(period: Period, today: datetime.date) -> datetime.date:
    """When the first month of `period` that is not yet due will be published."""
    for m in months_between(period.start, period.end):
        if not is_due(m, today):
            return published_on(m)
    return published_on(month_of(today))


def protected_count_table(key: str, title: str, label_col: str, labels: list[str],
                          counts: list[int], key_sums: list[int | None], *, exact: bool,
                          note: str = "", chart: bool = False, count_title: str = ""):
    """One table of counts of people (cards) in the way every such table is published:
    each count and the total perturbed by the cell key method from the sum of the record
    keys of the cards in the cell (`lib/cellkey.py`), then the "<5" rule
    (`stats.privacy.protect`). `exact` (the national admin) shows the true counts. Give it
    the counts of a `Publication` (see `publication_for`) and the table cannot be
    differenced over time either."""
    from django.utils.translation import gettext as _

    from kaikukanta.stats.tables import column_table

    column = holder_column(count_title or _("Holders"), counts, key_sums, exact)
    return column_table(key, title, label_col, labels, [column], exact=exact, chart=chart,
                        note=note)


# --- the holders' characteristics ---------------------------------------------------------
HOLDERS = "holders"
NOT_RECORDED = -1


def band_of(birth_year: int | None, year: int) -> int:
    """The first year of the age band (`counting.AGE_BANDS`) at the end of `year`."""
    if not birth_year:
        return NOT_RECORDED
    age = year - birth_year
    return next((lo for lo, hi in AGE_BANDS if lo <= age <= hi), NOT_RECORDED)


def holders_build(period: Period) -> tuple[list[PublishedHolders], dict]:
    """The frozen holder counts of the personal cards valid in the period (live cards and
    retired ones, as `selectors.holder_tables` counts them); for a year also the national
    cards registered and cards used at least once."""
    from kaikukanta.cards.models import Card, CardKind
    from kaikukanta.stats.models import CardsUsedYear, RetiredHolders

    counted = Q(registered(), valid_in(period), kind=CardKind.PERSONAL)
    dims = ("area_id", "unit_id", "unit__organisation_id", "municipality_id")
    facts = ("birth_year", "children", "gender", "life_situation")
    rows = list(Card.objects.using(DB).filter(counted, holder_coarsened_on__isnull=True)
                .values(*dims, *facts).annotate(n=Count("pk"), k=Sum("stats_key")).order_by())
    rows += RetiredHolders.objects.using(DB).filter(counted).values(*dims, *facts).annotate(
        n=Sum("cards"), k=Sum("stats_key")).order_by()
    cells: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        key = (r["area_id"] or 0, r["unit__organisation_id"] or 0, r["unit_id"] or 0,
               r["municipality_id"] or 0, band_of(r["birth_year"], period.end.year),
               min(r["children"] or 0, 4), r["gender"] or "", r["life_situation"] or "")
        cells[key][0] += r["n"] or 0
        cells[key][1] += r["k"] or 0
    out = [
        PublishedHolders(area_id=a, organisation_id=o, unit_id=u, municipality_id=m,
                         age_band=b, children=c, gender=g, life_situation=life, cards=n,
                         stats_key=k)
        for (a, o, u, m, b, c, g, life), (n, k) in cells.items()
    ]
    if not period.is_year:
        return out, {}
    from kaikukanta.cards.models import CardStatus

    n_registered = Card.objects.using(DB).filter(
        status__in=[CardStatus.ACTIVE, CardStatus.INACTIVE],
        issued_on__range=(period.start, period.end)).count()
    used = CardsUsedYear.objects.using(DB).filter(year=period.start.year).aggregate(
        n=Sum("cards"))["n"] or 0
    return out, {"cards_registered": n_registered, "cards_used": used}


def holders_publication(period: Period, today: datetime.date) -> Publication | None:
    return publication_for(HOLDERS, period, holders_build, today)


def holders_year(year: int, today: datetime.date) -> Publication | None:
    """A calendar year's publication (its national headline figures), when due."""
    return publish(HOLDERS, Period.year(year), holders_build, today)


def publish_due(today: datetime.date) -> int:
    """Publish every due month and year since the first card (the worker's daily job).
    Returns how many periods were published now."""
    from kaikukanta.cards.models import Card

    first = Card.objects.using(DB).aggregate(d=Min("issued_on"))["d"]
    if first is None:
        return 0
    done = set(Publication.objects.using(DB).filter(dataset=HOLDERS).values_list(
        "start", "end"))
    made = 0
    periods = list(months_between(first, today))
    periods += [Period.year(y) for y in range(first.year, today.year + 1)]
    for period in periods:
        if (period.start, period.end) in done or not is_due(period, today):
            continue
        publish(HOLDERS, period, holders_build, today)
        made += 1
    return made
