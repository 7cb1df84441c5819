"""Back up the database and check the backup by restoring it into a scratch database."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kaikukanta.ops.backup import BackupError, backup_create, backups_prune, tool_missing


class Command(BaseCommand):
    help = ("Write a backup (PostgreSQL: pg_dump custom format; SQLite: online backup) with "
            "a manifest of row counts and checksums, then restore it into a scratch "
            "database and compare. --prune deletes backups older than BACKUP_KEEP_DAYS.")

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=None,
                            help="where to write (default: BACKUP_DIR)")
        parser.add_argument("--scratch-database", default=None,
                            help="name of the scratch database for the check (PostgreSQL; "
                                 "created and dropped; default: <database>_verify_<random>)")
        parser.add_argument("--prune", action="store_true",
                            help="afterwards delete backups older than BACKUP_KEEP_DAYS")

    def handle(self, *args, dir, scratch_database, prune, **options):  # noqa: A002
        from django.db import connection

        if connection.vendor == "postgresql" and (tool := tool_missing()):
            raise CommandError(f"{tool} is not installed (PostgreSQL client tools)")
        try:
            path = backup_create(directory=dir, scratch_name=scratch_database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup written and verified: {path}")
        if prune:
            for old in backups_prune(directory=dir, keep_days=settings.BACKUP_KEEP_DAYS):
                self.stdout.write(f"deleted old backup: {old}")
