# Swedish as written in Finland (not Sweden's 2026-11-30): the same as Finnish,
# 30.11.2026 and 587 643,5.
from kaikukanta.lib.formats.fi.formats import (  # noqa: F401 (read by Django by name)
    DATE_FORMAT,
    DATETIME_FORMAT,
    DECIMAL_SEPARATOR,
    MONTH_DAY_FORMAT,
    NUMBER_GROUPING,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    THOUSAND_SEPARATOR,
)
