"""Actions that cannot simply be undone ask first (lib.confirm): cancelling a use,
deactivating a person, rejecting a ticket seller's link. The first post shows a page that
names what is affected and changes nothing; the second (confirm=1) acts and says what was
done. The wrong person gets 403/404 before any name is shown."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from kaikukanta.accounts.models import User
from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.lib.scope import SYSTEM
from kaikukanta.network import services as network_services
from kaikukanta.network.models import SellerLink, SellerLinkStatus
from kaikukanta.usage.models import Category, Offer, OfferKind, UseStatus
from kaikukanta.usage.services import use_record
from tests.conftest import sign_in
from tests.usage.conftest import mk


def hidden_fields(body: str) -> dict[str, str]:
    form = body.split('class="button-row"')[1].split("</form>")[0]
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))


def test_cancelling_a_use_names_card_offer_and_date_and_says_what_was_cancelled(cast, client):
    offer = Offer.objects.create(venue=cast.a.venue_org, site=cast.a.site, title_fi="Näyttely",
                                 title_en="Exhibition", category=Category.CULTURE,
                                 kind=OfferKind.ADMISSION)
    card = mk(cast.a.unit)
    day = timezone.localdate()
    use = use_record(scope=scope_for_user(cast.a.venue), site=cast.a.site,
                     card_number=card.number, event_date=day, offer=offer)
    sign_in(client, cast.a.venue)
    url = reverse("usage:use_cancel", args=[use.pk])
    response = client.post(url, {"next": "/venue/uses/?site=1"})
    body = response.content.decode()
    assert response.status_code == 200 and "Cancel the use?" in body
    assert card.display_number in body and "Exhibition" in body
    with translation.override("en"):
        assert date_format(day, "SHORT_DATE_FORMAT") in body
    assert cast.a.site.name in body
    # the page posts the same fields again, with confirm=1; going back changes nothing
    fields = hidden_fields(body)
    assert fields["next"] == "/venue/uses/?site=1" and fields["confirm"] == "1"
    assert 'href="/venue/uses/?site=1"' in body
    use.refresh_from_db()
    assert use.status == UseStatus.RECORDED
    response = client.post(url, fields)
    assert response.status_code == 302 and response["Location"] == "/venue/uses/?site=1"
    use.refresh_from_db()
    assert use.status == UseStatus.CANCELLED
    body = client.get(reverse("usage:uses")).content.decode()
    assert f"Cancelled: the use of card {card.display_number}, Exhibition," in body


def test_cancelling_refuses_a_foreign_next_address(cast, client):
    card = mk(cast.a.unit)
    use = use_record(scope=scope_for_user(cast.a.venue), site=cast.a.site,
                     card_number=card.number, event_date=timezone.localdate(),
                     category=Category.CULTURE)
    sign_in(client, cast.a.venue)
    url = reverse("usage:use_cancel", args=[use.pk])
    body = client.post(url, {"next": "https://evil.test/"}).content.decode()
    assert "evil.test\"" not in body.split('class="button-row"')[1].split("</a>")[0].split(
        "href=")[1]
    response = client.post(url, {"next": "https://evil.test/", "confirm": "1"})
    assert response["Location"] == reverse("usage:uses")


def test_deactivating_asks_naming_the_person_then_deactivates(cast, client):
    target = cast.a.site_staff
    sign_in(client, cast.a.culture)
    url = reverse("coordination:user_set_active", args=[target.pk])
    response = client.post(url, {"active": "0"})
    body = response.content.decode()
    assert response.status_code == 200 and f"Deactivate {target.name}?" in body
    assert target.email in body and "pending invitations are revoked" in body
    assert User.objects.get(pk=target.pk).is_active
    response = client.post(url, hidden_fields(body))
    assert response.status_code == 302
    assert not User.objects.get(pk=target.pk).is_active
    body = client.get(reverse("coordination:user_list")).content.decode()
    assert f"{target.name} can no longer sign in." in body
    # reactivating does not ask
    assert client.post(url, {"active": "1"}).status_code == 302
    assert User.objects.get(pk=target.pk).is_active


@pytest.mark.parametrize(("actor", "status"), [
    ("a.welfare", 404), ("b.culture", 404), ("a.distributor", 403), ("a.venue", 403)])
def test_asking_to_deactivate_shows_nothing_to_the_wrong_person(cast, client, actor, status):
    target = cast.a.site_staff
    sign_in(client, getattr(getattr(cast, actor[0]), actor[2:]))
    response = client.post(reverse("coordination:user_set_active", args=[target.pk]),
                           {"active": "0"})
    assert response.status_code == status
    assert target.email not in response.content.decode()
    assert User.objects.get(pk=target.pk).is_active


def _pending_link(cast) -> SellerLink:
    return network_services.seller_link_request(scope=SYSTEM, seller=cast.a.seller_org,
                                                venue=cast.b.venue_org)


def test_rejecting_a_seller_link_asks_first_and_says_what_was_rejected(cast, client):
    link = _pending_link(cast)
    sign_in(client, cast.b.culture)
    url = reverse("coordination:seller_link_decide", args=[link.pk])
    response = client.post(url, {"approve": "0"})
    body = response.content.decode()
    assert response.status_code == 200 and "Reject the ticket seller" in body
    assert cast.a.seller_org.name in body and cast.b.venue_org.name in body
    link.refresh_from_db()
    assert link.status == SellerLinkStatus.PENDING
    response = client.post(url, hidden_fields(body), follow=True)
    link.refresh_from_db()
    assert link.status == SellerLinkStatus.REJECTED
    assert (f"Rejected: {cast.a.seller_org.name} may not sell for {cast.b.venue_org.name}."
            in response.content.decode())


def test_approving_a_seller_link_does_not_ask(cast, client):
    link = _pending_link(cast)
    sign_in(client, cast.b.culture)
    response = client.post(reverse("coordination:seller_link_decide", args=[link.pk]),
                           {"approve": "1"}, follow=True)
    link.refresh_from_db()
    assert link.status == SellerLinkStatus.APPROVED
    assert "Approved:" in response.content.decode()


@pytest.mark.parametrize(("actor", "status"), [
    ("a.culture", 404), ("b.welfare", 404), ("a.seller", 403)])
def test_asking_to_reject_shows_nothing_to_the_wrong_person(cast, client, actor, status):
    link = _pending_link(cast)
    sign_in(client, getattr(getattr(cast, actor[0]), actor[2:]))
    response = client.post(reverse("coordination:seller_link_decide", args=[link.pk]),
                           {"approve": "0"})
    assert response.status_code == status
    link.refresh_from_db()
    assert link.status == SellerLinkStatus.PENDING


def test_the_confirmation_page_is_translated(cast, client, settings):
    sign_in(client, cast.a.culture)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    body = client.post(reverse("coordination:user_set_active", args=[cast.a.site_staff.pk]),
                       {"active": "0"}).content.decode()
    assert "Poistetaanko" in body and "Ei, takaisin" in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    body = client.post(reverse("coordination:user_set_active", args=[cast.a.site_staff.pk]),
                       {"active": "0"}).content.decode()
    assert "Inaktivera" in body and "Nej, tillbaka" in body
