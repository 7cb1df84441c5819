"""Signed mobile-card tokens: offline verification with only the public key, and the
desk look-up of a scanned token (same log and slow-down as a typed number)."""

from __future__ import annotations

import base64
import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.cards import cardtoken, numbers, token_errors, token_signing
from kaikukanta.cards.models import CardKind, CardStatus
from kaikukanta.usage import errors, services
from kaikukanta.usage.models import LookupLog
from tests.usage.conftest import mk


def _sign(card, **kw):
    return token_signing.sign_card_token(number=card.number, kind=card.kind,
                                         children=card.children,
                                         valid_until=card.valid_until, **kw)


def _tamper(token: str, **changes) -> str:
    head, body, sig = token.split(".")
    payload = json.loads(cardtoken.b64url_decode(body))
    payload.update(changes)
    body = cardtoken.b64url_encode(json.dumps(payload).encode())
    return f"{head}.{body}.{sig}"


@pytest.fixture
def card(cast):
    return mk(cast.a.unit, children=2)


def test_offline_verification_needs_only_the_published_key(client, card):
    """A desk with no database: the published JWK set and the pure verifier suffice."""
    jwks = client.get("/.well-known/kaikukanta-card-keys.json").json()
    assert set(jwks["keys"][0]) >= {"kty", "crv", "x", "kid"}
    assert all("d" not in key for key in jwks["keys"])  # no private part
    keys = cardtoken.public_keys_from_jwks(jwks)
    token = _sign(card)
    claims = cardtoken.verify(token, keys)
    assert (claims.number, claims.kind, claims.children) == (card.number, "personal", 2)
    assert claims.valid_until == card.valid_until
    assert (claims.expires_at - claims.issued_at) == datetime.timedelta(minutes=5)
    with pytest.raises(cardtoken.TokenBadSignature):
        cardtoken.verify(_tamper(token, children=9), keys)
    later = claims.expires_at + datetime.timedelta(seconds=1)
    with pytest.raises(cardtoken.TokenExpired) as exc:
        cardtoken.verify(token, keys, now=later)
    assert exc.value.claims.number == card.number


def test_a_token_signed_with_another_key_is_refused(card, settings):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    good_keys = token_signing.verification_keys()
    other = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
        serialization.NoEncryption())
    settings.KAIKUKANTA_CARD_SIGNING_KEY = base64.b64encode(other).decode()
    forged = _sign(card)
    with pytest.raises(cardtoken.TokenBadSignature):
        cardtoken.verify(forged, good_keys)


def test_token_of_another_type_is_refused(card):
    head, body, _sig = _sign(card).split(".")
    header = json.loads(cardtoken.b64url_decode(head))
    header["typ"] = "kaikukortti-ticket"
    head = cardtoken.b64url_encode(json.dumps(header).encode())
    signing_input = f"{head}.{body}"
    sig = cardtoken.b64url_encode(token_signing.private_key().sign(signing_input.encode()))
    with pytest.raises(cardtoken.TokenWrongType):
        token_signing.verify(f"{signing_input}.{sig}")


def test_desk_lookup_of_a_token_is_the_same_answer_and_logged(cast, card):
    by_number = services.card_lookup(scope=scope_for_user(cast.a.venue), number_text=card.number)
    by_token = services.card_lookup(scope=scope_for_user(cast.a.venue), number_text=_sign(card))
    assert by_token.status == by_number.status == "valid"
    assert by_token.children_max == by_number.children_max == 2
    assert by_token.signed_at is not None and by_number.signed_at is None
    logs = list(LookupLog.objects.order_by("id").values_list("number", "found"))
    assert logs == [(card.number, True), (card.number, True)]


def test_desk_page_says_signed_at(login, cast, card):
    client = login(cast.a.venue)
    now = timezone.now()
    token = _sign(card, now=now)
    r = client.get(reverse("usage:desk"), {"site": cast.a.site.pk, "number": token})
    html = r.content.decode()
    assert r.status_code == 200 and 'data-status="valid"' in html
    assert f"signed at {timezone.localtime(now):%H:%M}" in html
    assert card.display_number in html


def test_card_inactivated_after_signing_says_so(login, cast, card):
    token = _sign(card)
    card.status = CardStatus.INACTIVE
    card.inactivated_on = timezone.localdate()
    card.save()
    r = login(cast.a.venue).get(reverse("usage:desk"), {"site": cast.a.site.pk,
                                                         "number": token})
    html = r.content.decode()
    assert 'data-status="inactive"' in html
    assert "inactivated after the mobile card was signed" in html


@pytest.mark.parametrize("case", ["bad_signature", "expired", "wrong_kind", "malformed"])
def test_each_bad_token_has_its_own_message(login, cast, card, case):
    if case == "bad_signature":
        token, expected = _tamper(_sign(card), children=9), token_errors.TokenBadSignature
    elif case == "expired":
        token = _sign(card, now=timezone.now() - datetime.timedelta(minutes=6))
        expected = token_errors.TokenExpired
    elif case == "wrong_kind":
        community = mk(cast.a.unit, kind=CardKind.COMMUNITY)
        token = token_signing.sign_card_token(number=community.number, kind="personal",
                                              children=3, valid_until=community.valid_until)
        expected = token_errors.TokenWrongKind
    else:
        token = "eyJ" + "A" * 40 + "." + "B" * 40 + "." + "C" * 86
        expected = token_errors.TokenMalformed
    with pytest.raises(expected):
        services.card_lookup(scope=scope_for_user(cast.a.venue), number_text=token)
    r = login(cast.a.venue).get(reverse("usage:desk"), {"site": cast.a.site.pk,
                                                         "number": token})
    html = r.content.decode()
    assert str(expected.message).split(" (")[0].split(".")[0] in html
    assert "data-status" not in html


def test_forged_token_for_a_number_that_does_not_exist_says_the_same(cast, card):
    """A bad signature is judged before any look-up: no hint whether the number exists."""
    real = _tamper(_sign(card), children=1)
    fake = _tamper(_sign(card), sub=numbers.generate())
    messages = []
    for token in (real, fake):
        with pytest.raises(token_errors.TokenBadSignature) as exc:
            services.card_lookup(scope=scope_for_user(cast.a.venue), number_text=token)
        messages.append(str(exc.value))
    assert messages[0] == messages[1]


def test_forged_tokens_count_as_guesses_and_are_slowed_down(cast, card, settings):
    settings.KAIKUKANTA_LOOKUP_UNKNOWN_LIMIT = 3
    forged = _tamper(_sign(card), children=5)
    for _ in range(3):
        with pytest.raises(token_errors.TokenBadSignature):
            services.card_lookup(scope=scope_for_user(cast.a.venue), number_text=forged)
    with pytest.raises(errors.LookupThrottled):
        services.card_lookup(scope=scope_for_user(cast.a.venue), number_text=_sign(card))
    assert LookupLog.objects.filter(throttled=True).count() == 1


def test_api_card_look_up_accepts_a_token(cast, card, keys, api):
    token = _sign(card)
    answer = api(keys.venue).get(f"/cards/{token}")
    by_number = api(keys.venue).get(f"/cards/{card.number}").json()
    data = answer.json()
    assert answer.status_code == 200 and data["status"] == by_number["status"] == "valid"
    assert data["number"] == card.display_number and data["signed_at"]
    assert by_number["signed_at"] is None
    bad = api(keys.venue).get(f"/cards/{_tamper(token, children=7)}")
    assert bad.status_code == 400 and bad.json()["code"] == "card_token_bad_signature"
    old = _sign(card, now=timezone.now() - datetime.timedelta(minutes=10))
    expired = api(keys.venue).get(f"/cards/{old}")
    assert expired.status_code == 400 and expired.json()["code"] == "card_token_expired"
    assert LookupLog.objects.filter(number=card.number).count() == 3
