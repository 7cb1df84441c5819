"""Distributor staff start OmaKaiku: a one-time code, on screen and on a printed slip in
the holder's language; they see whether OmaKaiku is in use, never a credential."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaikukanta.audit.models import AuditEntry
from kaikukanta.cards.models import CardStatus
from kaikukanta.oma import services
from kaikukanta.oma.models import ActivationCode
from tests.conftest import sign_in
from tests.oma.conftest import HOLDER_EMAIL, code_from_slip


def start(client, card, language="fi"):
    return client.post(reverse("oma:staff_start", args=[card.number]), {"language": language})


def test_distributor_starts_omakaiku_and_sees_a_slip(login, cast, holder_card):
    client = login(cast.a.distributor)
    page = client.get(reverse("cards:card_detail", args=[holder_card.number])).content.decode()
    assert 'data-oma="not-started"' in page and "Start OmaKaiku" in page
    r = start(client, holder_card, "sv")
    html = r.content.decode()
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    code = code_from_slip(html)
    assert len(code.replace("-", "")) == services.CODE_LENGTH
    assert "<svg" in html and "http://testserver/oma/activate/" in html
    assert 'lang="sv"' in html and "Ditt OmaKaiku" in html  # the slip in Swedish
    row = ActivationCode.objects.get()
    assert code.replace("-", "") not in row.code_hash and row.code_hash == services.code_hash(code)
    assert round((row.expires_at - row.created_at).total_seconds() / 86400) == 14
    assert AuditEntry.objects.filter(action="oma.code_created").count() == 1
    page = client.get(reverse("cards:card_detail", args=[holder_card.number])).content.decode()
    assert 'data-oma="code-waiting"' in page and code not in page


def test_a_new_code_replaces_the_old_and_cancel_stops_it(login, cast, holder_card):
    client = login(cast.a.distributor)
    first = code_from_slip(start(client, holder_card).content.decode())
    second = code_from_slip(start(client, holder_card).content.decode())
    assert first != second and ActivationCode.objects.open().count() == 1
    r = client.post(reverse("oma:staff_cancel", args=[holder_card.number]))
    assert r.status_code == 302 and ActivationCode.objects.open().count() == 0


def test_staff_see_in_use_but_no_credential_or_email(login, cast, holder_card, account):
    client = login(cast.a.distributor)
    page = client.get(reverse("cards:card_detail", args=[holder_card.number])).content.decode()
    assert 'data-oma="in-use"' in page
    assert HOLDER_EMAIL not in page and account.password not in page
    r = start(client, holder_card)
    assert r.status_code == 302 and ActivationCode.objects.open().count() == 0


@pytest.mark.parametrize(("who", "status"), [
    ("b.distributor", 404), ("a.venue", 404), ("outsider", 404), ("a.welfare", 403),
    ("a.culture", 404),
])
def test_only_the_issuing_unit_starts_or_cancels(login, cast, holder_card, who, status):
    user = cast
    for part in who.split("."):
        user = getattr(user, part)
    client = login(user)
    assert start(client, holder_card).status_code == status
    r = client.post(reverse("oma:staff_cancel", args=[holder_card.number]))
    assert r.status_code == status
    assert ActivationCode.objects.count() == 0


def test_no_code_for_an_inactivated_card(login, cast, holder_card):
    holder_card.status = CardStatus.INACTIVE
    holder_card.save()
    r = start(login(cast.a.distributor), holder_card)
    assert r.status_code == 302 and ActivationCode.objects.count() == 0


def test_staff_pages_need_sign_in_and_post(client, cast, holder_card):
    r = client.post(reverse("oma:staff_start", args=[holder_card.number]), {"language": "fi"})
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    sign_in(client, cast.a.distributor)
    assert client.get(reverse("oma:staff_start", args=[holder_card.number])).status_code == 405
