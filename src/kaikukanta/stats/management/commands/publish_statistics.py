"""Publish the statistics periods that are due (the worker does it daily)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from kaikukanta.stats.publication import publish_due


class Command(BaseCommand):
    help = ("Publish the holder figures of every month (61 days after it ends, after its late "
            "entries) and year that is due and not yet published. Published periods are "
            "never recomputed.")

    def handle(self, *args, **options):
        n = publish_due(timezone.localdate())
        self.stdout.write(f"{n} periods published")
