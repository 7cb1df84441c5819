"""Who may open which card page: one row per (page, role). A new route without rows fails."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaikukanta.cards import services
from kaikukanta.cards.urls import urlpatterns
from kaikukanta.lib.scope import SYSTEM
from tests.conftest import sign_in
from tests.factories import make_card

ROLES = ["a.distributor", "b.distributor", "a.welfare", "a.culture", "b.welfare", "a.venue",
         "a.site_staff", "a.seller", "national", "outsider"]

# page -> expected status for each role, in the order of ROLES (GET)
MATRIX = {
    "card_list":       [200, 200, 200, 403, 200, 403, 403, 403, 200, 403],
    "register":        [200, 200, 403, 403, 403, 403, 403, 403, 403, 403],
    "community_issue": [200, 200, 403, 403, 403, 403, 403, 403, 403, 403],
    "batch_list":      [403, 403, 200, 200, 200, 403, 403, 403, 200, 403],
    "batch_create":    [403, 403, 200, 200, 200, 403, 403, 403, 200, 403],
    "batch_pdf":       [404, 404, 200, 200, 404, 404, 404, 404, 200, 404],
    "card_detail":     [200, 404, 200, 404, 404, 404, 404, 404, 200, 404],
    "card_renew":      [200, 404, 403, 404, 404, 404, 404, 404, 403, 404],
    "card_update":     [200, 404, 403, 404, 404, 404, 404, 404, 403, 404],
    "card_correct":    [200, 404, 403, 404, 404, 404, 404, 404, 403, 404],
    "card_inactivate": [200, 404, 403, 404, 404, 404, 404, 404, 403, 404],
    "card_replace":    [200, 404, 403, 404, 404, 404, 404, 404, 403, 404],
    "card_move":       [403, 404, 200, 404, 404, 404, 404, 404, 200, 404],
    "card_void":       [404, 404, 200, 200, 404, 404, 404, 404, 200, 404],  # a stock number
    "batch_print_request": [405] * 10,  # POST only (tests/cards/test_batch_print.py)
    "batch_print":     [404, 404, 200, 200, 404, 404, 404, 404, 200, 404],
    "batch_print_download": [404, 404, 200, 200, 404, 404, 404, 404, 200, 404],
}


def test_every_route_has_a_row():
    assert {p.name for p in urlpatterns} == set(MATRIX)


def _user(cast, role):
    obj = cast
    for part in role.split("."):
        obj = getattr(obj, part)
    return obj


@pytest.mark.django_db
@pytest.mark.parametrize("page", sorted(MATRIX))
def test_permission_matrix(cast, client, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    card = make_card(cast.a.unit)
    batch = services.batch_create(scope=SYSTEM, area=cast.a.area, count=2)
    stock_number = batch.cards.first().number
    if page in ("batch_pdf", "batch_print_request"):
        args = [batch.pk]
    elif page.startswith("batch_print"):
        args = [services.batch_print_request(scope=SYSTEM, batch=batch).pk]
    elif page == "card_void":
        args = [stock_number]
    elif page.startswith("card_") and page != "card_list":
        args = [card.number]
    else:
        args = []
    url = reverse(f"cards:{page}", args=args)
    got = []
    for role in ROLES:
        sign_in(client, _user(cast, role))
        got.append(client.get(url).status_code)
        client.logout()
    assert dict(zip(ROLES, got, strict=True)) == dict(zip(ROLES, MATRIX[page], strict=True))
    assert client.get(url).status_code == 302  # anonymous: to the sign-in page
