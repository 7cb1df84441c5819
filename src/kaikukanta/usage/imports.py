"""Uses entered afterwards from a file (the paper form's spreadsheet).

Columns, in this order, with an optional header row: card number, event date
(2026-03-31 or 31.3.2026), offer number or statistics category, children's tickets.
Every row goes through `services.use_record` (so every rule is the desk's rule) inside
one transaction; when any row is bad, the whole file is rolled back and every bad row is
reported with its reason. Only a file without bad rows is committed, all at once.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from kaikukanta.lib.errors import DomainError
from kaikukanta.lib.permissions import Perm, require
from kaikukanta.lib.scope import Scope
from kaikukanta.usage import errors
from kaikukanta.usage.models import Category, Offer, UseSource
from kaikukanta.usage.services import use_record

MAX_ROWS = 5000

# Category names people write in the spreadsheet, in the three languages.
CATEGORY_WORDS = {
    "culture": Category.CULTURE, "kulttuuri": Category.CULTURE, "kultur": Category.CULTURE,
    "education": Category.EDUCATION, "koulutus": Category.EDUCATION,
    "utbildning": Category.EDUCATION,
    "science": Category.SCIENCE, "tiede": Category.SCIENCE, "vetenskap": Category.SCIENCE,
    "sports": Category.SPORTS, "sport": Category.SPORTS, "liikunta": Category.SPORTS,
    "idrott": Category.SPORTS, "motion": Category.SPORTS,
}
HEADER_WORDS = ("card", "kortti", "kort", "number", "numero", "nummer")


@dataclass
class RowError:
    line: int
    number: str
    message: str
    code: str


@dataclass
class UploadResult:
    rows: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and self.created > 0


def _cells_from_csv(data: bytes) -> list[list]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    if "\t" in sample and sample.count("\t") > sample.count(delimiter):
        delimiter = "\t"
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _cells_from_xlsx(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        rows = []
        for i, row in enumerate(sheet.iter_rows(values_only=True)):
            if i > MAX_ROWS + 1:
                break
            rows.append(list(row))
        return rows
    finally:
        book.close()


def read_cells(name: str, data: bytes) -> list[list]:
    """The file's rows as lists of cells (blank rows dropped)."""
    try:
        if name.lower().endswith(".xlsx") or data[:2] == b"PK":
            rows = _cells_from_xlsx(data)
        else:
            rows = _cells_from_csv(data)
    except Exception as exc:  # any unreadable file is the same answer to the user
        raise errors.UploadUnreadable() from exc
    rows = [r for r in rows if any(str(c).strip() for c in r if c is not None)]
    if rows and str(rows[0][0] or "").strip().lower().startswith(HEADER_WORDS):
        rows = rows[1:]
    if not rows:
        raise errors.UploadEmpty()
    if len(rows) > MAX_ROWS:
        raise errors.UploadTooLarge(max=MAX_ROWS)
    return rows


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise errors.RowInvalid(field="event_date",
                            detail=_("the event date %(value)s is not a date") % {"value": text})


def _children(value) -> int:
    if value is None or str(value).strip() == "":
        return 0
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        number = -1
    if number < 0 or number != int(number):
        raise errors.RowInvalid(field="children", detail=_(
            "children's tickets must be a whole number"))
    return int(number)


def _offer_or_category(value, site, offers: dict[int, Offer]) -> tuple[Offer | None, str | None]:
    text = str(value if value is not None else "").strip()
    if text.endswith(".0"):
        text = text[:-2]
    if text.isdigit():
        offer = offers.get(int(text))
        if offer is None:
            raise errors.OfferNotAvailable()
        return offer, None
    category = CATEGORY_WORDS.get(text.lower())
    if category is None:
        raise errors.CategoryRequired()
    return None, category


def uses_upload(*, scope: Scope, site, name: str, data: bytes) -> UploadResult:
    """Check every row and commit the file only when no row is bad (all at once)."""
    require(scope, Perm.RECORD_USES, site)
    rows = read_cells(name, data)
    offers = {o.pk: o for o in Offer.objects.filter(site=site)}
    result = UploadResult(rows=len(rows))
    with transaction.atomic():
        for line, cells in enumerate(rows, start=1):
            cells = list(cells) + [None] * (4 - len(cells))
            number = str(cells[0] or "").strip()
            try:
                offer, category = _offer_or_category(cells[2], site, offers)
                with transaction.atomic():
                    use_record(
                        scope=scope, site=site, card_number=number,
                        event_date=_date(cells[1]), offer=offer, category=category,
                        children=_children(cells[3]), source=UseSource.IMPORT,
                    )
                result.created += 1
            except DomainError as exc:
                result.errors.append(RowError(line=line, number=number, message=str(exc),
                                              code=exc.code))
        if result.errors:
            result.created = 0
            transaction.set_rollback(True)
    return result
