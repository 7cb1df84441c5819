"""Read views of the network. Every list starts from `for_scope(request.scope)`."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render

from kaikukanta.lib.permissions import Perm, can
from kaikukanta.lib.scope import get_visible_or_404
from kaikukanta.network.models import Area, Organisation, OrganisationKind, SellerLink, Unit


@login_required
def area_list(request):
    areas = (
        Area.objects.for_scope(request.scope)
        .select_related("wellbeing_county")
        .annotate(n_municipalities=Count("municipalities", distinct=True))
    )
    return render(request, "network/area_list.html", {"areas": areas})


@login_required
def area_detail(request, pk: int):
    area = get_visible_or_404(Area.objects.select_related("wellbeing_county"), request.scope,
                              pk=pk)
    organisations = (
        Organisation.objects.for_scope(request.scope).filter(home_area=area)
        .annotate(n_units=Count("units")).order_by("kind", "name")
    )
    return render(request, "network/area_detail.html", {
        "area": area,
        "municipalities": area.municipalities.all(),
        "organisations": organisations,
        "can_coordinate": can(request.scope, Perm.COORDINATE_AREA, area),
    })


@login_required
def organisation_list(request):
    kind = request.GET.get("kind", "")
    organisations = (
        Organisation.objects.for_scope(request.scope).select_related("home_area")
        .annotate(n_units=Count("units")).order_by("home_area__name", "kind", "name")
    )
    if kind in OrganisationKind.values:
        organisations = organisations.filter(kind=kind)
    return render(request, "network/organisation_list.html", {
        "organisations": organisations, "kinds": OrganisationKind.choices, "kind": kind,
    })


@login_required
def organisation_detail(request, pk: int):
    org = get_visible_or_404(Organisation.objects.select_related("home_area"), request.scope,
                             pk=pk)
    units = Unit.objects.for_scope(request.scope).filter(organisation=org)
    links = SellerLink.objects.filter(Q(seller=org) | Q(venue=org)).select_related(
        "seller", "venue"
    )
    visible_orgs = set(
        Organisation.objects.for_scope(request.scope)
        .filter(pk__in=[x for link in links for x in (link.seller_id, link.venue_id)])
        .values_list("pk", flat=True)
    )
    links = [link for link in links if {link.seller_id, link.venue_id} <= visible_orgs]
    return render(request, "network/organisation_detail.html", {
        "org": org, "units": units, "links": links,
        "commitments": org.commitments.select_related("version"),
        "can_manage": can(request.scope, Perm.MANAGE_ORGANISATION, org),
    })
