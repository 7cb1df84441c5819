"""Compile and check the gettext catalogs without needing GNU gettext on the machine.

Catalogs live next to the code they translate: `src/kaikukanta/locale` for the page frame
and `src/kaikukanta/<app>/locale` for each app. Finnish and Swedish must be complete (no
empty or fuzzy entry); English is the source language, so an empty English entry falls
back to the source text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import polib

PACKAGE_DIR = Path(__file__).resolve().parent.parent
REQUIRED_COMPLETE = ("fi", "sv")
LANGUAGES = ("fi", "sv", "en")


@dataclass
class CatalogReport:
    compiled: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def catalog_paths() -> list[Path]:
    return sorted(PACKAGE_DIR.glob("**/locale/*/LC_MESSAGES/*.po"))


def locale_dirs() -> list[Path]:
    return sorted({p.parents[2] for p in catalog_paths()})


def check_and_compile(*, compile_mo: bool = True) -> CatalogReport:
    report = CatalogReport()
    for locale_dir in locale_dirs():
        for lang in LANGUAGES:
            po_path = locale_dir / lang / "LC_MESSAGES" / "django.po"
            rel = po_path.relative_to(PACKAGE_DIR)
            if not po_path.exists():
                report.problems.append(f"{rel}: missing")
                continue
            catalog = polib.pofile(str(po_path))
            if lang in REQUIRED_COMPLETE:
                for entry in catalog:
                    if entry.obsolete:
                        continue
                    if entry.fuzzy:
                        report.problems.append(f"{rel}: fuzzy: {entry.msgid[:60]!r}")
                    elif entry.msgid_plural:
                        if not all(entry.msgstr_plural.values()):
                            report.problems.append(f"{rel}: untranslated: {entry.msgid[:60]!r}")
                    elif not entry.msgstr:
                        report.problems.append(f"{rel}: untranslated: {entry.msgid[:60]!r}")
            if compile_mo:
                mo_path = po_path.with_suffix(".mo")
                _save_mo(catalog, mo_path)
                report.compiled.append(mo_path)
    return report


def _save_mo(catalog: polib.POFile, mo_path: Path) -> None:
    """Write the .mo file only when it changes, and whole: a process reading the catalogs
    at the same time (a server starting, a test in another process) never sees half of it."""
    tmp = mo_path.with_name(f".{mo_path.name}.{os.getpid()}.tmp")
    try:
        catalog.save_as_mofile(str(tmp))
        if mo_path.exists() and mo_path.read_bytes() == tmp.read_bytes():
            return
        os.replace(tmp, mo_path)
    finally:
        tmp.unlink(missing_ok=True)
