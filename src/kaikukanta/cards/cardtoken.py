"""Verifying a signed mobile-card token with nothing but the registry's public key.

This module imports no Django and no Kaikukanta model on purpose: a ticket desk, a
ticket-seller system or a test can verify a token offline with only the published key
(`/.well-known/kaikukanta-card-keys.json`). The format is documented in docs/card-token.md.

A token is a JWS in compact form (RFC 7515) signed with Ed25519 (RFC 8037, ``alg: EdDSA``):
``base64url(header) . base64url(payload) . base64url(signature)``. The header names the key
(``kid``) and the token type ``kaikukortti-card``; the payload carries the card number
(``sub``), kind, children's tickets, last day of validity, when it was signed (``iat``)
and when it stops being accepted (``exp``, a few minutes later).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

TOKEN_TYPE = "kaikukortti-card"  # noqa: S105 (a type name, not a secret)
ALGORITHM = "EdDSA"
KINDS = ("personal", "community")
# A phone's clock may run a little ahead of the registry's (seconds).
LEEWAY = 60
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{10,400}\.[A-Za-z0-9_-]{10,600}\.[A-Za-z0-9_-]{80,90}$")


class TokenError(ValueError):
    """The token cannot be accepted. `code` says why."""

    code = "token_invalid"


class TokenMalformed(TokenError):
    code = "token_malformed"


class TokenBadSignature(TokenError):
    code = "token_bad_signature"


class TokenExpired(TokenError):
    code = "token_expired"

    def __init__(self, claims: CardClaims) -> None:
        super().__init__(self.code)
        self.claims = claims


class TokenWrongType(TokenError):
    code = "token_wrong_type"


@dataclass(frozen=True)
class CardClaims:
    number: str
    kind: str
    children: int
    valid_until: datetime.date
    issued_at: datetime.datetime  # aware, UTC
    expires_at: datetime.datetime  # aware, UTC
    key_id: str


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short, stable name for a public key: the start of its SHA-256, base64url."""
    from cryptography.hazmat.primitives import serialization

    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return b64url_encode(hashlib.sha256(raw).digest())[:16]


def public_keys_from_jwks(document: Mapping) -> dict[str, Ed25519PublicKey]:
    """The keys of a published JWK set (`{"keys": [{"kty": "OKP", "crv": "Ed25519",
    "x": ..., "kid": ...}]}`), by key id."""
    keys = {}
    for jwk in document.get("keys", []):
        if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
            keys[jwk["kid"]] = Ed25519PublicKey.from_public_bytes(b64url_decode(jwk["x"]))
    return keys


def looks_like_token(text: str) -> bool:
    """True for text shaped like a card token (three base64url parts), not a number."""
    return bool(_SHAPE.match((text or "").strip()))


def _utc(seconds: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)


def verify(token: str, public_keys: Mapping[str, Ed25519PublicKey], *,
           now: datetime.datetime | None = None) -> CardClaims:
    """The claims of a genuine, current card token, or a `TokenError`.

    The signature is checked before anything in the token is believed; an expired token
    raises `TokenExpired` carrying its (genuine) claims so the desk can say when it was
    signed.
    """
    token = (token or "").strip()
    if not looks_like_token(token):
        raise TokenMalformed(TokenMalformed.code)
    head_b64, body_b64, sig_b64 = token.split(".")
    try:
        header = json.loads(b64url_decode(head_b64))
        signature = b64url_decode(sig_b64)
    except (ValueError, binascii.Error) as exc:
        raise TokenMalformed(TokenMalformed.code) from exc
    if not isinstance(header, dict) or header.get("alg") != ALGORITHM:
        raise TokenMalformed(TokenMalformed.code)
    key = public_keys.get(str(header.get("kid", "")))
    if key is None:
        raise TokenBadSignature(TokenBadSignature.code)
    try:
        key.verify(signature, f"{head_b64}.{body_b64}".encode("ascii"))
    except InvalidSignature as exc:
        raise TokenBadSignature(TokenBadSignature.code) from exc
    # Signed by the registry from here on.
    if header.get("typ") != TOKEN_TYPE:
        raise TokenWrongType(TokenWrongType.code)
    try:
        payload = json.loads(b64url_decode(body_b64))
        claims = CardClaims(
            number=str(payload["sub"]), kind=str(payload["kind"]),
            children=int(payload["children"]),
            valid_until=datetime.date.fromisoformat(payload["valid_until"]),
            issued_at=_utc(int(payload["iat"])), expires_at=_utc(int(payload["exp"])),
            key_id=str(header["kid"]),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise TokenMalformed(TokenMalformed.code) from exc
    if claims.kind not in KINDS:
        raise TokenWrongType(TokenWrongType.code)
    now = now or datetime.datetime.now(tz=datetime.UTC)
    if now.timestamp() > claims.expires_at.timestamp() or (
        claims.issued_at.timestamp() > now.timestamp() + LEEWAY
    ):
        raise TokenExpired(claims)
    return claims
