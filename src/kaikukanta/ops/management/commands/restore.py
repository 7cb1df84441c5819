"""Replace the database's contents with a backup written by `manage.py backup`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kaikukanta.ops.backup import BackupError, backup_restore, tool_missing


class Command(BaseCommand):
    help = ("Restore a backup written by `manage.py backup` over the current database "
            "(stop the app servers and the worker first), then compare it with the "
            "backup's manifest.")

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path)
        parser.add_argument("--yes", action="store_true",
                            help="do not ask: every current row is replaced")

    def handle(self, *args, backup: Path, yes: bool, **options):
        from django.db import connection

        if not backup.exists():
            raise CommandError(f"{backup} does not exist")
        if connection.vendor == "postgresql" and (tool := tool_missing()):
            raise CommandError(f"{tool} is not installed (PostgreSQL client tools)")
        if not yes:
            if not options.get("interactive", True) or not self.stdin_isatty():
                raise CommandError("restore replaces every row: confirm with --yes")
            answer = input(f"Replace the database {connection.settings_dict['NAME']} "
                           f"with {backup}? Type 'yes': ")
            if answer.strip() != "yes":
                raise CommandError("not restored")
        try:
            manifest = backup_restore(backup)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {backup} (made {manifest.created_at}); "
                          f"{sum(manifest.counts.values())} rows in {len(manifest.counts)} "
                          "tables match the backup")

    @staticmethod
    def stdin_isatty() -> bool:
        import sys

        return sys.stdin.isatty()
