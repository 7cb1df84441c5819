"""Read-side questions about geography."""

from kaikukanta.geo.models import Municipality, PostalCode
from kaikukanta.geo.services import POSTAL_CODE_RE


def postal_codes_loaded() -> bool:
    return PostalCode.objects.exists()


def is_postal_code_format(code: str) -> bool:
    return bool(POSTAL_CODE_RE.match(code or ""))


def municipality_for_postal_code(code: str) -> Municipality | None:
    """The municipality of a postal code, or None when it is unknown or no table is loaded."""
    row = PostalCode.objects.select_related("municipality").filter(code=code).first()
    return row.municipality if row else None


def foreign_postal_code(text: str) -> tuple[str, Municipality] | None:
    """A postal code of a municipality abroad, written in its local format (``953 33`` or
    ``SE-953 33`` for Haparanda): the code as stored and the municipality, or None."""
    if not text or (text.strip().isdigit() and len(text.strip()) == 5):
        return None  # a Finnish postal code
    for municipality in Municipality.objects.foreign():
        code = municipality.matches_postal_code(text)
        if code:
            return code, municipality
    return None
