"""Every coordination page for every role: the other side's and the other area's
organisations are 404, roles without coordination work get 403."""

import pytest
from django.urls import reverse

from kaikukanta.lib.scope import SYSTEM
from kaikukanta.network import services as network_services
from kaikukanta.network.models import Organisation, Unit
from tests.conftest import sign_in

# (url name, object key or None); object keys: area_a, area_b, dist_a, venue_a, seller_a,
# dist_b, venue_b, seller_b_linked (b's seller linked to a's venue), unit_a, site_a, unit_b
ROUTES = [
    ("dashboard", None),
    ("area_create", None),
    ("invitation_list", None),
    ("user_list", None),
    ("seller_link_list", None),
    ("seller_link_request", None),
    ("commitment_list", None),
    ("operating_model", None),
    ("audit_list", None),
    ("area_detail", "area_a"), ("area_detail", "area_b"),
    ("area_edit", "area_a"), ("area_edit", "area_b"),
    ("invite_coordinator", "area_a"),
    ("organisation_create", "area_a"), ("organisation_create", "area_b"),
]
for _name in ("organisation_detail", "organisation_edit", "unit_create", "organisation_invite"):
    for _key in ("dist_a", "venue_a", "seller_a", "dist_b", "venue_b", "seller_b_linked"):
        ROUTES.append((_name, _key))
for _key in ("unit_a", "site_a", "unit_b", "site_b"):
    ROUTES.append(("unit_edit", _key))

OK, NF, FB = 200, 404, 403
CULTURE_A = {"venue_a", "seller_a"}
WELFARE_A = {"dist_a"}


def expected(role: str, name: str, key: str | None) -> int:
    national_only = {"area_create", "area_edit", "invite_coordinator", "operating_model"}
    if role == "national":
        return OK
    if role in ("distributor", "venue", "seller", "outsider"):
        if name == "commitment_list" and role != "outsider":
            return OK
        if name == "seller_link_list" and role in ("venue", "seller"):
            return OK
        if name == "seller_link_request" and role == "seller":
            return OK
        return FB
    # coordinators of area a
    if name in national_only:
        return FB
    if name == "seller_link_list":
        return OK if role == "culture" else FB
    if name == "seller_link_request":
        return FB
    if key is None:
        return OK
    if key.startswith("area"):
        return OK if key == "area_a" else NF
    mine = CULTURE_A | {"site_a"} if role == "culture" else WELFARE_A | {"unit_a"}
    return OK if key in mine else NF


@pytest.fixture
def objects(cast):
    a, b = cast.a, cast.b
    link = network_services.seller_link_request(scope=SYSTEM, seller=b.seller_org,
                                                venue=a.venue_org)
    network_services.seller_link_decide(scope=SYSTEM, link=link, approve=True)
    return {
        "area_a": a.area, "area_b": b.area, "dist_a": a.distributor_org,
        "venue_a": a.venue_org, "seller_a": a.seller_org, "dist_b": b.distributor_org,
        "venue_b": b.venue_org, "seller_b_linked": b.seller_org, "unit_a": a.unit,
        "site_a": a.site, "unit_b": b.unit, "site_b": b.site,
    }


@pytest.mark.parametrize("role", ["national", "culture", "welfare", "distributor", "venue",
                                  "seller", "outsider"])
def test_every_route_for_every_role(cast, objects, client, role):
    user = cast.national if role in ("national",) else (
        cast.outsider if role == "outsider" else getattr(cast.a, role))
    sign_in(client, user)
    failures = []
    for name, key in ROUTES:
        args = [objects[key].pk] if key else []
        status = client.get(reverse(f"coordination:{name}", args=args)).status_code
        want = expected(role, name, key)
        if status != want:
            failures.append((name, key, status, want))
    assert not failures


def test_anonymous_is_sent_to_sign_in(client, cast):
    response = client.get(reverse("coordination:dashboard"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_every_coordination_route_is_in_the_matrix():
    from kaikukanta.coordination import urls

    names = {p.name for p in urls.urlpatterns}
    post_only = {"commitment_acknowledge", "review_done", "invitation_resend",
                 "invitation_revoke", "user_set_active", "seller_link_decide",
                 "checklist_step", "invitation_accept"}
    assert names - post_only == {n for n, _k in ROUTES}


# --- writes out of scope change nothing -----------------------------------------------

def test_coordinator_cannot_edit_other_side_or_area(cast, login):
    client = login(cast.a.welfare)
    for org in (cast.a.venue_org, cast.b.distributor_org):
        response = client.post(reverse("coordination:organisation_edit", args=[org.pk]), {
            "name": "Hijacked", "sector": "public", "contact_name": "X",
            "contact_email": "x@x.test", "is_active": "on"})
        assert response.status_code == 404
        response = client.post(reverse("coordination:unit_create", args=[org.pk]),
                               {"name": "Hijacked unit"})
        assert response.status_code == 404
    assert not Organisation.objects.filter(name="Hijacked").exists()
    assert not Unit.objects.filter(name="Hijacked unit").exists()


def test_culture_coordinator_may_not_create_a_distributor(cast, login):
    client = login(cast.a.culture)
    response = client.post(reverse("coordination:organisation_create", args=[cast.a.area.pk]), {
        "name": "Sneaky distributor", "kind": "distributor", "sector": "public",
        "contact_name": "X", "contact_email": "x@x.test"})
    assert response.status_code == 200  # the choice is not offered: form error
    assert "kind" in response.context["form"].errors
    assert not Organisation.objects.filter(name="Sneaky distributor").exists()


def test_coordinator_edits_own_side_and_audit_hides_contact_values(cast, login):
    client = login(cast.a.culture)
    response = client.post(reverse("coordination:organisation_edit", args=[cast.a.venue_org.pk]), {
        "name": "Museum Espoo", "sector": "third", "contact_name": "New Contact",
        "contact_email": "new@espoo.test", "contact_phone": "", "is_active": "on"})
    assert response.status_code == 302
    cast.a.venue_org.refresh_from_db()
    assert cast.a.venue_org.contact_name == "New Contact" and cast.a.venue_org.sector == "third"
    from kaikukanta.audit.models import AuditEntry

    entry = AuditEntry.objects.get(action="organisation.updated")
    assert entry.changes["contact_name"] == "changed"
    assert "New Contact" not in str(entry.changes)
    # deactivate a site
    response = client.post(reverse("coordination:unit_edit", args=[cast.a.site2.pk]),
                           {"name": cast.a.site2.name})
    cast.a.site2.refresh_from_db()
    assert response.status_code == 302 and not cast.a.site2.is_active


def test_culture_coordinator_creates_a_venue_without_national_flag(cast, login):
    client = login(cast.a.culture)
    response = client.post(reverse("coordination:organisation_create", args=[cast.a.area.pk]), {
        "name": "Espoo Theatre", "kind": "venue", "sector": "third",
        "contact_name": "X", "contact_email": "x@x.test"})
    org = Organisation.objects.get(name="Espoo Theatre")
    assert response.status_code == 302
    assert not hasattr(org, "national_review") or org.national_review is None


@pytest.mark.parametrize(("who", "link_of", "status"), [
    ("a.culture", "a", 302), ("a.venue", "a", 302), ("national", "a", 302),
    ("a.welfare", "a", 404), ("a.site_staff", "a", 404), ("a.seller", "a", 404),
    ("b.culture", "a", 404), ("a.culture", "b", 404),
])
def test_seller_link_decisions(cast, client, who, link_of, status):
    venue = getattr(cast, link_of).venue_org
    seller = cast.b.seller_org
    link = network_services.seller_link_request(scope=SYSTEM, seller=seller, venue=venue)
    user = cast.national if who == "national" else getattr(getattr(cast, who[0]), who[2:])
    sign_in(client, user)
    response = client.post(reverse("coordination:seller_link_decide", args=[link.pk]),
                           {"approve": "1"})
    link.refresh_from_db()
    assert response.status_code == status
    assert (link.status == "approved") == (status == 302)


def test_review_and_area_writes_are_national_only(cast, login):
    client = login(cast.a.welfare)
    response = client.post(reverse("coordination:area_create"), {
        "name": "X", "municipalities": [], "status": "preparing", "status_since": "2026-01-01"})
    assert response.status_code == 403
    response = client.post(reverse("coordination:operating_model"), {
        "version": "2027", "published_on": "2027-01-01", "summary_fi": "x"})
    assert response.status_code == 403


def test_network_pages_link_to_coordination_for_those_who_run_it(cast, login):
    org_url = reverse("network:organisation_detail", args=[cast.a.distributor_org.pk])
    manage = reverse("coordination:organisation_detail", args=[cast.a.distributor_org.pk])
    assert manage in login(cast.a.welfare).get(org_url).content.decode()
    assert manage not in login(cast.a.distributor).get(org_url).content.decode()
    area_url = reverse("network:area_detail", args=[cast.a.area.pk])
    coordinate = reverse("coordination:area_detail", args=[cast.a.area.pk])
    assert coordinate in login(cast.a.culture).get(area_url).content.decode()
    assert coordinate not in login(cast.a.venue).get(area_url).content.decode()


def test_user_list_query_count_does_not_grow_with_users(cast, login,
                                                        django_assert_max_num_queries):
    from kaikukanta.accounts.models import Membership, Role, User

    for i in range(15):
        user = User.objects.create_user(f"extra{i}@espoo.test", "x", name=f"Extra {i}")
        Membership.objects.create(user=user, role=Role.DISTRIBUTOR_STAFF,
                                  organisation=cast.a.distributor_org, unit=cast.a.unit)
    client = login(cast.a.welfare)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("coordination:user_list"))
    rows = response.context["rows"]
    assert len(rows) == 16 and all(r["manageable"] for r in rows)
    assert cast.a.venue not in [r["user"] for r in rows]


def test_taken_names_are_form_errors_not_crashes(cast, login):
    client = login(cast.a.welfare)
    response = client.post(reverse("coordination:organisation_create", args=[cast.a.area.pk]), {
        "name": cast.a.distributor_org.name, "kind": "distributor", "sector": "public",
        "contact_name": "X", "contact_email": "x@x.test"})
    assert response.status_code == 200
    assert "already in use" in str(response.context["form"].errors["name"])
    other = client.post(reverse("coordination:organisation_create", args=[cast.a.area.pk]), {
        "name": "Second office", "kind": "distributor", "sector": "public",
        "contact_name": "X", "contact_email": "x@x.test"})
    assert other.status_code == 302
    second = Organisation.objects.get(name="Second office")
    response = client.post(reverse("coordination:organisation_edit", args=[second.pk]), {
        "name": cast.a.distributor_org.name, "sector": "public", "contact_name": "X",
        "contact_email": "x@x.test", "is_active": "on"})
    assert "already in use" in str(response.context["form"].errors["name"])
    client.post(reverse("coordination:unit_create", args=[second.pk]), {"name": "Desk 2"})
    response = client.post(reverse("coordination:unit_create", args=[second.pk]),
                           {"name": "Desk 2"})
    assert "already in use" in str(response.context["form"].errors["name"])
    assert second.units.filter(name="Desk 2").count() == 1


def test_taken_area_name_is_a_form_error(cast, geo, login):
    response = login(cast.national).post(reverse("coordination:area_create"), {
        "name": "Espoo", "municipalities": [geo.municipalities["564"].pk],
        "status": "preparing", "status_since": "2026-01-01"})
    assert response.status_code == 200
    assert "already in use" in str(response.context["form"].errors["name"])
