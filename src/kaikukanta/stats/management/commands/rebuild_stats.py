"""Recompute the statistics' daily use rows from the uses (after bulk loads)."""

import datetime

from django.core.management.base import BaseCommand

from kaikukanta.stats.services import rollup_rebuild


class Command(BaseCommand):
    help = "Rebuild the pre-aggregated use figures from the recorded uses."

    def add_arguments(self, parser):
        parser.add_argument("--start", type=datetime.date.fromisoformat, default=None)
        parser.add_argument("--end", type=datetime.date.fromisoformat, default=None)

    def handle(self, *args, start=None, end=None, **options):
        n = rollup_rebuild(start=start, end=end)
        self.stdout.write(f"{n} daily rows written")
