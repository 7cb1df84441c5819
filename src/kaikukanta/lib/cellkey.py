"""The cell key method: counts of holders that cannot be differenced.

A threshold ("fewer than 5 is shown as <5") protects one table, not a set of tables that
people can define freely: two periods a day apart, or a table before and after one
registration, differ by exactly one holder, and their difference gives that holder's
facts away. Statistical offices that let users build their own tables (the Australian
Bureau of Statistics' TableBuilder, the 2021 census of England and Wales) perturb each
published count instead, with the *cell key method*:

- every card gets a fixed random *record key* when it is made (`Card.stats_key`,
  0 … KEY_RANGE-1; never shown, never exported);
- a cell's *cell key* is the sum of the keys of the cards it counts, modulo KEY_RANGE;
- the published count is the true count plus a perturbation read from a fixed public
  table (`PERTURBATION`) at a place chosen by the cell key. A count of 0 stays 0; no
  count goes below 0.

The same cards always give the same cell key, so a table asked twice (or any table with
the same cell) shows the same number and averaging many requests gives nothing. A cell
that gains or loses one card gets an unrelated perturbation, so the difference of two
overlapping tables is the true difference plus noise of −4 … +4: it no longer says whether
the one holder is in that cell. Totals are perturbed as cells of their own, so a table
need not add up exactly. The parameters here are public; only the record keys are secret.
"""

from __future__ import annotations

import secrets

KEY_RANGE = 1 << 16
# The published count is the true count plus one of these, chosen by the cell key (each
# equally likely over random record keys).
PERTURBATION = (-2, -1, 0, 1, 2)


def new_record_key() -> int:
    """A card's record key (the default of `Card.stats_key`)."""
    return secrets.randbelow(KEY_RANGE)


def perturb(count: int, key_sum: int | None) -> int:
    """The published count of a cell of `count` cards whose record keys add up to
    `key_sum`."""
    count = int(count or 0)
    if count <= 0:
        return 0
    cell_key = int(key_sum or 0) % KEY_RANGE
    return max(0, count + PERTURBATION[cell_key * len(PERTURBATION) // KEY_RANGE])


def perturb_all(counts: list[int], key_sums: list[int | None]) -> list[int]:
    return [perturb(n, k) for n, k in zip(counts, key_sums, strict=True)]


# --- sums of answers (the wellbeing and mood meters) -------------------------------------
# A mean of answers can be differenced like a count: the sums of two overlapping cells
# that differ by one answer give that answer. So a cell's published *sum* is the true sum
# plus `spread` × one of MAGNITUDE, where `spread` is as much as one answer can move the
# sum (100 for a WHO-5 score, 4 for the five faces; for a sum of squares, its square).
# The place in MAGNITUDE is read from the same cell key through a fixed odd multiplier
# (one per `salt`: the sum and the sum of squares get different ones), so it does not
# follow the count's perturbation. The multipliers are public; the record keys are not.
MAGNITUDE = (-1.0, -0.5, 0.0, 0.5, 1.0)
_MIX = {1: 40503, 2: 21767}  # odd: each a one-to-one shuffle of the cell keys


def magnitude_noise(key_sum: int | None, salt: int = 1) -> float:
    """The factor (−1 … +1) of a cell's sum perturbation."""
    cell_key = (int(key_sum or 0) * _MIX[salt] + salt) % KEY_RANGE
    return MAGNITUDE[cell_key * len(MAGNITUDE) // KEY_RANGE]


def perturb_sum(total: float, key_sum: int | None, spread: float, salt: int = 1) -> float:
    """The published sum of a cell whose answers add up to `total` and whose record keys
    add up to `key_sum`."""
    return float(total) + spread * magnitude_noise(key_sum, salt)
