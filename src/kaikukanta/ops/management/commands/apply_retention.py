"""Apply the retention rules of docs/privacy.md (idempotent; the worker runs it daily)."""

from django.core.management.base import BaseCommand

from kaikukanta.ops.retention import retention_apply


class Command(BaseCommand):
    help = ("Delete look-up logs, stored API answers, closed invitations, old audit entries "
            "and task results past their retention, and coarsen long-expired cards.")

    def handle(self, *args, **options):
        report = retention_apply()
        for name, count in report.counts.items():
            self.stdout.write(f"{name}: {count}")
