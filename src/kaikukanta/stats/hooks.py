"""Where the statistics keep their pre-aggregated figures correct.

The card and usage services call these inside the same transaction as the write they
report, so a figure can never disagree with the rows it counts.
"""

from __future__ import annotations


def on_use_recorded(use) -> None:
    """A use was recorded (at the desk, from paper, from a file or through the API)."""


def on_use_cancelled(use) -> None:
    """A recorded use was cancelled."""


def on_card_event(card, event) -> None:
    """A card was registered, renewed, updated, inactivated, replaced or moved."""
