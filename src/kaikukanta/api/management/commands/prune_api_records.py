"""Delete stored API answers (Idempotency-Key replays) older than --days (default 30).
Run it daily, e.g. from cron; the answers hold card numbers, so they are not kept longer
than retries need."""

from django.core.management.base import BaseCommand

from kaikukanta.api.services import api_records_prune


class Command(BaseCommand):
    help = "Delete stored partner API answers older than --days (default 30)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args, days: int, **options):
        deleted = api_records_prune(keep_days=days)
        self.stdout.write(f"deleted {deleted} stored answers")
