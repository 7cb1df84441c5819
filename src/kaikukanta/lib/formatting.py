"""Numbers and dates as the reader's language writes them: one helper for pages, exports
and PDF reports.

- Finnish and Swedish: 587 643 (a no-break space groups thousands), 0,0105 (decimal comma),
  30.11.2026. English: 587,643, 0.0105 and 30 Nov 2026 (never an ambiguous 11/30/2026).
- A CSV file (`;`-separated, as Finnish spreadsheet programs expect) gets a decimal comma
  and no grouping, whatever the language, so that the program reads numbers as numbers.
- Counts are whole numbers; per-1,000-residents figures have two decimals, percentages one
  (`Cell.decimals`), money two.

The separators and date patterns live in the format modules `kaikukanta.lib.formats.<lang>`
(settings.FORMAT_MODULE_PATH), so `{{ day|date:"SHORT_DATE_FORMAT" }}` in a template gives
the same date as `day()` here.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import formats, numberformat
from django.utils.translation import get_language

MONEY_DECIMALS = 2


def decimals_of(value: Any, decimals: int | None = None) -> int:
    """How many decimals a number is shown with."""
    if decimals is not None:
        return decimals
    if isinstance(value, Decimal):
        return MONEY_DECIMALS if value == value.quantize(Decimal("0.01")) else max(
            MONEY_DECIMALS, -value.normalize().as_tuple().exponent)
    if isinstance(value, float):
        return 2
    return 0


def _rounded(value: Any, places: int) -> Any:
    """Half up, as people round (Django's number format would cut the decimals off)."""
    if isinstance(value, int):
        return value
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# the active language's thousand separator when it groups by threes, else None: Django's
# `get_format` takes about 7 µs a call, and a municipality's dashboard writes 2,500 counts
_GROUPING: dict[str | None, str | None] = {}


@receiver(setting_changed)
def _grouping_changed(**_kwargs) -> None:
    _GROUPING.clear()


def _separator() -> str | None:
    language = get_language()
    try:
        return _GROUPING[language]
    except KeyError:
        sep = (formats.get_format("THOUSAND_SEPARATOR")
               if formats.get_format("NUMBER_GROUPING") == 3 else None)
        _GROUPING[language] = sep
        return sep


def _grouped(value: int, sep: str | None) -> str | None:
    """A count grouped by threes with `sep` (None: the language groups otherwise)."""
    return None if sep is None else f"{value:,}".replace(",", sep)


def number(value: Any, decimals: int | None = None) -> str:
    """A number in the active language: grouped thousands and its decimal separator.
    Text (a suppressed "<5" or "–") passes as it is."""
    if type(value) is int and not decimals:  # a count: Python groups it the same way
        text = _grouped(value, _separator())
        if text is not None:
            return text
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return "" if value is None else str(value)
    places = decimals_of(value, decimals)
    return formats.number_format(_rounded(value, places), places, use_l10n=True,
                                 force_grouping=True)


def csv_number(value: Any, decimals: int | None = None) -> Any:
    """A number for a `;`-separated CSV file: decimal comma, no grouping. Text as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    places = decimals_of(value, decimals)
    return numberformat.format(_rounded(value, places), ",", places, grouping=0)


def cell(c: Any) -> str:
    """A statistics cell (`stats.privacy.Cell`) as shown on a page or in a PDF."""
    return number(c.shown, getattr(c, "decimals", None))


def cell_writer() -> Callable[[Any], str]:
    """`cell` for many cells in the active language: the language is looked up once (each
    look-up takes a few µs; a table of places has thousands of cells)."""
    sep = _separator()

    def write(c: Any) -> str:
        value = c.shown
        if type(value) is int and not getattr(c, "decimals", None):
            text = _grouped(value, sep)
            if text is not None:
                return text
        return cell(c)

    return write


def day(value: datetime.date | None) -> str:
    """A date in the active language (30.11.2026 / 30 Nov 2026)."""
    if value is None:
        return ""
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def moment(value: datetime.datetime | None) -> str:
    """A date and time in the active language, in local time."""
    if value is None:
        return ""
    from django.utils import timezone

    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "SHORT_DATETIME_FORMAT")
