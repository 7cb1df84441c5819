import datetime as dt

import pytest

from kaikukanta.cards.validity import same_date_next_year, validity_end


@pytest.mark.parametrize(
    ("issued", "last_day"),
    [
        (dt.date(2025, 3, 15), dt.date(2026, 3, 14)),
        (dt.date(2025, 1, 1), dt.date(2025, 12, 31)),  # a calendar year exactly
        (dt.date(2024, 12, 31), dt.date(2025, 12, 30)),  # over the year end
        (dt.date(2024, 2, 29), dt.date(2025, 2, 27)),  # 29 Feb: same date is 28 Feb
        (dt.date(2024, 2, 28), dt.date(2025, 2, 27)),
        (dt.date(2024, 3, 1), dt.date(2025, 2, 28)),
        (dt.date(2023, 3, 1), dt.date(2024, 2, 29)),  # ends on a leap day
        (dt.date(2023, 2, 28), dt.date(2024, 2, 27)),
    ],
)
def test_validity_end(issued, last_day):
    assert validity_end(issued) == last_day


def test_same_date_next_year_of_leap_day():
    assert same_date_next_year(dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)
    assert same_date_next_year(dt.date(2027, 6, 30)) == dt.date(2028, 6, 30)
