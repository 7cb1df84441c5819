"""Signing mobile-card tokens with the registry's Ed25519 key (see `cardtoken` for the
format and for verifying)."""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
from functools import cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from kaikukanta.cards import cardtoken

# Used only when DEBUG, the demo or the tests run without KAIKUKANTA_CARD_SIGNING_KEY:
# everybody can read this seed, so tokens signed with it prove nothing.
DEMO_ONLY_SEED = hashlib.sha256(b"kaikukanta demo-only card signing key, never in production")


@cache
def _private_key(configured: str) -> Ed25519PrivateKey:
    if not configured:
        return Ed25519PrivateKey.from_private_bytes(DEMO_ONLY_SEED.digest())
    try:
        raw = base64.b64decode(configured, validate=True)
        return Ed25519PrivateKey.from_private_bytes(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(
            "KAIKUKANTA_CARD_SIGNING_KEY must be the base64 of a 32-byte Ed25519 private key"
        ) from exc


def private_key() -> Ed25519PrivateKey:
    return _private_key(settings.KAIKUKANTA_CARD_SIGNING_KEY)


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def verification_keys() -> dict[str, Ed25519PublicKey]:
    """The current key and any earlier ones still accepted (key rotation)."""
    keys = {cardtoken.key_id(public_key()): public_key()}
    for text in settings.KAIKUKANTA_CARD_PREVIOUS_PUBLIC_KEYS:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(text))
        keys.setdefault(cardtoken.key_id(key), key)
    return keys


def jwks() -> dict:
    """The published key set (JWK, RFC 8037)."""
    return {"keys": [
        {"kty": "OKP", "crv": "Ed25519", "alg": cardtoken.ALGORITHM, "use": "sig", "kid": kid,
         "x": cardtoken.b64url_encode(key.public_bytes(serialization.Encoding.Raw,
                                                       serialization.PublicFormat.Raw))}
        for kid, key in verification_keys().items()
    ]}


def _part(obj: dict) -> str:
    return cardtoken.b64url_encode(json.dumps(obj, separators=(",", ":")).encode())


def sign_card_token(*, number: str, kind: str, children: int, valid_until: datetime.date,
                    now: datetime.datetime | None = None) -> str:
    """A token for a card, valid for KAIKUKANTA_CARD_TOKEN_MINUTES from now."""
    now = now or timezone.now()
    iat = int(now.timestamp())
    header = {"alg": cardtoken.ALGORITHM, "typ": cardtoken.TOKEN_TYPE,
              "kid": cardtoken.key_id(public_key())}
    payload = {"sub": number, "kind": kind, "children": children,
               "valid_until": valid_until.isoformat(), "iat": iat,
               "exp": iat + 60 * settings.KAIKUKANTA_CARD_TOKEN_MINUTES}
    signing_input = f"{_part(header)}.{_part(payload)}"
    signature = private_key().sign(signing_input.encode("ascii"))
    return f"{signing_input}.{cardtoken.b64url_encode(signature)}"


def verify(token: str, *, now: datetime.datetime | None = None) -> cardtoken.CardClaims:
    return cardtoken.verify(token, verification_keys(), now=now)


def desk_claims(text: str, *, now: datetime.datetime | None = None) -> cardtoken.CardClaims:
    """The claims of a scanned token, or the desk's DomainError saying what is wrong."""
    from django.utils.formats import time_format

    from kaikukanta.cards import token_errors

    try:
        return verify(text, now=now)
    except cardtoken.TokenExpired as exc:
        signed = timezone.localtime(exc.claims.issued_at)
        raise token_errors.TokenExpired(time=time_format(signed, "H:i"),
                                        number=exc.claims.number) from exc
    except cardtoken.TokenBadSignature as exc:
        raise token_errors.TokenBadSignature() from exc
    except cardtoken.TokenWrongType as exc:
        raise token_errors.TokenWrongKind() from exc
    except cardtoken.TokenError as exc:
        raise token_errors.TokenMalformed() from exc
