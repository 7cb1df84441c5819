"""The few definitions every count of holders shares (dashboards and publications alike):
which cards count, when a card is valid in a period, the age bands, and a column of holder
counts perturbed by the cell key method."""

from __future__ import annotations

from django.db.models import Q

from kaikukanta.cards.models import CardStatus
from kaikukanta.lib.cellkey import perturb, perturb_all
from kaikukanta.stats.scopes import Period

AGE_BANDS = [(0, 17), (18, 29), (30, 44), (45, 64), (65, 74), (75, 200)]


def registered() -> Q:
    return Q(status__in=[CardStatus.ACTIVE, CardStatus.INACTIVE])


def valid_in(p: Period, prefix: str = "") -> Q:
    """Registered cards valid on at least one day of the period."""
    return Q(**{f"{prefix}issued_on__lte": p.end, f"{prefix}valid_until__gte": p.start}) & (
        Q(**{f"{prefix}inactivated_on__isnull": True})
        | Q(**{f"{prefix}inactivated_on__gte": p.start})
    )


def holder_column(title, counts: list[int], key_sums: list[int | None], exact: bool) -> tuple:
    """A `column_table` column of holder counts; unless exact, each cell and the total (a
    cell of its own, so the column need not add up) are perturbed by their cards' keys."""
    if exact:
        return (title, counts, None, None)
    total = perturb(sum(counts), sum(k or 0 for k in key_sums))
    return (title, perturb_all(counts, key_sums), None, total, total)
