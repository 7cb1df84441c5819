"""The issue's "done when": a national admin starts a new area, invites a welfare
coordinator, who adds a distributor with a unit and invites a staff member who signs in."""

from django.test import Client
from django.urls import reverse

from kaikukanta.accounts.models import Membership, Role, User
from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.cards.models import Card
from kaikukanta.cards.services import batch_create
from kaikukanta.coordination.models import DistributorReview
from kaikukanta.lib.permissions import Perm, can
from kaikukanta.network.models import Area, Organisation
from tests.conftest import sign_in, totp_code

PASSWORD = "Kulttuuria-kaikille-2026"


def test_new_area_from_national_admin_to_signed_in_distributor(cast, geo, postal_codes, client,
                                                                mailoutbox, last_token):
    sign_in(client, cast.national)
    oulu = geo.municipalities["564"]
    # Oulu is free; Espoo belongs to area a, so adding it is refused in the form first
    response = client.post(reverse("coordination:area_create"), {
        "name": "Pohjoinen", "municipalities": [oulu.pk, geo.municipalities["049"].pk],
        "status": "preparing", "status_since": "2026-11-01",
    })
    assert response.status_code == 200
    assert "Espoo already belongs to the active area Espoo." in response.content.decode()
    assert not Area.objects.filter(name="Pohjoinen").exists()

    cast.b.area.status = "ended"  # Kainuu ended, so Sotkamo is free again
    cast.b.area.save()
    sotkamo = geo.municipalities["765"]
    response = client.post(reverse("coordination:area_create"), {
        "name": "Pohjoinen", "municipalities": [oulu.pk, sotkamo.pk], "status": "preparing",
        "status_since": "2026-11-01",
    })
    area = Area.objects.get(name="Pohjoinen")
    assert response.status_code == 302
    assert set(area.municipalities.values_list("code", flat=True)) == {"564", "765"}

    response = client.post(reverse("coordination:invite_coordinator", args=[area.pk]), {
        "name": "Hanna Hyvinvointi", "email": "Hanna@Pohjoinen.test", "language": "sv",
        "role": Role.WELFARE_COORDINATOR,
    })
    assert response.status_code == 302
    assert mailoutbox[-1].to == ["hanna@pohjoinen.test"]
    assert "Kaikukanta" in mailoutbox[-1].subject
    assert "http://testserver/coordination/invite/" in mailoutbox[-1].body
    token = last_token()
    body = client.get(reverse("coordination:area_detail", args=[area.pk])).content.decode()
    assert "Hanna Hyvinvointi" in body  # the open invitation shows on the area page
    client.logout()

    # the coordinator accepts the link and lands on her home page, signed in
    response = client.get(reverse("coordination:invitation_accept", args=[token]))
    assert response.status_code == 200
    response = client.post(reverse("coordination:invitation_accept", args=[token]), {
        "name": "Hanna Hyvinvointi", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:home")
    hanna = User.objects.get(email="hanna@pohjoinen.test")
    assert hanna.language == "sv"
    assert Membership.objects.filter(user=hanna, role=Role.WELFARE_COORDINATOR,
                                     area=area).exists()
    # as a coordinator she first sets up the second factor, then reaches her pages
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))
    assert client.get(response["Location"]).status_code == 200
    response = client.post(response["Location"], {"code": totp_code(hanna, confirmed=False)})
    assert response.status_code == 200 and len(response.context["codes"]) == 10
    assert client.get(reverse("accounts:home")).status_code == 200

    # she adds a distributor with a unit: it is flagged for the national team
    response = client.post(reverse("coordination:organisation_create", args=[area.pk]), {
        "name": "Oulun sosiaalitoimisto", "kind": "distributor", "sector": "public",
        "contact_name": "Kaija Kontakti", "contact_email": "kaija@pohjoinen.test",
        "first_unit_name": "Keskustan toimipiste", "first_unit_municipality": oulu.pk,
    })
    org = Organisation.objects.get(name="Oulun sosiaalitoimisto")
    assert response.status_code == 302
    assert org.home_area == area and org.kind == "distributor"
    assert DistributorReview.objects.pending().filter(organisation=org).exists()
    unit = org.units.get()
    assert unit.name == "Keskustan toimipiste" and unit.municipality == oulu

    response = client.post(reverse("coordination:organisation_invite", args=[org.pk]), {
        "name": "Jonna Jakaja", "email": "jonna@pohjoinen.test", "language": "fi",
        "role": Role.DISTRIBUTOR_STAFF, "unit": unit.pk,
    })
    assert response.status_code == 302
    token = last_token()
    assert "Sinut on kutsuttu" in mailoutbox[-1].body  # Finnish, as chosen
    client.logout()

    client.post(reverse("coordination:invitation_accept", args=[token]), {
        "name": "Jonna Jakaja", "password1": PASSWORD, "password2": PASSWORD})
    client.logout()
    response = client.post(reverse("accounts:login"),
                           {"username": "jonna@pohjoinen.test", "password": PASSWORD})
    assert response.status_code == 302
    jonna = User.objects.get(email="jonna@pohjoinen.test")
    assert can(scope_for_user(jonna), Perm.ISSUE_CARDS, unit)
    assert not can(scope_for_user(jonna), Perm.ISSUE_CARDS, cast.a.unit)

    # the area's card stock is printed and the trial starts; Jonna registers a card from
    # the new area's stock at her desk
    batch = batch_create(scope=scope_for_user(hanna), area=area, count=5)
    national = Client()
    sign_in(national, cast.national)
    response = national.post(reverse("coordination:area_edit", args=[area.pk]), {
        "name": "Pohjoinen", "municipalities": [oulu.pk, sotkamo.pk], "status": "trial",
        "status_since": "2026-11-20"})
    assert response.status_code == 302
    number = batch.cards.order_by("number").first().number
    response = client.post(reverse("cards:register"), {
        "unit": unit.pk, "number": number, "birth_year": 1985, "postal_code": "90100",
        "children": 0})
    assert response.status_code == 302, response.context["form"].errors
    card = Card.objects.get(number=number)
    assert card.status == "active" and card.unit == unit and card.area == area
    assert card.registered_at is not None

    # the national dashboard lists the new distributor until it is reviewed
    sign_in(client, cast.national)
    body = client.get(reverse("coordination:dashboard")).content.decode()
    assert "Oulun sosiaalitoimisto" in body
    review = DistributorReview.objects.get(organisation=org)
    client.post(reverse("coordination:review_done", args=[review.pk]))
    review.refresh_from_db()
    assert review.reviewed_at is not None and review.reviewed_by == cast.national
