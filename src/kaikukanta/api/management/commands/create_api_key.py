"""Make a partner API key from the command line (for operators and the demo)."""

from django.core.management.base import BaseCommand, CommandError

from kaikukanta.api.errors import KeyLabelTaken
from kaikukanta.api.services import api_key_create
from kaikukanta.lib.scope import system_scope
from kaikukanta.network.models import Organisation


class Command(BaseCommand):
    help = ("List organisations (--list), or print a new API key for one "
            "(--organisation ID [--write] [--label TEXT]). The key is shown only once.")

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true",
                            help="List organisations with their id and kind.")
        parser.add_argument("--organisation", type=int, help="The organisation's id.")
        parser.add_argument("--write", action="store_true",
                            help="A read-write key (default: read only).")
        parser.add_argument("--label", default="", help="What the key is for.")

    def handle(self, *args, **options):
        if options["list"]:
            orgs = Organisation.objects.select_related("home_area").order_by(
                "home_area__name", "kind", "name")
            for org in orgs:
                state = "" if org.is_active else "  (inactive)"
                self.stdout.write(f"{org.pk:>5}  {org.kind:<14} {org.home_area.name:<12} "
                                  f"{org.name}{state}")
            return
        if not options["organisation"]:
            raise CommandError("Give --list or --organisation ID.")
        org = Organisation.objects.filter(pk=options["organisation"]).first()
        if org is None:
            raise CommandError(f"No organisation has id {options['organisation']}.")
        label = options["label"] or "manage.py create_api_key"
        try:
            key, raw = api_key_create(scope=system_scope("manage.py create_api_key"),
                                      organisation=org, label=label,
                                      can_write=options["write"])
        except KeyLabelTaken:
            label = f"{label} {org.api_keys.count() + 1}"
            key, raw = api_key_create(scope=system_scope("manage.py create_api_key"),
                                      organisation=org, label=label,
                                      can_write=options["write"])
        access = "read-write" if key.can_write else "read-only"
        self.stderr.write(f"New {access} key {key.prefix} for {org.name} ({org.kind}). "
                          "It is shown only now:")
        self.stdout.write(raw)
