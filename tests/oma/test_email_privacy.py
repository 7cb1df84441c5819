"""The holder's email never reaches staff: no staff page, download or API answer shows
it, whatever the role. The crawl follows every same-site link from each role's navigation
(and the holder's card page) and reads CSV, XLSX and JSON downloads too."""

from __future__ import annotations

import io
import re
import zipfile
from collections import deque

import pytest
from django.urls import reverse

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.lib.navigation import navigation_for
from kaikukanta.oma import services
from tests.conftest import sign_in
from tests.oma.conftest import HOLDER_EMAIL

ROLES = ["national", "a.culture", "a.welfare", "a.distributor", "a.venue", "a.seller"]
SKIP = re.compile(r"^/(admin/|accounts/logout|oma/|static/)|/pdf|\.pdf")
HREF = re.compile(r'href="(/[^"#]*)"')


def _texts(response) -> list[str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    texts = [body.decode("utf-8", "replace")]
    if body[:2] == b"PK":  # XLSX: look inside
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            texts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
    return texts


@pytest.fixture
def holder_with_email(cast, holder_card, account):
    """The account has the email; the card also has uses and a waiting code elsewhere."""
    from tests.api.conftest import make_offer, make_use

    make_use(holder_card, make_offer(cast.a.site))
    services.email_set(account=account, email=HOLDER_EMAIL)
    return holder_card


@pytest.mark.parametrize("who", ROLES)
def test_no_staff_page_or_download_shows_the_holders_email(client, cast, holder_with_email,
                                                          who):
    user = cast
    for part in who.split("."):
        user = getattr(user, part)
    sign_in(client, user)
    start = [i["url"] for i in navigation_for(scope_for_user(user)) if i["key"] != "admin"]
    start.append(reverse("cards:card_detail", args=[holder_with_email.number]))
    seen, queue, pages = set(start), deque(start), 0
    while queue and pages < 250:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200:
            continue
        pages += 1
        for text in _texts(response):
            assert HOLDER_EMAIL not in text, f"{who} sees the holder's email at {url}"
        if response.get("Content-Type", "").startswith("text/html"):
            for link in HREF.findall(response.content.decode()):
                link = link.replace("&amp;", "&")
                if link not in seen and not SKIP.search(link):
                    seen.add(link)
                    queue.append(link)
    assert pages > 3


def test_no_api_answer_shows_the_holders_email(cast, holder_with_email, keys, api):
    from kaikukanta.cards import token_signing

    token = token_signing.sign_card_token(
        number=holder_with_email.number, kind="personal", children=2,
        valid_until=holder_with_email.valid_until)
    for key in (keys.venue, keys.seller, keys.distributor):
        for path in ("/offers", "/uses", "/cards", f"/cards/{holder_with_email.number}",
                     f"/cards/{token}", "/openapi.json"):
            r = api(key).get(path)
            assert HOLDER_EMAIL not in r.content.decode(), path
    answer = api(keys.venue).get(f"/cards/{token}").json()
    assert answer["status"] == "valid" and answer["number"] == holder_with_email.display_number
