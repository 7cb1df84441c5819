"""Uses entered afterwards from a file (the paper form's spreadsheet).

Columns, in this order, with an optional header row: card number, event date
(2026-03-31 or 31.3.2026), offer number or statistics category, children's tickets.
Every row is checked by `services.uses_record_many`, which applies `use_record`'s rules
(the same check functions) to all rows at once with a few queries; when any row is bad,
nothing is written and every bad row is reported with its reason. Only a file without
bad rows is committed, all at once.

Each row resolves a card number, so the file counts against the guessing limit
(`guessing`): every unknown number in it counts, and a file with more than
`guessing.FEW_IN_FILE` unknown numbers is refused as a whole, naming only the first few
and no other row's reason (which would tell which numbers exist).
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from kaikukanta.cards.errors import CardUnknown
from kaikukanta.cards.selectors import parse_number
from kaikukanta.lib.errors import DomainError
from kaikukanta.lib.permissions import Perm, require
from kaikukanta.lib.scope import Scope
from kaikukanta.usage import errors, guessing
from kaikukanta.usage.models import Category, Offer
from kaikukanta.usage.services import UseRow, uses_record_many

MAX_ROWS = 100_000
ZIP_MAGIC = b"PK\x03\x04"
# A file with more rows than this is checked and saved by the background worker while its
# page shows how far it is (a request would take too long for the server's time limit).
WORKER_FROM = 5_000
# 100,000 rows take about 4 MB as CSV and less as XLSX: a bigger file is refused unread.
MAX_FILE_BYTES = 8 * 1024 * 1024
# An XLSX file is a zip: its parts may unpack to at most this much together (a "zip bomb"
# of a few hundred kilobytes can unpack to gigabytes), and no part may be packed more
# tightly than MAX_RATIO to one. Python's zipfile never reads past a part's declared
# size, so checking the declared sizes bounds what is read.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_RATIO = 200
# Only the first columns are read: card number, date, offer or category, children.
COLUMNS = 4

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


def _first_rows(rows) -> list[list]:
    """At most MAX_ROWS + 2 rows (a header and one too many, to tell the file is too long)
    of at most COLUMNS cells each, taken one by one from a streaming reader."""
    out = []
    for i, row in enumerate(rows):
        if i > MAX_ROWS + 1:
            break
        out.append(list(row)[:COLUMNS])
    return out


def _cells_from_csv(data: bytes) -> list[list]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    if "\t" in sample and sample.count("\t") > sample.count(delimiter):
        delimiter = "\t"
    return _first_rows(csv.reader(io.StringIO(text), delimiter=delimiter))


def check_zip(data: bytes) -> None:
    """Refuse an XLSX whose parts would unpack to too much (before anything is unpacked)."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = archive.infolist()
        total = sum(p.file_size for p in parts)
        if len(parts) > 1000 or total > MAX_UNPACKED_BYTES or any(
                p.file_size > MAX_RATIO * max(p.compress_size, 1) + 4096 for p in parts):
            raise too_big()


def too_big() -> errors.UploadFileTooBig:
    return errors.UploadFileTooBig(mb=MAX_FILE_BYTES // (1024 * 1024), max=MAX_ROWS)


def _cells_from_xlsx(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        return _first_rows(sheet.iter_rows(max_col=COLUMNS, values_only=True))
    finally:
        book.close()


def read_cells(name: str, data: bytes) -> list[list]:
    """The file's rows as lists of cells (blank rows dropped). Too big a file, or an XLSX
    that would unpack to too much, is refused before it is parsed."""
    if len(data) > MAX_FILE_BYTES:
        raise too_big()
    try:
        # a zip file's first local header; not just "PK", which a CSV's first card number
        # may start with
        if name.lower().endswith(".xlsx") or data[:4] == ZIP_MAGIC:
            check_zip(data)
            rows = _cells_from_xlsx(data)
        else:
            rows = _cells_from_csv(data)
    except errors.UploadFileTooBig:
        raise
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
    guessing.check(scope)
    rows = read_cells(name, data)
    offers = {o.pk: o for o in Offer.objects.filter(site=site)}
    result = UploadResult(rows=len(rows))
    parsed: list[UseRow] = []
    lines: list[tuple[int, str]] = []
    # Each distinct cell text is parsed once (a file repeats its dates, offers, children
    # and numbers); a cell's DomainError is kept and raised again for the same text.
    seen_dates: dict = {}
    seen_targets: dict = {}
    seen_children: dict = {}
    seen_numbers: dict = {}

    def once(seen: dict, value, parse):
        try:
            answer = seen[value]
        except KeyError:
            try:
                answer = parse(value)
            except DomainError as exc:
                answer = exc
            seen[value] = answer
        except TypeError:  # an unhashable cell: parsed each time
            answer = parse(value)
        if isinstance(answer, DomainError):
            raise answer
        return answer

    for line, cells in enumerate(rows, start=1):
        if len(cells) < COLUMNS:
            cells = list(cells) + [None] * (COLUMNS - len(cells))
        number = str(cells[0] or "").strip()
        try:
            offer, category = once(seen_targets, cells[2],
                                   lambda v: _offer_or_category(v, site, offers))
            row = UseRow(number=once(seen_numbers, number, parse_number),
                         event_date=once(seen_dates, cells[1], _date), offer=offer,
                         category=category, children=once(seen_children, cells[3], _children))
        except DomainError as exc:
            result.errors.append(RowError(line=line, number=number, message=str(exc),
                                          code=exc.code))
            continue
        parsed.append(row)
        lines.append((line, number))
    # With a row already bad the others are still checked, and nothing is written. The
    # numbers are noted outside the transaction (the log and counts stay): a large file's
    # beside it, while the uses are written (`guessing.note_aside`).
    noting: list = []
    try:
        created, failed, resolved = uses_record_many(
            scope=scope, site=site, rows=parsed, check_only=bool(result.errors),
            on_resolved=lambda pairs: noting.append(guessing.note_aside(scope, pairs)))
    finally:
        for wait in noting:
            wait()
    if not noting:
        guessing.note(scope, resolved)
    unknown: list[RowError] = []
    for i, exc in failed.items():
        line, number = lines[i]
        error = RowError(line=line, number=number, message=str(exc), code=exc.code)
        result.errors.append(error)
        if isinstance(exc, CardUnknown):
            unknown.append(error)
    result.errors.sort(key=lambda e: e.line)
    result.created = 0 if result.errors else created
    if len(unknown) > guessing.FEW_IN_FILE:
        refusal = errors.UploadTooManyUnknown(few=guessing.FEW_IN_FILE)
        unknown.sort(key=lambda e: e.line)
        result.errors = unknown[:guessing.FEW_IN_FILE] + [
            RowError(line=0, number="", message=str(refusal), code=refusal.code)]
    return result

