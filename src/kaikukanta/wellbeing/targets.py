"""What a wellbeing dashboard is about: the whole network, a wellbeing services county, an
area, a municipality (its residents' cards; the mood meter: its venues' sites), or, for the
mood meter only, a venue or one of its sites. `target_for()` is the only way to get one and
answers 404 outside the actor's scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from kaikukanta.lib.permissions import Perm, can
from kaikukanta.lib.scope import Scope
from kaikukanta.lib.targets import TargetKind

KINDS = (TargetKind.NATIONAL, TargetKind.COUNTY, TargetKind.AREA, TargetKind.MUNICIPALITY,
         TargetKind.VENUE, TargetKind.SITE)
# the wellbeing meter is about holders: not for venues
METER_KINDS = (TargetKind.NATIONAL, TargetKind.COUNTY, TargetKind.AREA, TargetKind.MUNICIPALITY)
LABELS = {
    TargetKind.NATIONAL: _("Whole network"),
    TargetKind.COUNTY: _("Wellbeing services county"),
    TargetKind.AREA: _("Area"),
    TargetKind.MUNICIPALITY: _("Municipality"),
    TargetKind.VENUE: _("Venue"),
    TargetKind.SITE: _("Venue site"),
}


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    obj: Any = None
    # the areas of a municipality or county (read when the target is made: the permission
    # rule stays pure)
    area_ids: frozenset[int] = frozenset()

    @property
    def pk(self):
        return self.obj.pk if self.obj is not None else None

    @property
    def label(self) -> str:
        return str(self.obj) if self.obj is not None else str(LABELS[TargetKind.NATIONAL])

    @property
    def kind_label(self) -> str:
        return str(LABELS[self.kind])

    @property
    def has_meter(self) -> bool:
        return self.kind in METER_KINDS

    def url(self, what: str = "dashboard", fmt: str = "") -> str:
        from django.urls import reverse

        if self.kind == TargetKind.NATIONAL:
            return reverse(f"wellbeing:national_{what}", args=[fmt] if fmt else [])
        return reverse(f"wellbeing:{what}", args=[self.kind, self.pk] + ([fmt] if fmt else []))

    # --- filters -------------------------------------------------------------------
    def answer_q(self) -> Q:
        """On `WellbeingAnswer` (the card's area and municipality when answered)."""
        return {
            TargetKind.NATIONAL: Q(),
            TargetKind.COUNTY: Q(municipality__wellbeing_county_id=self.pk),
            TargetKind.AREA: Q(area_id=self.pk),
            TargetKind.MUNICIPALITY: Q(municipality_id=self.pk),
        }[self.kind]

    def card_event_q(self) -> Q:
        """On `cards.CardEvent`: the events of the cards this dashboard counts."""
        return {
            TargetKind.NATIONAL: Q(),
            TargetKind.COUNTY: Q(card__municipality__wellbeing_county_id=self.pk),
            TargetKind.AREA: Q(card__area_id=self.pk),
            TargetKind.MUNICIPALITY: Q(card__municipality_id=self.pk),
        }[self.kind]

    def mood_q(self) -> Q:
        """On `MoodAnswer` (where the use was: the venue's area, the site's municipality)."""
        return {
            TargetKind.NATIONAL: Q(),
            TargetKind.COUNTY: Q(municipality__wellbeing_county_id=self.pk),
            TargetKind.AREA: Q(area_id=self.pk),
            TargetKind.MUNICIPALITY: Q(municipality_id=self.pk),
            TargetKind.VENUE: Q(venue_id=self.pk),
            TargetKind.SITE: Q(site_id=self.pk),
        }[self.kind]


def target_for(scope: Scope, kind: str, pk: int | str | None = None) -> Target:
    from kaikukanta.geo.models import Municipality, WellbeingCounty
    from kaikukanta.network.models import Area, Organisation, OrganisationKind, Unit

    if kind not in {k.value for k in KINDS}:
        raise Http404
    kind = TargetKind(kind)
    if kind == TargetKind.NATIONAL:
        target = Target(kind)
    else:
        qs = {
            TargetKind.COUNTY: WellbeingCounty.objects.all(),
            TargetKind.AREA: Area.objects.all(),
            TargetKind.MUNICIPALITY: Municipality.objects.filter(areas__isnull=False).distinct(),
            TargetKind.VENUE: Organisation.objects.filter(kind=OrganisationKind.VENUE),
            TargetKind.SITE: Unit.objects.select_related("organisation").filter(
                organisation__kind=OrganisationKind.VENUE),
        }[kind]
        try:
            obj = qs.filter(pk=pk).first()
        except (ValueError, TypeError):
            obj = None
        if obj is None:
            raise Http404
        area_ids: frozenset[int] = frozenset()
        if kind == TargetKind.MUNICIPALITY:
            area_ids = frozenset(obj.areas.values_list("pk", flat=True))
        elif kind == TargetKind.COUNTY:
            area_ids = frozenset(Area.objects.filter(
                municipalities__wellbeing_county=obj).values_list("pk", flat=True))
        target = Target(kind, obj, area_ids)
    if not can(scope, Perm.VIEW_WELLBEING, target):
        raise Http404
    return target


def targets_for(scope: Scope) -> list[Target]:
    """Every wellbeing dashboard the actor may open."""
    from kaikukanta.geo.models import WellbeingCounty
    from kaikukanta.network.models import Area, Organisation, OrganisationKind, Unit

    out: list[Target] = []
    if scope.is_national:
        areas = list(Area.objects.operating().prefetch_related("municipalities"))
        out.append(Target(TargetKind.NATIONAL))
    else:
        areas = list(Area.objects.filter(pk__in=scope.coordinator_area_ids)
                     .prefetch_related("municipalities"))
    muni_areas: dict[int, set[int]] = {}
    munis = {}
    for a in areas:
        for m in a.municipalities.all():
            munis[m.pk] = m
            muni_areas.setdefault(m.pk, set()).add(a.pk)
    county_ids = {m.wellbeing_county_id for m in munis.values() if m.wellbeing_county_id}
    for county in WellbeingCounty.objects.filter(pk__in=county_ids).order_by("pk"):
        ids = frozenset(Area.objects.filter(municipalities__wellbeing_county=county)
                        .values_list("pk", flat=True))
        out.append(Target(TargetKind.COUNTY, county, ids))
    out += [Target(TargetKind.AREA, a) for a in areas]
    out += [Target(TargetKind.MUNICIPALITY, m, frozenset(muni_areas[m.pk]))
            for m in sorted(munis.values(), key=str)]
    venues = Organisation.objects.filter(kind=OrganisationKind.VENUE).filter(
        Q(pk__in=scope.venue_org_ids) | Q(home_area__in=scope.culture_area_ids)
    ).order_by("name") if not scope.is_national else Organisation.objects.none()
    out += [Target(TargetKind.VENUE, v) for v in venues]
    sites = (Unit.objects.select_related("organisation")
             .filter(pk__in=scope.venue_site_ids).order_by("name"))
    out += [Target(TargetKind.SITE, s) for s in sites]
    return [t for t in out if can(scope, Perm.VIEW_WELLBEING, t)]
