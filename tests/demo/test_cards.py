"""The demo lets the demo distributor do the whole card round at the counter."""

from django.urls import reverse

from kaikukanta.accounts.models import User
from kaikukanta.cards.models import Card, CardBatch, CardKind, CardStatus
from tests.conftest import sign_in


def test_demo_cards_and_the_distributor_round(demo, client):
    assert CardBatch.objects.exists()
    assert Card.objects.registered().count() >= 300
    assert Card.objects.filter(status=CardStatus.INACTIVE).exists()
    assert Card.objects.filter(replaces__isnull=False).count() == 1
    assert Card.objects.filter(kind=CardKind.COMMUNITY, status=CardStatus.ACTIVE).exists()

    user = User.objects.get(email="jakaja.espoo@demo.kaikukanta.fi")
    sign_in(client, user)
    number = (Card.objects.filter(status=CardStatus.UNUSED, kind=CardKind.PERSONAL,
                                  batch__area__name="Espoo").values_list("number", flat=True)
              .first())
    assert number
    unit = user.memberships.get().unit
    response = client.post(reverse("cards:register"), {
        "unit": unit.pk, "number": number, "birth_year": "1980", "postal_code": "02100",
        "children": "2"})
    assert response.status_code == 302
    # the demo has postal codes outside every area
    other = (Card.objects.filter(status=CardStatus.UNUSED, kind=CardKind.PERSONAL,
                                 batch__area__name="Espoo").values_list("number", flat=True)
             .first())
    response = client.post(reverse("cards:register"), {
        "unit": unit.pk, "number": other, "birth_year": "1980", "postal_code": "00100",
        "children": "0"})
    assert response.status_code == 200 and "Helsin" in response.content.decode()
    assert client.post(reverse("cards:card_renew", args=[number]),
                       {"confirmed": "on"}).status_code == 302
    response = client.post(reverse("cards:card_replace", args=[number]),
                           {"new_number": other, "reason": "lost"})
    assert response.status_code == 302
    assert Card.objects.get(number=other).replaces.number == number
