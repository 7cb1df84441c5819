"""Dashboard figures for one target and period, as protected tables.

Sums of uses come from the pre-aggregated rows (`rollup_for`, `site_sums`): by the venue's
area, the card's unit, the site and, for a municipality's residents, by the card's
municipality of residence as it is now (`UseMunicipalityDay`, and per site and offer by
month `UseMunicipalityPlaceMonth` and by day `UseMunicipalityPlaceDay`). Cards used at
least once in whole months come from the month histograms (`used_in_months`), the edge
days of other periods from the card-month rows of their edge months (`used_in`); the
holders behind each use figure, which the privacy rule needs, are counted from the uses,
limited to one target and period (only for figures too small to settle it), but a unit's
and a distributor's, which are the union of their units' first five cards by day and
category (`unitcards`). Card figures (registered, valid, inactivated) and the national
admin's exact holder tables of the whole network and of an area are sums over the card
spans (`stats.cardspan`), never the cards.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kaikukanta.cards.models import (
    Card,
    CardEvent,
    CardEventKind,
    CardKind,
    Gender,
    LifeSituation,
)
from kaikukanta.lib.bulk import rows_where_any
from kaikukanta.lib.cellkey import perturb
from kaikukanta.lib.formatting import day as day_text
from kaikukanta.lib.targets import TargetKind
from kaikukanta.stats import cardspan, publication, unitcards
from kaikukanta.stats.counting import AGE_BANDS, holder_column, valid_in
from kaikukanta.stats.counting import registered as _registered
from kaikukanta.stats.holders import capped_holders, capped_holders_by, capped_total
from kaikukanta.stats.models import (
    CardMonthUse,
    CardSpan,
    CardsUsedYear,
    CardYearUse,
    HolderPlaceSpan,
    HolderSpan,
    MunicipalityPlaceHolders,
    PublishedHolders,
    RetiredHolders,
    UseAreaDay,
    UseCrossDay,
    UsedMonthArea,
    UsedMonthMunicipality,
    UsedMonthUnit,
    UseMunicipalityDay,
    UseMunicipalityPlaceDay,
    UseMunicipalityPlaceMonth,
    UseSiteDay,
    UseSiteMonth,
    UseUnitDay,
    month_number,
)
from kaikukanta.stats.privacy import THRESHOLD, Cell, protect_one
from kaikukanta.stats.scopes import Period, Target, year_earlier
from kaikukanta.stats.tables import Table, column_table
from kaikukanta.usage.models import Category, Use, UseStatus


@dataclass
class Dashboard:
    target: Target
    period: Period
    previous: Period
    exact: bool
    tables: list[Table] = field(default_factory=list)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def valid_on(day: datetime.date) -> Q:
    return Q(issued_on__lte=day, valid_until__gte=day) & (
        Q(inactivated_on__isnull=True) | Q(inactivated_on__gt=day)
    )


def _in(p: Period, field_name: str) -> Q:
    return Q(**{f"{field_name}__gte": p.start, f"{field_name}__lte": p.end})


AREA_KINDS = (TargetKind.NATIONAL, TargetKind.AREA)
UNIT_KINDS = (TargetKind.DISTRIBUTOR, TargetKind.UNIT)
SITE_KINDS = (TargetKind.VENUE, TargetKind.SITE, TargetKind.SELLER)
# the targets whose cards used at least once come from month histograms (`used_in`)
CARD_HISTOGRAM_KINDS = AREA_KINDS + UNIT_KINDS + (TargetKind.MUNICIPALITY,)


def rollup_for(target: Target):
    """The pre-aggregated daily rows of the target (every kind has them; None would mean
    counting from the uses)."""
    from kaikukanta.network.models import Unit

    if target.kind == TargetKind.MUNICIPALITY:
        return UseMunicipalityDay.objects.filter(municipality_id=target.pk)
    if target.kind in AREA_KINDS:
        return UseAreaDay.objects.filter(target.rollup_q())
    if target.kind == TargetKind.UNIT:
        return UseUnitDay.objects.filter(unit_id=target.pk)
    if target.kind == TargetKind.DISTRIBUTOR:
        return UseUnitDay.objects.filter(
            unit_id__in=Unit.objects.filter(organisation=target.obj).values("pk"))
    if target.kind in SITE_KINDS:
        return UseSiteDay.objects.filter(**{f"{target.kind}_id": target.pk})
    return None


def _sum_rows(target: Target, p: Period, group: list[str]) -> list[dict]:
    """Uses (u), children's (c) and companion tickets (k) in the period, grouped by `group`
    (names of the rollup: day, category)."""
    rollup = rollup_for(target)
    if rollup is not None:
        return list(rollup.filter(_in(p, "day")).values(*group).annotate(
            u=Sum("uses"), c=Sum("children"), k=Sum("companions"),
            w=Sum("with_children")).order_by())
    fields = ["event_date" if g == "day" else g for g in group]
    rows = _uses().filter(target.use_q(), _in(p, "event_date")).values(*fields).annotate(
        u=Count("pk"), c=Sum("children"), k=Count("pk", filter=Q(companion=True)),
        w=Count("pk", filter=Q(children__gt=0))).order_by()
    return [{**r, "day": r.get("event_date")} for r in rows]


def _period_sums(target: Target, p: Period, q: Period) -> dict:
    rollup = rollup_for(target)
    if rollup is not None:
        both = Q(day__gte=q.start, day__lte=q.end) | Q(day__gte=p.start, day__lte=p.end)
        return rollup.filter(both).aggregate(
            u_p=Sum("uses", filter=_in(p, "day")), u_q=Sum("uses", filter=_in(q, "day")),
            c_p=Sum("children", filter=_in(p, "day")),
            c_q=Sum("children", filter=_in(q, "day")),
            k_p=Sum("companions", filter=_in(p, "day")),
            k_q=Sum("companions", filter=_in(q, "day")),
            w_p=Sum("with_children", filter=_in(p, "day")),
            w_q=Sum("with_children", filter=_in(q, "day")),
        )
    e_p, e_q = _in(p, "event_date"), _in(q, "event_date")
    return _uses().filter(target.use_q()).filter(e_p | e_q).aggregate(
        u_p=Count("pk", filter=e_p), u_q=Count("pk", filter=e_q),
        c_p=Sum("children", filter=e_p), c_q=Sum("children", filter=e_q),
        k_p=Count("pk", filter=e_p & Q(companion=True)),
        k_q=Count("pk", filter=e_q & Q(companion=True)),
        w_p=Count("pk", filter=e_p & Q(children__gt=0)),
        w_q=Count("pk", filter=e_q & Q(children__gt=0)),
    )


# the most uses one card had in each year, {year: uses}, kept while one dashboard is made
# (`dashboard`): its tables ask for the same years' bound up to four times
_year_tops: ContextVar[dict | None] = ContextVar("year_tops", default=None)


def max_uses_per_card(*periods: Period) -> int:
    """An upper bound of one card's uses in the periods, for the privacy rule: a figure of
    n uses stands for at least n / bound holders. From the yearly card counts: the most
    uses any card had in one of the years, times the years, times two (a card that moved
    to another area in the middle of a year has two yearly rows)."""
    years = sorted({y for per in periods for y in range(per.start.year, per.end.year + 1)})
    tops = _year_tops.get()
    if tops is None:
        tops = {}
    missing = [y for y in years if y not in tops]
    if missing:
        # the most uses of one card per year and card's area is kept with the yearly card
        # counts (`CardsUsedYear.most_uses`): a few rows a year
        tops.update(dict.fromkeys(missing, 0))
        tops.update(CardsUsedYear.objects.filter(year__in=missing).values("year").annotate(
            m=Max("most_uses")).order_by().values_list("year", "m"))
    return max(1, max(tops[y] for y in years) * len(years) * 2)


def _uses() -> object:
    return Use.objects.filter(status=UseStatus.RECORDED)


def population(target: Target) -> int:
    from kaikukanta.geo.models import Municipality

    if target.kind == TargetKind.AREA:
        qs = target.obj.municipalities.all()
    elif target.kind == TargetKind.MUNICIPALITY:
        return target.obj.population
    else:
        qs = Municipality.objects.filter(areas__status__in=["trial", "permanent"]).distinct()
    return qs.aggregate(n=Sum("population"))["n"] or 0


def _pct(part: Cell, whole: Cell) -> Cell:
    if not (part.visible and whole.visible) or not whole.value:
        return Cell(0, "hidden") if not (part.visible and whole.visible) else Cell(0)
    return Cell(round(100 * part.value / whole.value, 1), decimals=1)


def _per_1000(value: Cell, pop: int) -> Cell:
    if not value.visible or not pop:
        return Cell(0, value.state if not value.visible else "ok")
    return Cell(round(1000 * value.value / pop, 2), decimals=2)


def _unit_ids(target: Target) -> list[int]:
    """The distributor units of a unit's or a distributor's dashboard."""
    from kaikukanta.network.models import Unit

    if target.kind == TargetKind.UNIT:
        return [target.pk]
    return list(Unit.objects.filter(organisation=target.obj).values_list("pk", flat=True))


def _card_years(target: Target):
    """The yearly card rows of a unit's, organisation's or area's cards."""
    from kaikukanta.network.models import Unit

    if target.kind == TargetKind.UNIT:
        return CardYearUse.objects.filter(unit_id=target.pk)
    if target.kind == TargetKind.DISTRIBUTOR:
        return CardYearUse.objects.filter(
            unit_id__in=list(Unit.objects.filter(organisation=target.obj).values_list(
                "pk", flat=True)))
    return CardYearUse.objects.filter(card_area_id=target.pk)


def month_span(p: Period) -> tuple[int, int] | None:
    """The period's first and last month (`month_number`) when it is whole months."""
    if p.start.day != 1 or (p.end + datetime.timedelta(days=1)).day != 1:
        return None
    return month_number(p.start), month_number(p.end)


def used_in_months(target: Target, p: Period, unit_ids=None,
                   before: int | None = None) -> list[dict] | None:
    """Cards used at least once in a period of whole months, from the month histograms
    (`UsedMonthArea`, `UsedMonthUnit`, `UsedMonthMunicipality`), with the sum of their
    record keys: [{"n", "k"}], or per unit [{"unit_id", "n", "k"}] with `unit_ids`. None
    for other periods and targets. A card whose uses were recorded under two card's areas
    (it moved to another area) counts in each, as in the yearly counts. With `before` (a
    month number), only the cards not used from that month up to the period's start
    (`used_in`: a partial month before the whole ones counts its own cards)."""
    from kaikukanta.network.models import Unit

    span = month_span(p)
    if span is None or (unit_ids is None and target.kind not in CARD_HISTOGRAM_KINDS):
        return None
    first, last = span
    group: list[str] = []
    if unit_ids is not None:
        rows, group = UsedMonthUnit.objects.filter(unit_id__in=list(unit_ids)), ["unit_id"]
    elif target.kind == TargetKind.NATIONAL:
        rows = UsedMonthArea.objects.all()
    elif target.kind == TargetKind.AREA:
        rows = UsedMonthArea.objects.filter(card_area_id=target.pk)
    elif target.kind == TargetKind.UNIT:
        rows = UsedMonthUnit.objects.filter(unit_id=target.pk)
    elif target.kind == TargetKind.MUNICIPALITY:
        rows = UsedMonthMunicipality.objects.filter(municipality_id=target.pk)
    else:
        rows = UsedMonthUnit.objects.filter(
            unit_id__in=Unit.objects.filter(organisation=target.obj).values("pk"))
    rows = rows.filter(month__gte=first, month__lte=last,
                       prev__lt=first if before is None else before)
    if not group:
        return [rows.aggregate(n=Sum("cards"), k=Sum("key_sum"))]
    return list(rows.values(*group).annotate(n=Sum("cards"), k=Sum("key_sum")).order_by())


def month_parts(p: Period) -> tuple[Period | None, list[Period]]:
    """The whole months inside the period (as one period, or None) and the days outside
    them: at most two edges, the head before the first whole month and the tail after the
    last (the whole period when it has no whole month)."""
    first = p.start if p.start.day == 1 else (
        p.start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    after = p.end + datetime.timedelta(days=1)
    stop = after.replace(day=1)  # the first day after the last whole month
    if first >= stop:
        return None, [p]
    edges = []
    if p.start < first:
        edges.append(Period(p.start, first - datetime.timedelta(days=1)))
    if stop <= p.end:
        edges.append(Period(stop, p.end))
    return Period(first, stop - datetime.timedelta(days=1)), edges


def _month_rows(target: Target, unit_ids=None):
    """The card-month rows (`CardMonthUse`) that the month histograms of `used_in_months`
    count for the target: by the card's area (national, area), the card's unit or the
    card's municipality."""
    from kaikukanta.network.models import Area, Unit

    rows = CardMonthUse.objects.all()
    if unit_ids is not None:
        return rows.filter(unit_id__in=list(unit_ids))
    if target.kind == TargetKind.AREA:
        return rows.filter(card_area_id=target.pk)
    if target.kind == TargetKind.MUNICIPALITY:
        # every card's area by name (and none): one range of the (month, card's area,
        # municipality) index per area, read from the index alone, instead of all the
        # month's rows
        areas = [0, *Area.objects.order_by("pk").values_list("pk", flat=True)]
        return rows.filter(card_area_id__in=areas, municipality_id=target.pk)
    if target.kind == TargetKind.UNIT:
        return rows.filter(unit_id=target.pk)
    if target.kind == TargetKind.DISTRIBUTOR:
        return rows.filter(unit_id__in=list(Unit.objects.filter(
            organisation=target.obj).values_list("pk", flat=True)))
    return rows


def _edge_rows(target: Target, p: Period, months: Period | None, unit_ids=None) -> list[dict]:
    """Cards used in the period's partial first and last month and not counted by the month
    histograms of the whole months between (`months`), with their key sum: [{"n", "k"}],
    or per unit with `unit_ids`. Counted from the two edge months' card-month rows and their
    days (`CardMonthUse.first_day` …), each (card, card's area) once where its first use in
    the period lies:

    - the first month (the period starts on day s inside it): a row whose last day is s
      or later, or whose next month used is one of the whole months (used in the first
      month before s only, then in the whole months: the histograms count it from its
      previous month, which is not before the whole months);
    - the last month (ends on day e inside it): a row whose first day is e or earlier and
      whose last use before the month lies before s (the card was not used in the period
      before this month).

    A period inside one month is not for this (`_days_cards`)."""
    head = p.start if p.start.day != 1 else None
    tail = p.end if (p.end + datetime.timedelta(days=1)).day != 1 else None
    wanted = []
    if head is not None:
        in_head = Q(last_day__gte=head)
        if months is not None:
            in_head |= Q(next_month__gte=month_number(months.start),
                         next_month__lte=month_number(months.end))
        wanted.append(Q(in_head, month=month_number(head)))
    if tail is not None:
        wanted.append(Q(Q(prev_day__isnull=True) | Q(prev_day__lt=p.start),
                        month=month_number(tail), first_day__lte=tail))
    # one statement per month: each a range of one covering index, read from the index
    # alone (both months in one statement made PostgreSQL read the table's pages)
    out = []
    for q in wanted:
        rows = _month_rows(target, unit_ids).filter(q)
        if unit_ids is None:
            out.append(rows.aggregate(n=Count("*"), k=Sum("stats_key")))
        else:
            out += rows.values("unit_id").annotate(n=Count("*"), k=Sum("stats_key")).order_by()
    return out


def _days_cards(target: Target, p: Period, unit_ids=None) -> list[dict]:
    """Cards used in a period inside one month (neither its first nor its last day), with
    their key sum: [{"n", "k"}], or per the card's unit with `unit_ids`; each card once
    per card's area of its uses, as in the month histograms. Counted from the month's
    card-month rows (`CardMonthUse`), which know each card's first and last day of use in
    the month and its uses there: a row whose first or last day lies in the period was
    certainly used in it, one whose days both lie before or both after it was not. Only a
    row used before and after the period and at least three times can have a use between
    (with two, they are its first and last day): those alone are looked up in the uses of
    the period's days, one probe of the card's date index each."""
    rows = _month_rows(target, unit_ids).filter(month=month_number(p.start))
    inside = (Q(first_day__gte=p.start, first_day__lte=p.end)
              | Q(last_day__gte=p.start, last_day__lte=p.end))
    between = _uses().filter(card_id=OuterRef("card_id"), event_date__gte=p.start,
                             event_date__lte=p.end).annotate(
        area_or_0=Coalesce("card_area_id", 0)).filter(area_or_0=OuterRef("card_area_id"))
    around = Q(first_day__lt=p.start, last_day__gt=p.end, uses__gt=2) & Q(Exists(between))
    # one statement, read from the month's covering index alone but for the probes
    rows = rows.filter(inside | around)
    if unit_ids is None:
        return [rows.aggregate(n=Count("*"), k=Sum("stats_key"))]
    return list(rows.values("unit_id").annotate(n=Count("*"), k=Sum("stats_key")).order_by())


def used_in(target: Target, p: Period, unit_ids=None) -> list[dict] | None:
    """Cards used at least once in any period, with their key sum, like `used_in_months`
    ([{"n", "k"}], or per unit with `unit_ids`); None for targets without month
    histograms (venues, sites, sellers). The whole months inside the period come from the
    histograms, the partial months at its edges from their card-month rows
    (`_edge_rows`); neither reads a use. A period inside one month (neither its first nor
    its last day) from that month's card-month rows (`_days_cards`). A municipality's
    residents are counted the same way: the card-month rows keep the card's municipality
    (`_month_rows`)."""
    if unit_ids is None and target.kind not in CARD_HISTOGRAM_KINDS:
        return None
    months, edges = month_parts(p)
    if months is None and month_number(p.start) == month_number(p.end) and p.start.day != 1 \
            and (p.end + datetime.timedelta(days=1)).day != 1:
        parts = [_days_cards(target, p, unit_ids)]
    else:
        parts = [used_in_months(target, months, unit_ids, before=month_number(p.start))
                 ] if months is not None else []
        if edges:
            parts.append(_edge_rows(target, p, months, unit_ids))
    sums: dict = {}
    for part in parts:
        for r in part:
            acc = sums.setdefault(r.get("unit_id"), {"n": 0, "k": 0})
            acc["n"] += r["n"] or 0
            acc["k"] += r["k"] or 0
    if unit_ids is None:
        return [sums.get(None, {"n": 0, "k": 0})]
    return [{"unit_id": u, **v} for u, v in sums.items()]


def cards_used(target: Target, p: Period, q: Period, exact: bool = True) -> dict:
    """Cards of the target used at least once in each period, from the month histograms
    and the uses of the days outside whole months (`used_in`); every target with cards
    has histograms. Unless exact, the counts are published ones (perturbed by the cards'
    record keys)."""
    got = used_in(target, p), used_in(target, q)
    return {w: holder_count(g[0]["n"], g[0]["k"], exact)
            for w, g in zip(("p", "q"), got, strict=True)}


CARD_FIGURES = ("reg_p", "reg_q", "in_p", "in_q", "ina_p", "ina_q", "on_p", "on_q")


def holder_count(n: int | None, key_sum: int | None, exact: bool) -> int:
    """A count of holders (cards) as published: exact for the national admin, perturbed by
    the cell key method (`lib/cellkey.py`) for everyone else."""
    return int(n or 0) if exact else perturb(n or 0, key_sum)


def _cards_of(ids) -> dict:
    """How many cards and the sum of their record keys."""
    return Card.objects.filter(pk__in=ids).aggregate(n=Count("pk"), k=Sum("stats_key"))


def last_days(p: Period, q: Period) -> tuple[datetime.date, datetime.date]:
    """"Active on a date": the period's last day, or today for a period still running."""
    last_p = min(p.end, timezone.localdate())
    return last_p, min(q.end, year_earlier(last_p))


def _spans_of(target: Target) -> tuple[dict, str]:
    """Which card span rows (`stats.cardspan`) are the target's, and the column they are
    grouped by."""
    from kaikukanta.network.models import Unit

    if target.kind == TargetKind.NATIONAL:
        return {"municipality_id": cardspan.PER_AREA}, "area_id"
    if target.kind == TargetKind.AREA:
        return {"municipality_id": "", "area_id": target.pk}, "unit_id"
    if target.kind == TargetKind.UNIT:
        return {"municipality_id": "", "unit_id": target.pk}, "unit_id"
    if target.kind == TargetKind.DISTRIBUTOR:
        return {"municipality_id": "", "unit_id": list(Unit.objects.filter(
            organisation=target.obj).values_list("pk", flat=True))}, "unit_id"
    # a municipality's residents: one row per day, not per unit (its dashboard has no
    # table of units)
    return {"municipality_id": target.pk}, "unit_id"


def card_counts(target: Target, p: Period, q: Period) -> list[dict]:
    """Cards registered, valid and inactivated in both periods, per area (national) or per
    unit (the others; a municipality's in one row), each with the sum of its cards' record
    keys (`k_…`). Read from the card spans (`stats.cardspan`): sums through the periods'
    edges of the cards started, ended and inactivated, never the cards."""
    rows, group = _spans_of(target)
    last_p, last_q = last_days(p, q)
    wanted = {}
    for w, per, last in (("p", p, last_p), ("q", q, last_q)):
        before = per.start - datetime.timedelta(days=1)
        wanted |= {f"s_{w}": ("starts", per.end), f"s0_{w}": ("starts", before),
                   f"e_{w}": ("ends_in", before), f"i_{w}": ("inactivated", per.end),
                   f"i0_{w}": ("inactivated", before), f"sl_{w}": ("starts", last),
                   f"el_{w}": ("ends_on", last - datetime.timedelta(days=1))}
    out = []
    for r in cardspan.sums_through(CardSpan, rows, [group], wanted):
        row = {group: r[group] or None}
        for w in ("p", "q"):
            for figure, plus, minus in (("reg", "s", "s0"), ("in", "s", "e"), ("ina", "i", "i0"),
                                        ("on", "sl", "el")):
                row[f"{figure}_{w}"] = r[f"{plus}_{w}"] - r[f"{minus}_{w}"]
                row[f"k_{figure}_{w}"] = r[f"{plus}_{w}_k"] - r[f"{minus}_{w}_k"]
        if any(row[k] for k in CARD_FIELDS_ALL):
            out.append(row)
    return out


CARD_FIELDS_ALL = CARD_FIGURES + tuple(f"k_{k}" for k in CARD_FIGURES)


def card_counts_scan(target: Target, p: Period, q: Period) -> list[dict]:
    """`card_counts` counted from the cards themselves (one pass over the target's cards):
    the definition the card spans must equal (tests), and the way to check them."""
    group = "area_id" if target.kind == TargetKind.NATIONAL else "unit_id"
    last_p, last_q = last_days(p, q)
    # only cards that can count in either period (registered ones are valid until at least
    # their issue day; an inactivated one until its inactivation)
    relevant = Q(issued_on__lte=p.end) & (Q(valid_until__gte=q.start)
                                          | Q(inactivated_on__gte=q.start))
    figures = {
        "reg_p": _in(p, "issued_on"), "reg_q": _in(q, "issued_on"),
        "in_p": valid_in(p), "in_q": valid_in(q),
        "ina_p": _in(p, "inactivated_on"), "ina_q": _in(q, "inactivated_on"),
        "on_p": valid_on(last_p), "on_q": valid_on(last_q),
    }
    # each count with the sum of its cards' record keys (the cell key method's input)
    measures = {k: Count("pk", filter=f) for k, f in figures.items()}
    measures |= {f"k_{k}": Sum("stats_key", filter=f) for k, f in figures.items()}
    return list(Card.objects.filter(_registered(), target.card_q(), relevant).values(
        group).annotate(**measures).order_by())


def municipality_renewals(target: Target, p: Period, q: Period) -> dict:
    """A municipality's residents' cards renewed in each period, with their record keys'
    sums: {"p", "q", "kp", "kq"}, as the renewal events joined to their cards give them.
    Read from the periods' renewal events (the index on kind and date), each card looked up
    by its key: a join chose to read all the municipality's cards instead (110,000 for
    Porvoo at 1,000,000 cards: 245 ms warm, 2.4 s cold, against 47-69 ms for 9,753
    events)."""
    events, cards = CardEvent._meta.db_table, Card._meta.db_table
    on = connection.ops.quote_name("on")

    def within(per: Period) -> str:
        return f"t.{on} >= %s AND t.{on} <= %s"

    sql = (f"SELECT SUM(CASE WHEN {within(p)} THEN 1 ELSE 0 END), "  # noqa: S608
           f"SUM(CASE WHEN {within(q)} THEN 1 ELSE 0 END), "
           f"SUM(CASE WHEN {within(p)} THEN t.sk ELSE 0 END), "
           f"SUM(CASE WHEN {within(q)} THEN t.sk ELSE 0 END) FROM (SELECT e.{on}, "
           f"(SELECT COALESCE(c.stats_key, 0) FROM {cards} c WHERE c.id = e.card_id "
           f"AND c.municipality_id = %s) AS sk FROM {events} e WHERE e.kind = %s "
           f"AND ((e.{on} >= %s AND e.{on} <= %s) OR (e.{on} >= %s AND e.{on} <= %s))) t "
           "WHERE t.sk IS NOT NULL")
    with connection.cursor() as cur:
        cur.execute(sql, [p.start, p.end, q.start, q.end, p.start, p.end, q.start, q.end,
                          target.pk, CardEventKind.RENEWED.value, p.start, p.end, q.start,
                          q.end])
        n_p, n_q, k_p, k_q = cur.fetchone()
    return {"p": n_p or 0, "q": n_q or 0, "kp": k_p or 0, "kq": k_q or 0}


def summary_table(target: Target, p: Period, q: Period, exact: bool,
                  counts: list[dict] | None = None) -> Table:
    rows: list[tuple[str, list[Cell]]] = []

    def one(v, h=None):
        return protect_one(v or 0, h, exact=exact)

    if target.has_cards:
        last_p, _last_q = last_days(p, q)
        rows_by = card_counts(target, p, q) if counts is None else counts
        agg = {k: sum(r[k] or 0 for r in rows_by) for k in CARD_FIGURES}
        for k in CARD_FIGURES:  # the published counts (perturbed unless exact)
            agg[k] = holder_count(agg[k], sum(r[f"k_{k}"] or 0 for r in rows_by), exact)
        # renewals by the renewing unit (its area or organisation), read from the events
        renew_q = {
            TargetKind.NATIONAL: Q(),
                                   TargetKind.AREA: Q(unit__organisation__home_area_id=target.pk),
            TargetKind.DISTRIBUTOR: Q(unit__organisation_id=target.pk),
                                      TargetKind.UNIT: Q(unit_id=target.pk),
        }.get(target.kind, target.card_q("card__"))
        # only the two periods' events (the index on kind and date); the cards' record
        # keys only when the counts are perturbed
        measures = {"p": Count("pk", filter=_in(p, "on")), "q": Count("pk", filter=_in(q, "on"))}
        if not exact:
            measures |= {"kp": Sum("card__stats_key", filter=_in(p, "on")),
                         "kq": Sum("card__stats_key", filter=_in(q, "on"))}
        if target.kind == TargetKind.MUNICIPALITY:
            ren = municipality_renewals(target, p, q)
        else:
            ren = CardEvent.objects.filter(kind=CardEventKind.RENEWED).filter(
                _in(p, "on") | _in(q, "on")).filter(renew_q).aggregate(**measures)
        ren = {w: holder_count(ren[w], ren.get(f"k{w}"), exact) for w in ("p", "q")}
        used = cards_used(target, p, q, exact)
        in_p, in_q = one(agg["in_p"]), one(agg["in_q"])
        used_p, used_q = one(used["p"]), one(used["q"])
        rows += [
            (_("Cards registered in the period"), [one(agg["reg_p"]), one(agg["reg_q"])]),
            (_("Cards valid on %(day)s") % {"day": day_text(last_p)},
             [one(agg["on_p"]), one(agg["on_q"])]),
            (_("Cards valid during the period"), [in_p, in_q]),
            (_("Cards renewed"), [one(ren["p"]), one(ren["q"])]),
            (_("Cards inactivated"), [one(agg["ina_p"]), one(agg["ina_q"])]),
            (_("Cards used at least once"), [used_p, used_q]),
            (_("Share of valid cards used (%)"), [_pct(used_p, in_p), _pct(used_q, in_q)]),
        ]
    sums = _period_sums(target, p, q)
    h = dict.fromkeys(("p", "q", "cp", "cq", "kp", "kq"))
    if not exact and target.kind in UNIT_KINDS:  # from the units' first cards by day
        def within(per: Period):
            return lambda day, _category: per.start <= day <= per.end

        got = unitcards.cells_capped(_unit_ids(target), [(p.start, p.end), (q.start, q.end)], [
            ("p", within(p), False), ("q", within(q), False),
            ("kp", within(p), True), ("kq", within(q), True)])
        h = {"p": got["p"]["h"], "q": got["q"]["h"], "cp": got["p"]["hc"],
             "cq": got["q"]["hc"], "kp": got["kp"]["h"], "kq": got["kq"]["h"]}
    elif not exact:  # the holders behind each figure, up to five (the privacy rule's need)
        e_p, e_q = _in(p, "event_date"), _in(q, "event_date")
        # the two periods' uses, read once when two cells or more are counted
        got = capped_holders(_uses().filter(target.use_q(), e_p | e_q), [
            ("p", e_p, sums["u_p"] or 0, sums["w_p"] or 0),
            ("q", e_q, sums["u_q"] or 0, sums["w_q"] or 0),
            ("kp", e_p & Q(companion=True), sums["k_p"] or 0, 0),
            ("kq", e_q & Q(companion=True), sums["k_q"] or 0, 0),
        ], bound=max_uses_per_card(p, q), read_once=None)
        h = {"p": got["p"]["h"], "q": got["q"]["h"], "cp": got["p"]["hc"],
             "cq": got["q"]["hc"], "kp": got["kp"]["h"], "kq": got["kq"]["h"]}
    uses_p, uses_q = one(sums["u_p"], h["p"]), one(sums["u_q"], h["q"])
    if not target.has_cards:
        # a venue's, site's or seller's own figure: the different cards used there
        if exact:
            n = _uses().filter(target.use_q()).filter(
                Q(event_date__gte=q.start, event_date__lte=q.end)
                | Q(event_date__gte=p.start, event_date__lte=p.end)
            ).aggregate(p=Count("card_id", distinct=True, filter=_in(p, "event_date")),
                        q=Count("card_id", distinct=True, filter=_in(q, "event_date")))
        else:  # a count of holders: perturbed like the others
            n = {}
            for w, per in (("p", p), ("q", q)):
                got = _cards_of(_uses().filter(target.use_q(), _in(per, "event_date"))
                                .values("card_id"))
                n[w] = perturb(got["n"], got["k"])
        rows.append((_("Different cards used here"), [one(n["p"]), one(n["q"])]))
    rows += [
        (_("Uses (holders' tickets)"), [uses_p, uses_q]),
        (_("Children's tickets"), [one(sums["c_p"], h["cp"]), one(sums["c_q"], h["cq"])]),
        (_("Companion tickets"), [one(sums["k_p"], h["kp"]), one(sums["k_q"], h["kq"])]),
    ]
    if target.has_population:
        pop = population(target)
        rows.append((_("Residents"), [Cell(pop), Cell(pop)]))
        rows.append((_("Valid cards per 1,000 residents"),
                     [_per_1000(in_p, pop), _per_1000(in_q, pop)]))
        rows.append((_("Uses per 1,000 residents"),
                     [_per_1000(uses_p, pop), _per_1000(uses_q, pop)]))
    return Table(key="summary", title=_("Summary"),
                 columns=[_("Figure"), str(p), str(q)], rows=rows)


def use_tables(target: Target, p: Period, exact: bool) -> list[Table]:
    """Uses and children's tickets by category, month and weekday."""
    by_cat: dict = defaultdict(lambda: [0, 0, 0])  # uses, children's tickets, uses with them
    by_month: dict = defaultdict(lambda: [0, 0, 0])
    by_wd: dict = defaultdict(lambda: [0, 0, 0])
    for r in _sum_rows(target, p, ["day", "category"]):
        for d, k in ((by_cat, r["category"]), (by_month, r["day"].replace(day=1)),
                     (by_wd, r["day"].isoweekday())):
            d[k][0] += r["u"] or 0
            d[k][1] += r["c"] or 0
            d[k][2] += r["w"] or 0
    cats = [c for c, _label in Category.choices]
    months = []
    m = p.start.replace(day=1)
    while m <= p.end:
        months.append(m)
        m = (m + datetime.timedelta(days=32)).replace(day=1)
    hold: dict = {"cat": {}, "month": {}, "wd": {}}
    th = thc = None
    if not exact and target.kind in UNIT_KINDS:  # from the units' first cards by day
        got = unitcards.cells_capped(_unit_ids(target), [(p.start, p.end)], [
            *[(("cat", c), lambda _d, cat, c=c: cat == c, False) for c in cats],
            *[(("month", m), lambda d, _c, m=m: (d.year, d.month) == (m.year, m.month), False)
              for m in months],
            *[(("wd", w), lambda d, _c, w=w: d.isoweekday() == w, False) for w in range(1, 8)],
            (("total", None), lambda _d, _c: True, False)])
        for (group, k), v in got.items():
            if group == "total":
                th, thc = v["h"], v["hc"]
            else:
                hold[group][k] = v
    elif not exact:
        def month_q(m: datetime.date) -> Q:
            last = (m + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
            return Q(event_date__gte=max(m, p.start), event_date__lte=min(last, p.end))

        total_u = sum(v[0] for v in by_cat.values())
        total_w = sum(v[2] for v in by_cat.values())
        cells = [(("cat", c), Q(category=c), by_cat[c][0], by_cat[c][2]) for c in cats]
        cells += [(("month", m), month_q(m), by_month[m][0], by_month[m][2]) for m in months]
        cells += [(("wd", w), Q(event_date__iso_week_day=w), by_wd[w][0], by_wd[w][2])
                  for w in range(1, 8)]
        cells.append((("total", None), Q(), total_u, total_w))
        got = capped_holders(_uses().filter(target.use_q(), _in(p, "event_date")), cells,
                             bound=max_uses_per_card(p), read_once=None)
        for (group, k), v in got.items():
            if group == "total":
                th, thc = v["h"], v["hc"]
            else:
                hold[group][k] = v

    def build(key, title, label_col, keys, labels, data, holders, chart=True):
        hs = [holders.get(k, {}).get("h", 0) for k in keys] if not exact else None
        hcs = [holders.get(k, {}).get("hc", 0) for k in keys] if not exact else None
        return column_table(key, title, label_col, labels, [
            (_("Uses"), [data[k][0] for k in keys], hs, th),
            (_("Children's tickets"), [data[k][1] for k in keys], hcs, thc),
        ], exact=exact, chart=chart)

    return [
        build("category", _("Uses by category"), _("Category"), cats,
              [Category(c).label for c in cats], by_cat, hold["cat"]),
        build("month", _("Uses by month"), _("Month"), months,
              [formats.date_format(m, "YEAR_MONTH_FORMAT") for m in months], by_month,
              hold["month"]),
        build("weekday", _("Uses by weekday"), _("Weekday"), list(range(1, 8)),
              [WEEKDAYS[i - 1] for i in range(1, 8)], by_wd, hold["wd"]),
    ]


def units_table(target: Target, p: Period, exact: bool,
                counts: list[dict] | None = None) -> Table:
    """Per distributor unit: cards issued in the period, valid, and used at least once."""
    from kaikukanta.network.models import OrganisationKind, Unit

    units = Unit.objects.select_related("organisation").filter(
        organisation__kind=OrganisationKind.DISTRIBUTOR)
    if target.kind == TargetKind.AREA:
        units = units.filter(organisation__home_area=target.obj)
    elif target.kind == TargetKind.DISTRIBUTOR:
        units = units.filter(organisation=target.obj)
    else:
        units = units.filter(pk=target.pk)
    units = list(units)
    if counts is None:
        counts = card_counts(target, p, p.previous())
    cards = {r["unit_id"]: r for r in counts}
    by_unit = used_in(target, p, unit_ids=[u.pk for u in units])
    used = {r["unit_id"]: r["n"] for r in by_unit}
    used_keys = {r["unit_id"]: r["k"] for r in by_unit}
    ids = [u.pk for u in units]

    def col(title, figure):
        return holder_column(title, [cards.get(i, {}).get(figure) or 0 for i in ids],
                             [cards.get(i, {}).get(f"k_{figure}") for i in ids], exact)

    return column_table("units", _("Cards by distributor unit"), _("Distributor unit"),
                        [str(u) for u in units], [
                            col(_("Cards issued in the period"), "reg_p"),
                            col(_("Cards valid during the period"), "in_p"),
                            holder_column(_("Cards used at least once"),
                                          [used.get(i, 0) for i in ids],
                                          [used_keys.get(i) for i in ids], exact),
                        ], exact=exact)


def site_sums(where: dict, p: Period, group: tuple[str, ...]) -> list[dict]:
    """Uses (u), children's tickets (c) and uses with them (w) of the site rollups matching
    `where` in the period, grouped by `group`, in its order: the whole months inside the
    period from the monthly rows (`UseSiteMonth`), the days outside them from the daily
    rows (`UseSiteDay`)."""
    months, edges = month_parts(p)
    measures = {"u": Sum("uses"), "c": Sum("children"), "w": Sum("with_children")}
    parts = []
    if months is not None:
        parts.append(UseSiteMonth.objects.filter(
            **where, month__gte=month_number(months.start),
            month__lte=month_number(months.end)))
    # one statement per edge, each one range of the target's (…, day) index (an area's is
    # covering: read from the index alone); both edges in one OR made a bitmap scan that
    # read a table page per row
    parts += [UseSiteDay.objects.filter(_in(e, "day"), **where) for e in edges]
    sums: dict = {}
    for part in parts:
        for r in part.values(*group).annotate(**measures).order_by():
            acc = sums.setdefault(tuple(r[g] for g in group), dict.fromkeys(measures, 0))
            for m in measures:
                acc[m] += r[m] or 0
    return [{**dict(zip(group, k, strict=True)), **v} for k, v in sorted(sums.items())]


def municipality_place_sums(target: Target, p: Period) -> list[dict]:
    """A municipality's residents' uses (u), children's tickets (c) and uses with them (w)
    per site and offer (0 = admission) in the period: the whole months inside it from the
    monthly rows (`UseMunicipalityPlaceMonth`), the days outside them (at most two partial
    months) from the daily rows (`UseMunicipalityPlaceDay`)."""
    months, edges = month_parts(p)
    sums: dict = {}

    def add(site, offer, u, c, w):
        acc = sums.setdefault((site, offer or 0), [0, 0, 0])
        acc[0] += u or 0
        acc[1] += c or 0
        acc[2] += w or 0

    if months is not None:
        for r in UseMunicipalityPlaceMonth.objects.filter(
                municipality_id=target.pk, month__gte=month_number(months.start),
                month__lte=month_number(months.end)).values("site_id", "offer_id").annotate(
                u=Sum("uses"), c=Sum("children"), w=Sum("with_children")).order_by():
            add(r["site_id"], r["offer_id"], r["u"], r["c"], r["w"])
    # one statement per edge, each one range of the daily rows' key (municipality, day)
    for e in edges:
        for r in UseMunicipalityPlaceDay.objects.filter(
                _in(e, "day"), municipality_id=target.pk).values(
                "site_id", "offer_id").annotate(
                u=Sum("uses"), c=Sum("children"), w=Sum("with_children")).order_by():
            add(r["site_id"], r["offer_id"], r["u"], r["c"], r["w"])
    return [{"site_id": site, "offer_id": offer, "u": u, "c": c, "w": w}
            for (site, offer), (u, c, w) in sorted(sums.items())]


def municipality_place_holders(target: Target, p: Period, rows: list[dict]) -> dict:
    """The holders (up to five) behind a municipality's places table's cells that its
    yearly holder counts (`MunicipalityPlaceHolders`) settle: {(site, offer): {"h": …,
    "hc": …}} with the measures settled (the others are counted from the uses). For the
    calendar year they are the counts themselves. For a period inside one year a cell has
    at least its uses in the period less its year's repeated uses (the year's uses less its
    cards: a card's second and later uses), and at least one holder; at most its uses and
    its year's holders. It is settled when the least is 5 or more, or when the least and
    the most are equal (a cell without repeated uses in the year, or with one holder in
    it: most of a municipality's small cells). `rows`: the table's cells with the period's
    uses (u) and uses with children's tickets (w)."""
    if p.start.year != p.end.year or not rows:
        return {}
    year = p.start.year
    counts = {(r["site_id"], r["offer_id"]): (r["holders"], r["holders_children"])
              for r in MunicipalityPlaceHolders.objects.filter(
                  year=year, municipality_id=target.pk).values(
                  "site_id", "offer_id", "holders", "holders_children")}
    whole = p.start == datetime.date(year, 1, 1) and p.end == datetime.date(year, 12, 31)
    if whole:
        year_uses = {(r["site_id"], r["offer_id"]): (r["u"], r["w"]) for r in rows}
    else:
        year_uses = {(r["site_id"], r["offer_id"]): (r["u"] or 0, r["w"] or 0)
                     for r in UseMunicipalityPlaceMonth.objects.filter(
                         municipality_id=target.pk,
                         month__gte=month_number(datetime.date(year, 1, 1)),
                         month__lte=month_number(datetime.date(year, 12, 1))).values(
                         "site_id", "offer_id").annotate(
                         u=Sum("uses"), w=Sum("with_children")).order_by()}
    out: dict = {}
    for r in rows:
        key = (r["site_id"], r["offer_id"])
        h, hc = counts.get(key, (0, 0))
        u_year, w_year = year_uses.get(key, (0, 0))
        got = {}
        for measure, n, cards, n_year in (("h", r["u"], h, u_year),
                                          ("hc", r["w"], hc, w_year)):
            if whole:
                got[measure] = min(cards, THRESHOLD) if n else 0
                continue
            if not n:
                continue
            least, most = max(n - (n_year - cards), 1), min(n, cards)
            if least >= THRESHOLD:
                got[measure] = THRESHOLD
            elif least == most:
                got[measure] = least
        if got:
            out[key] = got
    return out


def places_table(target: Target, p: Period, exact: bool) -> Table:
    """Per venue site and offer: uses and children's tickets."""
    from kaikukanta.network.models import Organisation, Unit, unit_label
    from kaikukanta.usage.models import Offer, title_in_language

    if target.kind in SITE_KINDS or target.kind == TargetKind.AREA:
        rows = site_sums({f"{target.kind}_id": target.pk}, p, ("site_id", "offer_id"))
    else:
        rows = municipality_place_sums(target, p)
    for r in rows:
        r["offer_id"] = r["offer_id"] or 0
    keys = [(r["site_id"], r["offer_id"]) for r in rows]
    hold: dict = {}
    th = thc = None
    if not exact:
        uses = _uses().filter(target.use_q(), _in(p, "event_date"))
        bound = max_uses_per_card(p)
        settled = (municipality_place_holders(target, p, rows)
                   if target.kind == TargetKind.MUNICIPALITY else {})
        hold = capped_holders_by(
            uses, ("site_id", "offer_id"),
            [((r["site_id"], r["offer_id"]), (r["site_id"], r["offer_id"] or None),
              0 if "h" in settled.get((r["site_id"], r["offer_id"]), {}) else r["u"],
              0 if "hc" in settled.get((r["site_id"], r["offer_id"]), {}) else r["w"])
             for r in rows], bound)
        for key, got in settled.items():
            hold[key].update(got)
        total = capped_total(uses, hold, sum(r["u"] for r in rows),
                             sum(r["w"] for r in rows), bound)
        th, thc = total["h"], total["hc"]
    # the labels from values, not model objects (a municipality's table has a thousand
    # rows), the ids as one array (PostgreSQL): a thousand of them as IN-list parameters
    # cost the worker about 7 ms of quoting and parsing
    units, organisations = Unit._meta.db_table, Organisation._meta.db_table
    lang = get_language()
    with connection.cursor() as cur:
        sites = {pk: unit_label(name, organisation) for pk, name, organisation in
                 rows_where_any(cur, f"SELECT u.id, u.name, o.name FROM {units} u "  # noqa: S608
                                f"JOIN {organisations} o ON o.id = u.organisation_id "
                                "WHERE {where}", "u.id", sorted({r["site_id"] for r in rows}))}
        offers = {pk: title_in_language(fi, sv, en, lang) for pk, fi, sv, en in
                  rows_where_any(cur, "SELECT id, title_fi, title_sv, title_en "  # noqa: S608
                                 f"FROM {Offer._meta.db_table} WHERE {{where}}", "id",
                                 sorted({r["offer_id"] for r in rows if r["offer_id"]}))}
    labels = []
    no_offer = _("admission without an offer")  # (not in an f-string: makemessages finds it)
    for r in rows:
        labels.append(f"{sites.get(r['site_id'])} – {offers.get(r['offer_id'], no_offer)}")
    return column_table("places", _("Uses by venue site and offer"), _("Site and offer"),
                        labels, [
                            (_("Uses"), [r["u"] for r in rows],
                             None if exact else [hold[k]["h"] for k in keys], th),
                            (_("Children's tickets"), [r["c"] for r in rows],
                             None if exact else [hold[k]["hc"] for k in keys], thc),
                        ], exact=exact)


def cross_area_tables(target: Target, p: Period, exact: bool) -> list[Table]:
    """Where the cards are used: uses in this area by the card's area, and the reverse."""
    from kaikukanta.network.models import Area

    area_id = target.pk
    names = dict(Area.objects.values_list("pk", "name"))
    bound = None if exact else max_uses_per_card(p)
    out = []
    for key, title, label_col, mine, other in (
        ("visitors", _("Uses in this area by the card's area"), _("Card's area"),
         "area_id", "card_area_id"),
        ("travel", _("Uses of this area's cards by the venue's area"), _("Venue's area"),
         "card_area_id", "area_id"),
    ):
        rows = list(UseCrossDay.objects.filter(**{mine: area_id}).filter(_in(p, "day")).values(
            other).annotate(u=Sum("uses"), c=Sum("children"), w=Sum("with_children")
                            ).order_by(other))
        hold, th, thc = {}, None, None
        keys = [r[other] for r in rows]
        if not exact:
            uses = _uses().filter(**{mine: area_id}).filter(_in(p, "event_date"))
            hold = capped_holders_by(uses, (other,), [
                (r[other], (r[other] or None,), r["u"], r["w"]) for r in rows], bound)
            total = capped_total(uses, hold, sum(r["u"] for r in rows),
                                 sum(r["w"] for r in rows), bound)
            th, thc = total["h"], total["hc"]
        this_area = " (" + _("this area") + ")"
        labels = [names.get(k, _("Unknown")) + (this_area if k == area_id else "")
                  for k in keys]
        out.append(column_table(key, title, label_col, labels, [
            (_("Uses"), [r["u"] for r in rows],
             None if exact else [hold.get(k, {}).get("h", 0) for k in keys], th),
            (_("Children's tickets"), [r["c"] for r in rows],
             None if exact else [hold.get(k, {}).get("hc", 0) for k in keys], thc),
        ], exact=exact))
    return out


def areas_table(p: Period, exact: bool, counts: list[dict] | None = None) -> Table:
    """National: every area with residents, cards and uses per 1,000 residents."""
    from kaikukanta.network.models import Area

    areas = list(Area.objects.annotate(pop=Sum("municipalities__population")).order_by("name"))
    if counts is None:
        counts = card_counts(Target(TargetKind.NATIONAL), p, p.previous())
    cards = {r["area_id"]: r["in_p"] for r in counts}
    uses = dict(UseAreaDay.objects.filter(_in(p, "day")).values("area_id").annotate(
        n=Sum("uses")).values_list("area_id", "n"))
    areas = [a for a in areas if a.is_operating or cards.get(a.pk) or uses.get(a.pk)]
    pops = [a.pop or 0 for a in areas]
    c = [cards.get(a.pk, 0) for a in areas]
    u = [uses.get(a.pk, 0) or 0 for a in areas]
    per = [(round(1000 * x / pop, 2) if pop else 0) for x, pop in zip(c, pops, strict=True)]
    peru = [(round(1000 * x / pop, 2) if pop else 0) for x, pop in zip(u, pops, strict=True)]
    t = column_table("areas", _("Areas compared per 1,000 residents"), _("Area"),
                     [a.name for a in areas], [
                         (_("Residents"), pops, None, None),
                         (_("Cards valid during the period"), c, None, None),
                         (_("Uses in the area"), u, None, None),
                         (_("Valid cards per 1,000 residents"), per, None, None),
                         (_("Uses per 1,000 residents"), peru, None, None),
                     ], exact=True, total=False)
    return t


def _band(age: int) -> str:
    for lo, hi in AGE_BANDS:
        if lo <= age <= hi:
            return f"{lo}–{hi}" if hi < 200 else f"{lo}+"
    return _("Not recorded")


def _live_holder_rows(target: Target, p: Period) -> tuple[list[dict], int]:
    """The exact holder counts over the period itself, counted from the cards now: rows of
    (band, children, gender, life_situation, n, k). The dashboards read the holder spans
    (`_span_holder_counts`); the tests compare them with this."""
    counted = Q(_registered(), target.card_q(), valid_in(p), kind=CardKind.PERSONAL)
    facts = ("birth_year", "children", "gender", "life_situation")
    rows = list(Card.objects.filter(counted, holder_coarsened_on__isnull=True).values(
        *facts).annotate(n=Count("pk"), k=Sum("stats_key")).order_by())
    # cards whose rows retention coarsened count with their exact facts kept as counts
    rows += RetiredHolders.objects.filter(counted).values(*facts).annotate(
        n=Sum("cards"), k=Sum("stats_key")).order_by()
    for r in rows:
        r["band"] = _band(p.end.year - r["birth_year"]) if r["birth_year"] else None
    return rows


HOLDER_TABLES = {"b": "age", "c": "children", "g": "gender", "l": "life"}


def _place_span_rows(target: Target) -> dict:
    """Which `HolderPlaceSpan` rows are a distributor's, a unit's or a municipality's."""
    from kaikukanta.network.models import Unit

    if target.kind == TargetKind.UNIT:
        return {"unit_id": target.pk}
    if target.kind == TargetKind.DISTRIBUTOR:
        return {"unit_id": list(Unit.objects.filter(organisation=target.obj).values_list(
            "pk", flat=True))}
    return {"municipality_id": target.pk}


def _span_holder_counts(target: Target, p: Period) -> tuple[dict, dict]:
    """The national admin's exact holder counts over the period, from the holder spans
    (`stats.cardspan`), never the cards: {table: {value: cards}} and the same for the key
    sums. The whole network and an area read one row per fact and value (`HolderSpan`); a
    distributor, a unit and a municipality one per combination of facts
    (`HolderPlaceSpan`)."""
    wanted = {"s": ("starts", p.end), "e": ("ends_in", p.start - datetime.timedelta(days=1))}
    counts = {t: defaultdict(int) for t in HOLDER_TABLES.values()}
    keys = {t: defaultdict(int) for t in HOLDER_TABLES.values()}
    if target.kind not in AREA_KINDS:
        # a row counts the facts it does not hold as OTHER_FACT (year rows: one fact each)
        facts = list(cardspan.PLACE_FACTS)
        for r in cardspan.sums_through(HolderPlaceSpan, _place_span_rows(target), facts,
                                       wanted):
            n, k = r["s"] - r["e"], r["s_k"] - r["e_k"]
            for t, fact, other in zip(HOLDER_TABLES.values(), facts, cardspan.OTHER_FACT,
                                      strict=True):
                value = r[fact]
                if value == other:
                    continue
                if t == "age":
                    value = _band(p.end.year - value) if value else _("Not recorded")
                counts[t][value] += n
                keys[t][value] += k
        return counts, keys
    got = cardspan.sums_through(HolderSpan, {"area_id": target.pk or 0}, ["fact", "value"],
                                wanted)
    for r in got:
        value = r["value"]
        if r["fact"] == "b":
            value = _band(p.end.year - int(value)) if value else _("Not recorded")
        elif r["fact"] == "c":
            value = int(value)
        counts[HOLDER_TABLES[r["fact"]]][value] += r["s"] - r["e"]
        keys[HOLDER_TABLES[r["fact"]]][value] += r["s_k"] - r["e_k"]
    return counts, keys


def holder_counts(rows: list[dict]) -> tuple[dict, dict]:
    """Rows of (band, children, gender, life_situation, n, k) as the four tables' counts:
    {table: {value: cards}} and the same for the key sums."""
    counts = {t: defaultdict(int) for t in HOLDER_TABLES.values()}
    keys = {t: defaultdict(int) for t in HOLDER_TABLES.values()}
    for r in rows:
        band = r["band"] or _("Not recorded")
        for t, value in (("age", band), ("children", min(r["children"], 4)),
                         ("gender", r["gender"]), ("life", r["life_situation"])):
            counts[t][value] += r["n"] or 0
            keys[t][value] += r["k"] or 0
    return counts, keys


PUBLISHED_TARGET = {
    TargetKind.AREA: "area_id", TargetKind.DISTRIBUTOR: "organisation_id",
    TargetKind.UNIT: "unit_id", TargetKind.MUNICIPALITY: "municipality_id",
}


def _published_holder_rows(target: Target, pub) -> list[dict]:
    """The frozen holder counts of one publication (`stats.publication`) for the target."""
    qs = PublishedHolders.objects.using(publication.DB).filter(publication=pub)
    if target.kind in PUBLISHED_TARGET:
        qs = qs.filter(**{PUBLISHED_TARGET[target.kind]: target.pk})
    rows = list(qs.values("age_band", "children", "gender", "life_situation").annotate(
        n=Sum("cards"), k=Sum("stats_key")).order_by())
    for r in rows:
        r["band"] = _band(r["age_band"]) if r["age_band"] != publication.NOT_RECORDED else None
    return rows


def holder_tables(target: Target, p: Period, exact: bool) -> list[Table]:
    """Holders of cards valid during the period, by age band, children, gender and life
    situation (personal cards only; counts, never rows). Exact (the national admin): over
    the period, from the holder spans (the cards as they are now). Everyone else sees
    published figures only (`stats.publication`): the period's calendar year or its latest
    published month, frozen when published, each count perturbed by the cell key method."""
    note = ""
    today = timezone.localdate()
    spans = _span_holder_counts(target, p) if exact else None
    if spans is not None:
        rows = []
    else:
        pub = publication.holders_publication(p, today)
        if pub is None:
            rows = []
            note = _("Holder figures of a month are published once its window for late "
                     "entries has closed, %(days)s days after it ends; this period has none "
                     "yet. The next are published on %(day)s.") % {
                "days": publication.delay_days(),
                "day": day_text(publication.next_publication(p, today))}
        else:
            rows = _published_holder_rows(target, pub)
            note = _("Holders of cards valid in %(period)s, as published on %(day)s. Holder "
                     "figures are published once per month and year, after late entries, "
                     "and never changed; they are perturbed slightly to protect privacy.") % {
                "period": Period(pub.start, pub.end),
                "day": day_text(publication.published_on(Period(pub.start, pub.end)))}
    out = []
    counts, keys = spans if spans is not None else holder_counts(rows)
    band_labels = [_band(lo) for lo, _hi in AGE_BANDS] + [_("Not recorded")]
    genders = [v for v, _l in Gender.choices] + [""]
    lives = [v for v, _l in LifeSituation.choices] + [""]
    specs = [
        ("age", _("Holders by age"), _("Age band"), band_labels, band_labels),
        ("children", _("Holders by number of children"), _("Children under 18"),
         ["0", "1", "2", "3", "4+"], list(range(5))),
        ("gender", _("Holders by gender"), _("Gender"),
         [str(lbl) for _v, lbl in Gender.choices] + [_("Not recorded")], genders),
        ("life_situation", _("Holders by life situation"), _("Life situation"),
         [str(lbl) for _v, lbl in LifeSituation.choices] + [_("Not recorded")], lives),
    ]
    for key, title, col, labels, values in specs:
        t = {"life_situation": "life"}.get(key, key)
        out.append(publication.protected_count_table(
            key, title, col, labels, [counts[t][v] for v in values],
            [keys[t][v] for v in values], exact=exact, chart=key == "age", note=note))
    return out


def dashboard(*, target: Target, period: Period, exact: bool) -> Dashboard:
    """Every table of a dashboard. `exact` (national admin) turns suppression off."""
    token = _year_tops.set({})
    try:
        return _dashboard(target, period, exact)
    finally:
        _year_tops.reset(token)


def _dashboard(target: Target, period: Period, exact: bool) -> Dashboard:
    prev = period.previous()
    d = Dashboard(target=target, period=period, previous=prev, exact=exact)
    counts = card_counts(target, period, prev) if target.has_cards else None
    d.tables.append(summary_table(target, period, prev, exact, counts))
    d.tables += use_tables(target, period, exact)
    if target.kind in (TargetKind.AREA, TargetKind.DISTRIBUTOR, TargetKind.UNIT):
        d.tables.append(units_table(target, period, exact, counts))
    if target.kind == TargetKind.NATIONAL:
        d.tables.append(areas_table(period, exact, counts))
    elif target.kind not in UNIT_KINDS:
        d.tables.append(places_table(target, period, exact))
    if target.kind == TargetKind.AREA:
        d.tables += cross_area_tables(target, period, exact)
    if target.has_cards:
        d.tables += holder_tables(target, period, exact)
    return d
