"""Every venue route for every role: the right person can, the wrong one gets 403/404."""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.usage.models import Category, Offer, OfferKind, UseImport
from kaikukanta.usage.services import use_record
from tests.conftest import sign_in
from tests.usage.conftest import mk

ROLES = ["national", "a.culture", "a.welfare", "a.distributor", "a.venue", "a.site_staff",
         "a.seller", "b.venue", "outsider"]


def who(cast, name):
    user = cast
    for part in name.split("."):
        user = getattr(user, part)
    return user


@pytest.fixture
def objs(cast):
    offer = Offer.objects.create(venue=cast.a.venue_org, site=cast.a.site, title_fi="Näyttely",
                                 category=Category.CULTURE, kind=OfferKind.ADMISSION)
    card = mk(cast.a.unit)
    use = use_record(scope=scope_for_user(cast.a.venue), site=cast.a.site, card_number=card.number,
                     event_date=timezone.localdate(), offer=offer)
    job = UseImport.objects.create(site=cast.a.site, uploaded_by=cast.a.venue, name="f.csv",
                                   rows=6000)
    return {"offer": offer, "use": use, "site": cast.a.site, "job": job}


# (url name, args key, method, query with site, expected per role in ROLES order)
MATRIX = [
    ("usage:desk", None, "get", True, [403, 403, 403, 403, 200, 404, 200, 404, 403]),
    ("usage:desk_record", None, "post", True, [403, 403, 403, 403, 200, 404, 200, 404, 403]),
    ("usage:desk_queued", None, "post", True, [403, 403, 403, 403, 200, 404, 200, 404, 403]),
    ("usage:desk_sw", None, "get", False, [200] * 9),
    ("usage:desk_manifest", None, "get", False, [200] * 9),
    ("usage:backfill", None, "get", True, [403, 403, 403, 403, 200, 404, 200, 404, 403]),
    ("usage:backfill_upload", None, "get", True,
     [403, 403, 403, 403, 200, 404, 200, 404, 403]),
    ("usage:uses", None, "get", False, [200] * 9),
    ("usage:use_months", None, "get", False, [200] * 9),
    ("usage:use_cancel", "use", "post", False, [403, 403, 403, 403, 302, 404, 404, 404, 404]),
    ("usage:offers", None, "get", False, [200] * 9),
    ("usage:offer_create", None, "get", False, [404, 403, 403, 403, 200, 403, 403, 200, 403]),
    ("usage:offer_edit", "offer", "get", False, [200, 403, 404, 404, 200, 404, 403, 404, 404]),
    ("usage:offer_status", "offer", "post", False,
     [302, 403, 404, 404, 302, 404, 403, 404, 404]),
    ("usage:lookups", None, "get", False, [200, 200, 403, 403, 403, 403, 403, 403, 403]),
    # a large file's page: its uploader (a.venue) only
    ("usage:upload_job", "job", "get", False, [404, 404, 404, 404, 200, 404, 404, 404, 404]),
]


def test_matrix_covers_every_route():
    names = {f"usage:{p.name}" for p in get_resolver().url_patterns
             if getattr(p, "namespace", None) == "usage" for p in p.url_patterns}
    assert names == {row[0] for row in MATRIX}


@pytest.mark.parametrize(("name", "key", "method", "with_site", "expected"), MATRIX,
                         ids=[row[0] for row in MATRIX])
def test_route_by_role(cast, objs, client, name, key, method, with_site, expected):
    url = reverse(name, args=[objs[key].pk] if key else [])
    for role, status in zip(ROLES, expected, strict=True):
        sign_in(client, who(cast, role))
        data = {"site": objs["site"].pk} if with_site else {}
        if name == "usage:offer_status":
            data = {"status": "active"}
        if name == "usage:desk_record":
            data.update(number=objs["use"].card.number, token=f"t-{role}")
        if name == "usage:desk_queued":  # a new use per role that may record
            data.update(number=mk(cast.a.unit).number, token=f"q-{role}", category="culture",
                        event_date=timezone.localdate().isoformat(), children=0)
        if name == "usage:use_cancel":
            data = {"confirm": "1"}
        response = getattr(client, method)(url, data)
        assert response.status_code == status, (role, response.status_code)


def test_asking_before_cancelling_shows_the_use_only_to_who_may_cancel(cast, objs, client):
    """The confirmation page names the card: the wrong role gets 403/404 before it."""
    url = reverse("usage:use_cancel", args=[objs["use"].pk])
    number = objs["use"].card.display_number
    for role, status in zip(ROLES, [403, 403, 403, 403, 200, 404, 404, 404, 404], strict=True):
        sign_in(client, who(cast, role))
        response = client.post(url)
        assert response.status_code == status, (role, response.status_code)
        assert (number in response.content.decode()) == (status == 200)
    objs["use"].refresh_from_db()
    assert objs["use"].status == "recorded"
