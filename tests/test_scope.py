"""What every role sees, and what it gets 404 for."""

import pytest
from django.urls import reverse

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.lib.permissions import Perm, can
from kaikukanta.lib.scope import SYSTEM
from kaikukanta.network.models import Area, Organisation, Unit
from tests.conftest import sign_in

S = scope_for_user  # the person's scope, read fresh


def names(qs):
    return sorted(o.name for o in qs)


def test_national_admin_sees_everything(cast):
    assert Organisation.objects.for_scope(S(cast.national)).count() == 6
    assert Area.objects.for_scope(S(cast.national)).count() == 2


def test_outsider_sees_nothing(cast):
    assert not Organisation.objects.for_scope(S(cast.outsider)).exists()
    assert not Area.objects.for_scope(S(cast.outsider)).exists()
    assert not Unit.objects.for_scope(S(cast.outsider)).exists()


def test_culture_coordinator_sees_own_areas_venues_and_sellers_only(cast):
    a, b = cast.a, cast.b
    assert names(Organisation.objects.for_scope(S(a.culture))) == sorted(
        [a.venue_org.name, a.seller_org.name])
    assert list(Area.objects.for_scope(S(a.culture))) == [a.area]
    assert not can(S(a.culture), Perm.MANAGE_ORGANISATION, a.distributor_org)
    assert can(S(a.culture), Perm.MANAGE_ORGANISATION, a.venue_org)
    assert not can(S(a.culture), Perm.MANAGE_ORGANISATION, b.venue_org)


def test_welfare_coordinator_sees_own_areas_distributors_only(cast):
    a, b = cast.a, cast.b
    assert names(Organisation.objects.for_scope(S(a.welfare))) == [a.distributor_org.name]
    assert can(S(a.welfare), Perm.MANAGE_ORGANISATION, a.distributor_org)
    assert not can(S(a.welfare), Perm.MANAGE_ORGANISATION, b.distributor_org)
    assert not can(S(a.welfare), Perm.MANAGE_ORGANISATION, a.venue_org)


def test_coordinator_of_one_area_cannot_see_another_areas_organisations(cast):
    b_orgs = {cast.b.distributor_org.pk, cast.b.venue_org.pk, cast.b.seller_org.pk}
    for user in (cast.a.culture, cast.a.welfare):
        seen = set(Organisation.objects.for_scope(S(user)).values_list("pk", flat=True))
        assert not seen & b_orgs


def test_culture_coordinator_sees_a_seller_from_elsewhere_linked_to_its_venue(cast):
    from kaikukanta.network.services import seller_link_request

    seller_link_request(scope=SYSTEM, seller=cast.b.seller_org, venue=cast.a.venue_org)
    assert cast.b.seller_org in Organisation.objects.for_scope(S(cast.a.culture))
    assert cast.b.seller_org not in Organisation.objects.for_scope(S(cast.a.welfare))


def test_distributor_sees_own_organisation_and_unit(cast):
    a = cast.a
    assert list(Organisation.objects.for_scope(S(a.distributor))) == [a.distributor_org]
    assert list(Unit.objects.for_scope(S(a.distributor))) == [a.unit]
    assert can(S(a.distributor), Perm.ISSUE_CARDS, a.unit)
    assert not can(S(a.distributor), Perm.ISSUE_CARDS, cast.b.unit)
    assert not can(S(a.venue), Perm.ISSUE_CARDS, a.unit)


def test_venue_staff_sees_its_organisation_and_all_sites(cast):
    a = cast.a
    assert list(Organisation.objects.for_scope(S(a.venue))) == [a.venue_org]
    assert set(Unit.objects.for_scope(S(a.venue))) == {a.site, a.site2}
    assert can(S(a.venue), Perm.RECORD_USES, a.site)
    assert not can(S(a.venue), Perm.RECORD_USES, cast.b.site)


def test_site_staff_sees_only_its_site(cast):
    a = cast.a
    assert list(Unit.objects.for_scope(S(a.site_staff))) == [a.site2]
    assert can(S(a.site_staff), Perm.RECORD_USES, a.site2)
    assert not can(S(a.site_staff), Perm.RECORD_USES, a.site)
    assert not can(S(a.site_staff), Perm.MANAGE_OFFERS, a.venue_org)


def test_seller_sees_linked_venues_only_after_approval(cast):
    from kaikukanta.network.services import seller_link_decide, seller_link_request

    a, b = cast.a, cast.b
    assert set(Organisation.objects.for_scope(S(a.seller))) == {a.seller_org, a.venue_org}
    assert can(S(a.seller), Perm.RECORD_USES, a.site)
    link = seller_link_request(scope=SYSTEM, seller=a.seller_org, venue=b.venue_org)
    assert b.venue_org not in Organisation.objects.for_scope(S(a.seller))
    assert not can(S(a.seller), Perm.RECORD_USES, b.site)
    assert can(S(b.culture), Perm.APPROVE_SELLER_LINK, link)
    assert not can(S(a.culture), Perm.APPROVE_SELLER_LINK, link)
    seller_link_decide(scope=scope_for_user(b.culture), link=link, approve=True)
    assert b.venue_org in Organisation.objects.for_scope(S(a.seller))
    assert can(S(a.seller), Perm.RECORD_USES, b.site)


def test_inactive_user_sees_nothing(cast):
    cast.a.culture.is_active = False
    cast.a.culture.save()
    assert not Organisation.objects.for_scope(S(cast.a.culture)).exists()


# (user attribute path, url builder, expected status)
def _org_url(org):
    return reverse("network:organisation_detail", args=[org.pk])


def _area_url(area):
    return reverse("network:area_detail", args=[area.pk])


MATRIX = [
    # who, which object (path on the cast), expected status
    ("national", "b.distributor_org", 200),
    ("a.culture", "a.venue_org", 200),
    ("a.culture", "a.seller_org", 200),
    ("a.culture", "a.distributor_org", 404),
    ("a.culture", "b.venue_org", 404),
    ("a.welfare", "a.distributor_org", 200),
    ("a.welfare", "a.venue_org", 404),
    ("a.welfare", "b.distributor_org", 404),
    ("a.distributor", "a.distributor_org", 200),
    ("a.distributor", "a.venue_org", 404),
    ("a.venue", "a.venue_org", 200),
    ("a.venue", "b.venue_org", 404),
    ("a.venue", "a.distributor_org", 404),
    ("a.site_staff", "a.venue_org", 200),
    ("a.seller", "a.seller_org", 200),
    ("a.seller", "a.venue_org", 200),
    ("a.seller", "b.venue_org", 404),
    ("outsider", "a.venue_org", 404),
]


def _get(cast, path):
    obj = cast
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


@pytest.mark.parametrize(("who", "what", "status"), MATRIX)
def test_organisation_page_matrix(cast, client, who, what, status):
    sign_in(client, _get(cast, who))
    assert client.get(_org_url(_get(cast, what))).status_code == status


@pytest.mark.parametrize(("who", "what", "status"), [
    ("national", "b.area", 200),
    ("a.culture", "a.area", 200),
    ("a.culture", "b.area", 404),
    ("b.welfare", "a.area", 404),
    ("a.distributor", "a.area", 200),
    ("a.venue", "b.area", 404),
    ("outsider", "a.area", 404),
])
def test_area_page_matrix(cast, client, who, what, status):
    sign_in(client, _get(cast, who))
    assert client.get(_area_url(_get(cast, what))).status_code == status


def test_organisation_list_shows_only_visible(cast, client):
    sign_in(client, cast.a.welfare)
    body = client.get(reverse("network:organisation_list")).content.decode()
    assert cast.a.distributor_org.name in body
    assert cast.b.distributor_org.name not in body
    assert cast.a.venue_org.name not in body


def test_anonymous_is_sent_to_login(cast, client):
    response = client.get(reverse("network:organisation_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
