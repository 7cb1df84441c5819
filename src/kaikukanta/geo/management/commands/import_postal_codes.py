from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kaikukanta.geo.services import GeoImportError, postal_codes_import


class Command(BaseCommand):
    help = (
        "Load postal codes from a CSV with the columns "
        "postal_code,name_fi,name_sv,municipality_code. All rows or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.exists():
            raise CommandError(f"No such file: {file}")
        try:
            r = postal_codes_import(file.read_bytes())
        except GeoImportError as exc:
            raise CommandError("Nothing was imported:\n" + "\n".join(exc.errors)) from exc
        self.stdout.write(f"postal codes: {r.created} created, {r.updated} updated, "
                          f"{r.unchanged} unchanged")
