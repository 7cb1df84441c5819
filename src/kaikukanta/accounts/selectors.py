"""Reads of people's accounts: whom a coordinator manages, and how many use an area."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from kaikukanta.accounts.models import COORDINATOR_ROLES, Membership, Role, User
from kaikukanta.lib.scope import Scope
from kaikukanta.network.models import Area


def users_in_scope(scope: Scope) -> QuerySet[User]:
    """Staff accounts whose roles lie in what the scope manages (national: everyone)."""
    qs = User.objects.all()
    if scope.is_national:
        return qs
    if not scope.coordinator_area_ids:
        return qs.none()
    staff = Membership.objects.filter(scope.runs_q("organisation__"))
    return qs.filter(pk__in=staff.values("user_id"))


def area_user_ids(area: Area) -> QuerySet:
    return (
        Membership.objects.filter(Q(area=area) | Q(organisation__home_area=area))
        .values("user_id").distinct()
    )


def area_user_count(area: Area) -> int:
    return User.objects.filter(is_active=True, pk__in=area_user_ids(area)).count()


def is_coordinator_role(role: str) -> bool:
    return role in COORDINATOR_ROLES or role == Role.NATIONAL_ADMIN
