"""Print the demo's current second-factor code (KAIKUKANTA_DEMO=1 only)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kaikukanta.accounts import security


class Command(BaseCommand):
    help = ("Print the current second-factor code of the demo's coordinators and national "
            "admin (demo mode only).")

    def handle(self, *args, **options):
        if not settings.DEMO:
            raise CommandError("demo_totp works only in demo mode (KAIKUKANTA_DEMO=1).")
        code, seconds = security.demo_code()
        self.stdout.write(code)
        self.stdout.write(f"(valid for {seconds} more seconds; the demo secret for an "
                          f"authenticator app is {security.demo_secret()})")
