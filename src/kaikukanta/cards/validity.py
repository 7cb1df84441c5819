"""The one validity rule of a Kaikukortti card.

A card is valid for one year from the day it is issued (or renewed): **through the day
before the same date next year**. Issued on 15 March 2025, it is valid through
14 March 2026; issued on 1 January 2025, through 31 December 2025.

When the same date does not exist next year (issued on 29 February), "the same date next
year" is 28 February, so the card is valid through **27 February** of the next year.
A card issued on 28 February of a leap year is valid through 27 February too.

Everything that needs a validity date calls `validity_end`; nothing else adds a year.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

# Shown on the card page and the registration form, so staff can tell the holder.
RULE_TEXT = _(
    "A card is valid for one year: through the day before the same date next year "
    "(issued on 29 February: through 27 February next year)."
)

# How far back a registration or renewal from a paper form may be dated.
BACKFILL_DAYS = 60
# "Expiring soon" on the lists.
EXPIRING_DAYS = 30


def same_date_next_year(day: datetime.date) -> datetime.date:
    """The same calendar date a year later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February -> no such date next year
        return day.replace(year=day.year + 1, day=28)


def validity_end(issued_on: datetime.date) -> datetime.date:
    """The last day a card issued (or renewed) on `issued_on` is valid."""
    return same_date_next_year(issued_on) - datetime.timedelta(days=1)
