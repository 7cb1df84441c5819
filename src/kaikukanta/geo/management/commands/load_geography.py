from django.core.management.base import BaseCommand

from kaikukanta.geo.services import geography_load


class Command(BaseCommand):
    help = "Load or update municipalities and wellbeing services counties (idempotent)."

    def handle(self, *args, **options):
        counties, municipalities = geography_load()
        for label, r in (("counties", counties), ("municipalities", municipalities)):
            self.stdout.write(
                f"{label}: {r.created} created, {r.updated} updated, {r.unchanged} unchanged"
            )
