"""Loading reference geography. Each loader is idempotent and all-or-nothing."""

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from kaikukanta.geo.models import Municipality, PostalCode, WellbeingCounty

DATA_DIR = Path(__file__).resolve().parent / "data"
POSTAL_CODE_RE = re.compile(r"^\d{5}$")


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class GeoImportError(Exception):
    """An import file has bad rows; nothing was written."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


def _rows(lines: Iterable[str]) -> csv.DictReader:
    return csv.DictReader(line for line in lines if not line.startswith("#"))


def _upsert(model, key: str, rows: list[dict], result: LoadResult) -> None:
    existing = {getattr(obj, key): obj for obj in model.objects.all()}
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            model.objects.create(**row)
            result.created += 1
            continue
        changed = [f for f, v in row.items() if getattr(obj, f) != v]
        if changed:
            for f in changed:
                setattr(obj, f, row[f])
            obj.save(update_fields=changed)
            result.updated += 1
        else:
            result.unchanged += 1


@transaction.atomic
def geography_load() -> tuple[LoadResult, LoadResult]:
    """Load or update the shipped wellbeing services counties and municipalities."""
    counties = LoadResult()
    with open(DATA_DIR / "wellbeing_counties.csv", encoding="utf-8") as fh:
        rows = [
            {"code": r["code"], "name_fi": r["name_fi"], "name_sv": r["name_sv"]}
            for r in _rows(fh)
        ]
    _upsert(WellbeingCounty, "code", rows, counties)

    municipalities = LoadResult()
    with open(DATA_DIR / "municipalities.csv", encoding="utf-8") as fh:
        rows = [
            {
                "code": r["code"],
                "name_fi": r["name_fi"],
                "name_sv": r["name_sv"],
                "region_code": r["region_code"],
                "region_name_fi": r["region_fi"],
                "wellbeing_county_id": r["wellbeing_county_code"] or None,
                "population": int(r["population"]),
                "population_year": int(r["population_year"]),
            }
            for r in _rows(fh)
        ]
    _upsert(Municipality, "code", rows, municipalities)
    return counties, municipalities


def postal_codes_import(data: str | bytes) -> LoadResult:
    """Import a postal-code CSV (postal_code,name_fi,name_sv,municipality_code).

    Every row is checked first; a file with any bad row changes nothing.
    """
    if isinstance(data, bytes):
        data = data.decode("utf-8-sig")
    reader = _rows(io.StringIO(data))
    required = {"postal_code", "name_fi", "municipality_code"}
    if not reader.fieldnames or not required <= set(reader.fieldnames):
        raise GeoImportError(
            [_("The file must have the columns postal_code, name_fi, name_sv, municipality_code.")]
        )
    known = set(Municipality.objects.values_list("code", flat=True))
    errors: list[str] = []
    rows: dict[str, dict] = {}
    for lineno, r in enumerate(reader, start=2):
        code = (r.get("postal_code") or "").strip()
        municipality = (r.get("municipality_code") or "").strip().zfill(3)
        if not POSTAL_CODE_RE.match(code):
            errors.append(_("Row %(row)d: %(code)r is not a five-digit postal code.")
                          % {"row": lineno, "code": code})
            continue
        if municipality not in known:
            errors.append(_("Row %(row)d: unknown municipality code %(code)r.")
                          % {"row": lineno, "code": municipality})
            continue
        if code in rows:
            errors.append(_("Row %(row)d: postal code %(code)s appears twice.")
                          % {"row": lineno, "code": code})
            continue
        rows[code] = {
            "code": code,
            "name_fi": (r.get("name_fi") or "").strip(),
            "name_sv": (r.get("name_sv") or "").strip(),
            "municipality_id": municipality,
        }
    if errors:
        raise GeoImportError(errors)
    result = LoadResult()
    with transaction.atomic():
        _upsert(PostalCode, "code", list(rows.values()), result)
    return result


@transaction.atomic
def municipality_abroad_save(*, code: str, country: str, name_fi: str, name_sv: str,
                             name_en: str = "", population: int, population_year: int,
                             postal_code_format: str, postal_code_prefix: str = "",
                             region_name_fi: str = "", billed_in_cost_sharing: bool = False,
                             ) -> Municipality:
    """Create or update a municipality outside Finland (validated like the admin form).
    By default it is not billed in the Finnish cost sharing."""
    municipality = Municipality.objects.filter(code=code).first() or Municipality(code=code)
    fields = {
        "country": country.upper(), "name_fi": name_fi, "name_sv": name_sv,
        "name_en": name_en, "population": population, "population_year": population_year,
        "postal_code_format": postal_code_format.upper(),
        "postal_code_prefix": postal_code_prefix, "region_code": country.upper()[:2],
        "region_name_fi": region_name_fi or name_fi,
        "billed_in_cost_sharing": billed_in_cost_sharing,
    }
    for name, value in fields.items():
        setattr(municipality, name, value)
    municipality.full_clean()
    municipality.save()
    return municipality
