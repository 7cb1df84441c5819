"""What a dashboard is about (its target) and when (its period).

A target is one of: the whole network (national admin), an area (its coordinators, both
sides), a distributor organisation or unit, a venue organisation or site, or a ticket
seller. `target_for()` is the only way to get one and answers 404 outside the user's scope.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from kaikukanta.lib.permissions import Perm, can
from kaikukanta.lib.scope import Scope
from kaikukanta.lib.targets import TargetKind
from kaikukanta.stats.errors import PeriodInvalid

KIND_LABELS = {
    TargetKind.NATIONAL: _("Whole network"),
    TargetKind.AREA: _("Area"),
    TargetKind.DISTRIBUTOR: _("Distributor"),
    TargetKind.UNIT: _("Distributor unit"),
    TargetKind.VENUE: _("Venue"),
    TargetKind.SITE: _("Venue site"),
    TargetKind.SELLER: _("Ticket seller"),
    TargetKind.MUNICIPALITY: _("Municipality (residents)"),
}
CARD_KINDS = (TargetKind.NATIONAL, TargetKind.AREA, TargetKind.DISTRIBUTOR, TargetKind.UNIT,
              TargetKind.MUNICIPALITY)
USE_KINDS = (TargetKind.VENUE, TargetKind.SITE, TargetKind.SELLER)


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    obj: Any = None
    # a municipality's areas (read when the target is made, so the permission is pure)
    area_ids: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", TargetKind(self.kind))

    @property
    def pk(self) -> int | None:
        return self.obj.pk if self.obj is not None else None

    @property
    def label(self) -> str:
        return str(self.obj) if self.obj is not None else str(KIND_LABELS[TargetKind.NATIONAL])

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def has_cards(self) -> bool:
        """Card and holder figures belong to the distributing side; venues never see them."""
        return self.kind in CARD_KINDS

    @property
    def has_population(self) -> bool:
        return self.kind in (TargetKind.NATIONAL, TargetKind.AREA, TargetKind.MUNICIPALITY)

    # --- addresses -----------------------------------------------------------------
    def url(self, what: str = "", arg=None) -> str:
        """The dashboard (what=""), its export ("export", arg=csv/xlsx) or yearly report
        ("report", arg=year)."""
        from django.urls import reverse

        if self.kind in (TargetKind.NATIONAL, TargetKind.MUNICIPALITY):
            name = self.kind + (f"_{what}" if what else "")
            args = ([] if self.kind == TargetKind.NATIONAL else [self.pk]) + ([arg] if what else [])
        else:
            name = what or "dashboard"
            args = [self.kind, self.pk] + ([arg] if what else [])
        return reverse(f"stats:{name}", args=args)

    @property
    def has_report(self) -> bool:
        return self.kind in (TargetKind.NATIONAL, TargetKind.AREA, TargetKind.MUNICIPALITY)

    # --- filters -------------------------------------------------------------------
    def _pick(self, table: dict[str, dict]) -> Q:
        return Q(**table[self.kind]) if self.kind != TargetKind.NATIONAL else Q()

    def rollup_q(self) -> Q:
        """Filter on UseAreaDay (national and area dashboards only)."""
        return self._pick({TargetKind.AREA: {"area_id": self.pk}})

    def use_q(self) -> Q:
        """Filter on usage.Use: the uses this dashboard counts (a municipality's: the uses
        by its residents' cards, wherever they were)."""
        return self._pick({
            TargetKind.MUNICIPALITY: {"card__municipality_id": self.pk},
            TargetKind.AREA: {"area_id": self.pk},
            TargetKind.DISTRIBUTOR: {"card__unit__organisation_id": self.pk},
            TargetKind.UNIT: {"card__unit_id": self.pk},
            TargetKind.VENUE: {"venue_id": self.pk}, TargetKind.SITE: {"site_id": self.pk},
            TargetKind.SELLER: {"seller_id": self.pk},
        })

    def used_cards_q(self) -> Q:
        """Filter on usage.Use: uses of the cards this dashboard counts (anywhere)."""
        return self._pick({
            TargetKind.MUNICIPALITY: {"card__municipality_id": self.pk},
            TargetKind.AREA: {"card_area_id": self.pk},
            TargetKind.DISTRIBUTOR: {"card__unit__organisation_id": self.pk},
            TargetKind.UNIT: {"card__unit_id": self.pk},
        })

    def card_q(self, prefix: str = "") -> Q:
        """Filter on cards.Card (or a relation to it with `prefix`): the cards counted."""
        if self.kind == TargetKind.NATIONAL:
            return Q()
        f = {
            TargetKind.AREA: {"area_id": self.pk},
            TargetKind.DISTRIBUTOR: {"unit__organisation_id": self.pk},
            TargetKind.UNIT: {"unit_id": self.pk},
            TargetKind.MUNICIPALITY: {"municipality_id": self.pk},
        }[self.kind]
        return Q(**{prefix + k: v for k, v in f.items()})


def target_for(scope: Scope, kind: str, pk: int | str | None = None) -> Target:
    """The dashboard target, or 404 when it does not exist or is outside the user's scope."""
    if kind not in TargetKind.__members__.values():
        raise Http404
    kind = TargetKind(kind)
    from kaikukanta.geo.models import Municipality
    from kaikukanta.network.models import Area, Organisation, OrganisationKind, Unit

    if kind == TargetKind.NATIONAL:
        target = Target(TargetKind.NATIONAL)
    else:
        qs = {
            TargetKind.AREA: Area.objects.all(),
            TargetKind.DISTRIBUTOR: Organisation.objects.filter(kind=OrganisationKind.DISTRIBUTOR),
            TargetKind.VENUE: Organisation.objects.filter(kind=OrganisationKind.VENUE),
            TargetKind.SELLER: Organisation.objects.filter(kind=OrganisationKind.TICKET_SELLER),
            TargetKind.MUNICIPALITY: Municipality.objects.filter(areas__isnull=False).distinct(),
            TargetKind.UNIT: Unit.objects.select_related("organisation").filter(
                organisation__kind=OrganisationKind.DISTRIBUTOR),
            TargetKind.SITE: Unit.objects.select_related("organisation").filter(
                organisation__kind=OrganisationKind.VENUE),
        }.get(kind)
        if qs is None:
            raise Http404
        obj = qs.filter(pk=pk).first()
        if obj is None:
            raise Http404
        area_ids = (frozenset(obj.areas.values_list("pk", flat=True))
                    if kind == TargetKind.MUNICIPALITY else frozenset())
        target = Target(kind, obj, area_ids)
    if not can(scope, Perm.VIEW_STATS, target):
        raise Http404
    return target


def targets_for(scope: Scope) -> list[Target]:
    """Every dashboard the user may open, for the statistics start page."""
    from kaikukanta.network.models import Area, Organisation, OrganisationKind, Unit

    s = scope
    out: list[Target] = []
    if s.is_national:
        out.append(Target(TargetKind.NATIONAL))
        out += [Target(TargetKind.AREA, a) for a in Area.objects.operating()]
        return out
    areas = list(Area.objects.filter(pk__in=s.coordinator_area_ids).prefetch_related(
        "municipalities"))
    out += [Target(TargetKind.AREA, a) for a in areas]
    munis = {m.pk: m for a in areas for m in a.municipalities.all()}
    muni_areas: dict[int, set[int]] = {}
    for a in areas:
        for m in a.municipalities.all():
            muni_areas.setdefault(m.pk, set()).add(a.pk)
    if any(len(a.municipalities.all()) > 1 for a in areas):
        out += [Target(TargetKind.MUNICIPALITY, m, frozenset(muni_areas[m.pk]))
                for m in sorted(munis.values(), key=str)]
    orgs = Organisation.objects.filter(
        s.runs_q() | Q(pk__in=s.venue_org_ids | s.seller_org_ids)
    ).order_by("kind", "name")
    kind_of = {OrganisationKind.DISTRIBUTOR: TargetKind.DISTRIBUTOR,
               OrganisationKind.VENUE: TargetKind.VENUE,
               OrganisationKind.TICKET_SELLER: TargetKind.SELLER}
    out += [Target(kind_of[o.kind], o) for o in orgs]
    units = Unit.objects.select_related("organisation").filter(
        Q(pk__in=s.distributor_unit_ids | s.venue_site_ids)
    )
    for u in units:
        out.append(Target(TargetKind.UNIT if u.organisation.kind == OrganisationKind.DISTRIBUTOR
                          else TargetKind.SITE, u))
    return out


# --- periods -----------------------------------------------------------------------
def year_earlier(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    def previous(self) -> Period:
        """The comparison period: the same dates one year earlier (fair across seasons)."""
        return Period(year_earlier(self.start), year_earlier(self.end))

    @property
    def is_year(self) -> bool:
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31) \
            and self.start.year == self.end.year

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __str__(self) -> str:
        from kaikukanta.lib.formatting import day

        return f"{day(self.start)}–{day(self.end)}"

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @classmethod
    def make(cls, start: datetime.date, end: datetime.date) -> Period:
        if end < start or (end - start).days > 3660:
            raise PeriodInvalid()
        return cls(start, end)


def default_period(today: datetime.date) -> Period:
    """This calendar year (compared with the previous one)."""
    return Period.year(today.year)
