"""The national annual table and the cost split (reads; the rate is saved in services).

*Municipalities in the network in a year* are the municipalities of the areas that were
operating that year: areas now in trial or permanent status whose status began on or before
31 December of the year, and any area (also an ended one) with cards registered or uses
recorded in the year. Area memberships are today's (the registry keeps no history of them).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kaikukanta.cards.models import Card, CardStatus
from kaikukanta.network.models import OPERATING_STATUSES, Area
from kaikukanta.stats.models import CardsUsedYear, CostShare, UseAreaDay
from kaikukanta.stats.tables import Table, column_table
from kaikukanta.usage.models import Category


def network_areas(year: int) -> list[Area]:
    end = datetime.date(year, 12, 31)
    start = datetime.date(year, 1, 1)
    active_ids = set(
        Card.objects.filter(issued_on__range=(start, end)).values_list("area_id", flat=True)
    ) | set(UseAreaDay.objects.filter(day__range=(start, end)).values_list("area_id", flat=True))
    return list(Area.objects.filter(
        Q(status__in=OPERATING_STATUSES, status_since__lte=end) | Q(pk__in=active_ids - {None})
    ).prefetch_related("municipalities").order_by("name"))


def network_municipalities(year: int) -> list:
    munis = {m.code: m for a in network_areas(year) for m in a.municipalities.all()}
    return sorted(munis.values(), key=lambda m: m.name_fi)


def annual_row(year: int) -> dict:
    """One year's national figures. The counts of cards (holders) are the year's published
    ones (`stats.publication`: frozen after the year's late entries) once the year is
    published, and preliminary live counts before that (`published` says which)."""
    from kaikukanta.stats.publication import holders_year

    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    pub = holders_year(year, timezone.localdate())
    if pub is not None:
        registered, used = pub.figures["cards_registered"], pub.figures["cards_used"]
    else:
        registered = Card.objects.filter(
            status__in=[CardStatus.ACTIVE, CardStatus.INACTIVE], issued_on__range=(start, end)
        ).count()
        used = CardsUsedYear.objects.filter(year=year).aggregate(n=Sum("cards"))["n"] or 0
    by_cat = {r["category"]: r for r in UseAreaDay.objects.filter(day__range=(start, end))
              .values("category").annotate(u=Sum("uses"), c=Sum("children"))}
    row = {"year": year, "registered": registered, "used": used, "published": pub is not None}
    for c in Category.values:
        row[f"adults_{c}"] = by_cat.get(c, {}).get("u") or 0
        row[f"children_{c}"] = by_cat.get(c, {}).get("c") or 0
    row["total"] = sum(row[f"adults_{c}"] + row[f"children_{c}"] for c in Category.values)
    row["municipalities"] = len(network_municipalities(year))
    return row


def annual_table(first: int, last: int) -> Table:
    """Years as rows, the published columns. National figures: shown exactly (national
    admin only); none counts a single holder. A year whose card counts are not yet
    published is marked preliminary."""
    rows = [annual_row(y) for y in range(first, last + 1)]
    cols: list[tuple] = [(_("Cards registered"), "registered"),
                         (_("Cards used (at least once)"), "used")]
    for c, label in Category.choices:
        cols.append((_("Adults: %(category)s") % {"category": label}, f"adults_{c}"))
    for c, label in Category.choices:
        cols.append((_("Children: %(category)s") % {"category": label}, f"children_{c}"))
    cols += [(_("Total uses"), "total"), (_("Municipalities"), "municipalities")]
    return column_table("annual", _("National annual table"), _("Year"),
                        [str(r["year"]) if r["published"] else
                         _("%(year)s (preliminary)") % {"year": r["year"]} for r in rows],
                        [(title, [r[k] for r in rows], None, None) for title, k in cols],
                        exact=True, total=False)


# --- cost sharing ------------------------------------------------------------------
CENT = Decimal("0.01")


@dataclass
class Payer:
    kind: str  # municipality | county
    name: str
    residents: int
    amount: Decimal
    detail: str = ""


@dataclass
class CostSplit:
    share: CostShare
    rate: Decimal
    municipalities: list[Payer]
    counties: list[Payer]
    population_years: set[int]

    @property
    def residents(self) -> int:
        return sum(p.residents for p in self.municipalities + self.counties)

    @property
    def total(self) -> Decimal:
        return sum((p.amount for p in self.municipalities + self.counties), Decimal(0))


def cost_split(share: CostShare) -> CostSplit:
    """A municipality pays for its own residents; a wellbeing services county that takes
    part (an operating area names it) pays for the residents of its network municipalities.
    Both are billed at the same rate per resident. A total to divide is split over all the
    residents billed (municipal and county). Helsinki (county code 90) is billed once.
    A municipality abroad pays nothing unless the national admin has set it to be billed
    (`Municipality.billed_in_cost_sharing`)."""
    munis = [m for m in network_municipalities(share.year) if m.billed_in_cost_sharing]
    county_ids = {a.wellbeing_county_id for a in network_areas(share.year)
                  if a.wellbeing_county_id and a.wellbeing_county_id != "90"}
    county_members: dict = {}
    for m in munis:
        if m.wellbeing_county_id in county_ids:
            county_members.setdefault(m.wellbeing_county_id, []).append(m)
    billed = sum(m.population for m in munis) + sum(
        m.population for ms in county_members.values() for m in ms)
    if share.rate_per_resident is not None:
        rate = Decimal(share.rate_per_resident)
    else:
        rate = (Decimal(share.total) / billed) if billed else Decimal(0)

    def money(residents: int) -> Decimal:
        return (rate * residents).quantize(CENT, rounding=ROUND_HALF_UP)

    from kaikukanta.geo.models import WellbeingCounty

    counties = WellbeingCounty.objects.in_bulk(list(county_members))
    return CostSplit(
        share=share, rate=rate,
        municipalities=[Payer("municipality", m.name, m.population, money(m.population))
                        for m in munis],
        counties=[
            Payer("county", counties[c].name, sum(m.population for m in ms),
                  money(sum(m.population for m in ms)), ", ".join(m.name for m in ms))
            for c, ms in sorted(county_members.items())
        ],
        population_years={m.population_year for m in munis},
    )


def cost_table(split: CostSplit) -> Table:
    payers = split.municipalities + split.counties
    t = Table(key="costs", title=_("Cost sharing %(year)s") % {"year": split.share.year},
              columns=[_("Payer"), _("Kind"), _("Residents"), _("Amount (€)"),
                       _("Municipalities")])
    from kaikukanta.stats.privacy import Cell

    kinds = {"municipality": _("Municipality"), "county": _("Wellbeing services county")}
    for p in payers:
        t.rows.append((p.name, [Cell(kinds[p.kind]), Cell(p.residents), Cell(p.amount),
                                Cell(p.detail)]))
    t.total = [Cell(""), Cell(split.residents), Cell(split.total), Cell("")]
    return t
