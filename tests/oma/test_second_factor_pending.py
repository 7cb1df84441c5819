"""A browser whose staff session still waits for its second factor can use OmaKaiku, the
public pages and the public API; the staff pages (OmaKaiku's distributor pages among
them) still wait for the second factor."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import sign_in
from tests.oma.conftest import HOLDER_PASSWORD

TWO_FACTOR = (reverse("accounts:two_factor_setup"), reverse("accounts:two_factor_verify"))


def _waits_for_second_factor(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(TWO_FACTOR)


def test_omakaiku_works_beside_a_staff_session_waiting_for_its_second_factor(
        client, cast, holder_card, account):
    coordinator = cast.a.culture  # coordinators must give a second factor
    sign_in(client, coordinator, second_factor=False)
    assert _waits_for_second_factor(client.get(reverse("accounts:home")))

    assert client.get(reverse("oma:sign_in")).status_code == 200
    r = client.post(reverse("oma:sign_in"), {"number": holder_card.number,
                                             "password": HOLDER_PASSWORD})
    assert r.status_code == 302 and r["Location"] == reverse("oma:home")
    for name in ("home", "uses", "offers", "my_data", "show", "close", "password_change"):
        page = client.get(reverse(f"oma:{name}"))
        assert page.status_code == 200, name
        html = page.content.decode()
        # the holder's frame: nothing of the staff session, not even its sign-out
        assert coordinator.email not in html and reverse("accounts:logout") not in html
    for name in ("data_json", "data_pdf", "show_token", "manifest", "service_worker"):
        assert client.get(reverse(f"oma:{name}")).status_code == 200, name
    assert client.get(reverse("card_keys")).status_code == 200
    # the staff session is still there, still waiting, and opens no staff page
    assert _waits_for_second_factor(client.get(reverse("cards:card_list")))
    for name in ("staff_start", "staff_cancel"):
        r = client.post(reverse(f"oma:{name}", args=[holder_card.number]))
        assert _waits_for_second_factor(r), name
    r = client.post(reverse("oma:sign_out"))
    assert r.status_code == 302 and not _waits_for_second_factor(r)


def test_public_pages_and_the_public_api_beside_a_waiting_staff_session(client, cast):
    sign_in(client, cast.a.welfare, second_factor=False)
    assert _waits_for_second_factor(client.get(reverse("accounts:home")))
    for url in ("/fi/", "/sv/offers/", "/en/open-data/", f"/fi/areas/{cast.a.area.pk}/",
                "/sitemap.xml", "/robots.txt"):
        assert client.get(url).status_code == 200, url
    for url in ("/api/public/v1/annual", "/api/public/v1/openapi.json"):
        r = client.get(url)
        assert r.status_code == 200 and r["Content-Type"].startswith("application/json"), url
