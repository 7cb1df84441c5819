"""Answers are gzip-compressed when the client accepts it, except pages that show a
one-time secret (lib/compression.py: BREACH)."""

import gzip

from django.urls import reverse

from tests.conftest import sign_in

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def _gunzip(response) -> str:
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    return gzip.decompress(response.content).decode()


def test_pages_and_json_are_compressed_when_accepted(cast, client, api, keys, offers):
    plain = client.get("/fi/")
    assert plain.status_code == 200 and not plain.has_header("Content-Encoding")
    packed = client.get("/fi/", headers=GZIP)
    body = _gunzip(packed)
    assert len(packed.content) < len(body) / 2
    # the same page (the CSRF token is masked anew on every answer, so compare the frame)
    assert body.split("<main")[0][:200] == plain.content.decode().split("<main")[0][:200]
    sign_in(client, cast.a.distributor)
    page = client.get(reverse("cards:card_list"), headers=GZIP)
    assert page.status_code == 200 and "<html" in _gunzip(page)
    key_answer = api(keys.venue).get("/offers", **GZIP)
    assert key_answer.status_code == 200 and _gunzip(key_answer).startswith("{")
    assert client.get("/api/public/v1/areas", headers=GZIP)["Content-Encoding"] == "gzip"


def test_pages_with_a_one_time_secret_are_never_compressed(cast, client):
    sign_in(client, cast.a.venue)
    codes = client.post(reverse("accounts:recovery_codes"), headers=GZIP)
    assert codes.status_code == 200 and len(codes.content) > 200
    assert not codes.has_header("Content-Encoding")
    sign_in(client, cast.a.culture)
    url = reverse("api:key_organisation", args=[cast.a.venue_org.pk])
    made = client.post(url, {"label": "Lippujärjestelmä", "access": "read"}, headers=GZIP)
    assert made.status_code == 200 and 'id="new-key"' in made.content.decode()
    assert not made.has_header("Content-Encoding")
    # the same page without a new key on it is compressed
    assert client.get(url, headers=GZIP)["Content-Encoding"] == "gzip"
