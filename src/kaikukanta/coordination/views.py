"""The coordinators' and the national team's start page: the areas at a glance, new
distributors waiting for review and ticket-seller links waiting for a decision. The
pages it leads to live with their domain (network, accounts, audit)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kaikukanta.network.models import DistributorReview, SellerLinkStatus
from kaikukanta.network.selectors import areas_at_a_glance
from kaikukanta.network.views import seller_links


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    if not (scope.is_national or scope.is_coordinator):
        raise PermissionDenied
    return render(request, "coordination/dashboard.html", {
        "rows": areas_at_a_glance(scope),
        "reviews": (DistributorReview.objects.for_scope(scope).pending()
                    .select_related("organisation__home_area")),
        "is_national": scope.is_national,
        "pending_links": seller_links(scope).filter(status=SellerLinkStatus.PENDING).count(),
    })
