"""The one place that decides which figures may be shown (pages, exports, PDF alike).

The rule (also in the README and on every statistics page):

1. *Primary suppression.* A cell that counts fewer than 5 holders, or uses and children's
   tickets of fewer than 5 different holders, is shown as "<5". Zero is shown as 0.
2. *Secondary suppression.* When a column (with its total) has hidden cells, more cells are
   hidden, smallest first, until at least two cells are hidden and the hidden cells together
   stand for at least 5 holders. They are shown as "–". So the total minus the visible cells
   never gives one small cell.
3. A total of fewer than 5 holders is itself shown as "<5" and then every cell is hidden.
4. The national admin sees unsuppressed counts of cards and uses; nobody ever sees a row
   about one holder: every figure here is a count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

THRESHOLD = 5
SMALL = "<5"
HIDDEN = "–"


@dataclass(frozen=True)
class Cell:
    value: Any
    state: str = "ok"  # ok | small | hidden
    decimals: int | None = None  # shown with this many decimals (lib.formatting)

    @property
    def shown(self) -> int | str:
        if self.state == "small":
            return SMALL
        if self.state == "hidden":
            return HIDDEN
        return self.value

    @property
    def visible(self) -> bool:
        return self.state == "ok"

    def __str__(self) -> str:
        return str(self.shown)


def protect(values: Sequence[int], holders: Sequence[int] | None = None, *,
            total: int | None = None, total_holders: int | None = None,
            exact: bool = False) -> tuple[list[Cell], Cell]:
    """Apply the rule to one column: `values` with, for uses, the number of different
    holders behind each value (`holders`; for holder counts leave it out). Returns the cells
    and the column's total. `exact` (national admin) shows everything."""
    # figures per 1,000 residents stay fractions; counts are whole numbers
    values = [v if isinstance(v, float) else int(v or 0) for v in values]
    holders = [int(h or 0) for h in holders] if holders is not None else list(values)
    total = sum(values) if total is None else int(total)
    if total_holders is None:
        total_holders = total if holders == values else sum(holders)
    if exact:
        return [Cell(v) for v in values], Cell(total)
    states = ["small" if 0 < h < THRESHOLD else "ok" for h in holders]
    if 0 < total_holders < THRESHOLD:
        return [Cell(v, "small" if v else "ok") if v else Cell(0) for v in values], Cell(
            total, "small")
    if "small" in states:
        def hidden_holders() -> int:
            return sum(h for h, s in zip(holders, states, strict=True) if s != "ok")

        while sum(s != "ok" for s in states) < 2 or hidden_holders() < THRESHOLD:
            candidates = [i for i, s in enumerate(states) if s == "ok" and values[i] > 0]
            if not candidates:
                break
            smallest = min(candidates, key=lambda i: (values[i], i))
            states[smallest] = "hidden"
    return [Cell(v, s) for v, s in zip(values, states, strict=True)], Cell(total)


def protect_one(value: int, holders: int | None = None, *, exact: bool = False) -> Cell:
    """A single headline figure (no column around it)."""
    h = value if holders is None else holders
    if exact or not (0 < h < THRESHOLD):
        return Cell(int(value or 0))
    return Cell(int(value), "small")
