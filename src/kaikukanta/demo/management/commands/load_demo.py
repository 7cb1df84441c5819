"""Load reference data and the demo network, cards and uses (idempotent)."""

import importlib

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from kaikukanta.demo import network
from kaikukanta.demo.context import DEMO_PASSWORD, DemoContext

# Each app may add to the demo in `kaikukanta/<app>/demo.py` with `load(ctx)`, in this order.
APP_LOADERS = ["cards", "usage", "coordination", "stats", "api", "accounts", "public", "oma"]


class Command(BaseCommand):
    help = "Load geography and the demo data; prints one login for every role."

    def handle(self, *args, **options):
        call_command("load_geography", stdout=self.stdout)
        ctx = DemoContext()
        with transaction.atomic():
            network.load(ctx)
            for app in APP_LOADERS:
                try:
                    module = importlib.import_module(f"kaikukanta.{app}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"kaikukanta.{app}.demo":
                        raise
                    continue
                module.load(ctx)
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        width = max((len(email) for _, email in ctx.logins), default=0)
        for label, email in ctx.logins:
            self.stdout.write(f"  {email:<{width}}  {label}")
        for note in ctx.notes:
            self.stdout.write(note)
        self.stdout.write("Open http://127.0.0.1:8000/ and sign in.")
