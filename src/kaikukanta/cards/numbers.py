"""Card numbers: short, readable aloud, no confusable characters, with a check character.

A number is 7 payload characters and 1 check character from a 31-character alphabet
without 0/O, 1/I/L. It is shown in two groups of four (``K7M4-9QX2``) and stored without
the hyphen. The check character makes the weighted sum of all characters divisible by 31
(31 is prime, so every single mistyped character and every swap of two neighbours is
caught before any look-up). Printed stock numbers never start with X or Z: those mark
mobile-only cards of a person (X) and of an organisation (Z).
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
assert len(ALPHABET) == 31
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
PAYLOAD_LENGTH = 7
LENGTH = PAYLOAD_LENGTH + 1
MOBILE_PERSON_PREFIX = "X"
MOBILE_ORGANISATION_PREFIX = "Z"
_PRINTED_FIRST = "".join(c for c in ALPHABET if c not in "XZ")


class NumberFormatError(ValueError):
    """The text cannot be a card number (wrong length or characters)."""


class CheckCharacterError(ValueError):
    """The text looks like a card number but its check character does not match."""


def _weighted_sum(chars: str) -> int:
    # Weights 2, 3, 4 … for the payload; the check character has weight 1.
    return sum(_VALUE[c] * (i + 2) for i, c in enumerate(chars))


def check_character(payload: str) -> str:
    return ALPHABET[(-_weighted_sum(payload)) % 31]


def normalise(text: str) -> str:
    """Upper-case and drop spaces and hyphens; QR payloads may carry a 'KAIKU:' prefix."""
    value = (text or "").strip().upper()
    if value.startswith("KAIKU:"):
        value = value[6:]
    return "".join(ch for ch in value if ch not in " -\t")


def parse(text: str) -> str:
    """Return the stored form of a typed or scanned number, or raise.

    Raises NumberFormatError for text that cannot be a number and CheckCharacterError when
    one character is wrong.
    """
    value = normalise(text)
    if len(value) != LENGTH or any(c not in _VALUE for c in value):
        raise NumberFormatError(value)
    if (_weighted_sum(value[:-1]) + _VALUE[value[-1]]) % 31 != 0:
        raise CheckCharacterError(value)
    return value


def is_valid(text: str) -> bool:
    try:
        parse(text)
    except ValueError:
        return False
    return True


def generate(prefix: str = "") -> str:
    """A new random number. Printed stock has no prefix; mobile-only cards use X or Z."""
    first = prefix or secrets.choice(_PRINTED_FIRST)
    payload = first + "".join(secrets.choice(ALPHABET) for _ in range(PAYLOAD_LENGTH - 1))
    return payload + check_character(payload)


def display(number: str) -> str:
    """The printed form, in two groups of four."""
    return f"{number[:4]}-{number[4:]}" if len(number) == LENGTH else number


def qr_payload(number: str) -> str:
    return f"KAIKU:{number}"
