"""Tables as the pages, exports and PDF show them: every cell has passed `privacy.protect`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kaikukanta.stats.privacy import Cell, protect


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]  # the first column is the row label
    rows: list[tuple[str, list[Cell]]] = field(default_factory=list)
    total: list[Cell] | None = None
    chart: bool = False  # draw the first figure column as a bar chart
    note: str = ""

    def as_rows(self, shown: Callable[[Cell], Any] | None = None) -> list[list]:
        """Header, rows and total as plain values (suppressed cells as "<5" / "–"), or as
        `shown(cell)` makes them (text in the language's number format)."""
        from django.utils.translation import gettext as _

        def show(c: Cell) -> Any:
            return c.shown if shown is None else shown(c)

        out: list[list] = [list(self.columns)]
        out += [[label] + [show(c) for c in cells] for label, cells in self.rows]
        if self.total is not None:
            out.append([_("Total")] + [show(c) for c in self.total])
        return out


def column_table(key: str, title: str, label_col: str, labels: Sequence[str],
                 columns: Sequence[tuple],
                 *, exact: bool, total: bool = True, chart: bool = False,
                 note: str = "") -> Table:
    """Build a table column by column. Each column is (title, values, holders behind each
    value or None when the values count holders, the distinct holders of the whole column
    or None) and optionally the column's total when it is not the sum of the values (a
    perturbed count, `counting.holder_column`)."""
    cols: list[list[Cell]] = []
    totals: list[Cell] = []
    for _title, values, holders, total_holders, *given in columns:
        cells, tot = protect(values, holders, total=given[0] if given else None,
                             total_holders=total_holders, exact=exact)
        cols.append(cells)
        totals.append(tot)
    rows = [(str(label), [col[i] for col in cols]) for i, label in enumerate(labels)]
    return Table(key=key, title=str(title), columns=[str(label_col)] + [str(c[0]) for c in columns],
                 rows=rows, total=totals if total else None, chart=chart, note=str(note))
