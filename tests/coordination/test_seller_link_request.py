"""A ticket seller asks to sell for a venue in another area; that area decides."""

from django.urls import reverse

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.lib.permissions import Perm, can
from kaikukanta.network.models import SellerLink, SellerLinkStatus
from tests.conftest import sign_in


def test_seller_asks_and_the_venues_coordinator_approves(cast, client):
    a, b = cast.a, cast.b
    sign_in(client, a.seller)
    form = client.get(reverse("coordination:seller_link_request")).content.decode()
    assert b.venue_org.name in form  # venue names are public
    assert b.distributor_org.name not in form
    response = client.post(reverse("coordination:seller_link_request"),
                           {"seller": a.seller_org.pk, "venue": b.venue_org.pk})
    assert response.status_code == 302
    link = SellerLink.objects.get(seller=a.seller_org, venue=b.venue_org)
    assert link.status == SellerLinkStatus.PENDING
    assert not can(scope_for_user(a.seller), Perm.RECORD_USES, b.site)
    # the seller sees its request but cannot decide on it
    body = client.get(reverse("coordination:seller_link_list")).content.decode()
    assert b.venue_org.name in body and "approve" not in body.split("<tbody>")[1]
    response = client.post(reverse("coordination:seller_link_decide", args=[link.pk]),
                           {"approve": "1"})
    assert response.status_code == 403
    link.refresh_from_db()
    assert link.status == SellerLinkStatus.PENDING
    # area a's coordinator does not see it; area b's decides
    sign_in(client, a.culture)
    assert client.post(reverse("coordination:seller_link_decide", args=[link.pk]),
                       {"approve": "1"}).status_code == 404
    sign_in(client, b.culture)
    client.post(reverse("coordination:seller_link_decide", args=[link.pk]), {"approve": "1"})
    link.refresh_from_db()
    assert link.status == SellerLinkStatus.APPROVED
    assert can(scope_for_user(a.seller), Perm.RECORD_USES, b.site)


def test_seller_cannot_ask_for_another_seller(cast, client):
    sign_in(client, cast.a.seller)
    response = client.post(reverse("coordination:seller_link_request"),
                           {"seller": cast.b.seller_org.pk, "venue": cast.b.venue_org.pk})
    assert response.status_code == 200  # the form refuses the choice
    assert not SellerLink.objects.filter(seller=cast.b.seller_org).exists()


def test_asking_again_after_rejection_goes_back_to_pending(cast, client):
    a, b = cast.a, cast.b
    sign_in(client, a.seller)
    client.post(reverse("coordination:seller_link_request"),
                {"seller": a.seller_org.pk, "venue": b.venue_org.pk})
    link = SellerLink.objects.get(seller=a.seller_org, venue=b.venue_org)
    sign_in(client, b.culture)
    client.post(reverse("coordination:seller_link_decide", args=[link.pk]),
                {"approve": "0", "confirm": "1"})
    link.refresh_from_db()
    assert link.status == SellerLinkStatus.REJECTED
    sign_in(client, a.seller)
    client.post(reverse("coordination:seller_link_request"),
                {"seller": a.seller_org.pk, "venue": b.venue_org.pk})
    link.refresh_from_db()
    assert link.status == SellerLinkStatus.PENDING and link.decided_by is None
