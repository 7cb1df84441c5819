"""Load reference data and the demo network, cards and uses (idempotent)."""

import importlib

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from kaikukanta.demo import network
from kaikukanta.demo.context import DEMO_PASSWORD, DemoContext

# The demo's parts, in this order; each has `load(ctx)`. The demo sits on top of every app,
# so its loaders live here (`kaikukanta/demo/<app>.py`); a top-level app may keep its own.
LOADERS = ["kaikukanta.demo.cards", "kaikukanta.demo.usage", "kaikukanta.demo.coordination",
           "kaikukanta.demo.stats", "kaikukanta.demo.accounts", "kaikukanta.public.demo",
           "kaikukanta.oma.demo", "kaikukanta.demo.wellbeing",
           "kaikukanta.surveys.demo"]


class Command(BaseCommand):
    help = "Load geography and the demo data; prints one login for every role."

    def handle(self, *args, **options):
        call_command("load_geography", stdout=self.stdout)
        ctx = DemoContext()
        with transaction.atomic():
            network.load(ctx)
            for name in LOADERS:
                importlib.import_module(name).load(ctx)
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        width = max((len(email) for _, email in ctx.logins), default=0)
        for label, email in ctx.logins:
            self.stdout.write(f"  {email:<{width}}  {label}")
        for note in ctx.notes:
            self.stdout.write(note)
        self.stdout.write("Open http://127.0.0.1:8000/ and sign in.")
