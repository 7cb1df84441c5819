"""Make a batch of printed card numbers from the command line (for scripts and print
shops): `manage.py create_card_batch --area Espoo --count 500` prints one number a line."""

from django.core.management.base import BaseCommand, CommandError

from kaikukanta.cards import services
from kaikukanta.cards.models import CardKind
from kaikukanta.cards.numbers import display as display_number
from kaikukanta.cards.printing import batch_pdf
from kaikukanta.lib.errors import DomainError
from kaikukanta.lib.scope import system_scope
from kaikukanta.network.models import Area


class Command(BaseCommand):
    help = "Make a batch of new card numbers for an area and print them, one per line."

    def add_arguments(self, parser):
        parser.add_argument("--area", required=True, help="area id or name")
        parser.add_argument("--count", required=True, help="how many numbers (1-10000)")
        parser.add_argument("--kind", default=CardKind.PERSONAL, choices=CardKind.values)
        parser.add_argument("--display", action="store_true",
                            help="print the numbers in the printed form (K7M4-9QX2)")
        parser.add_argument("--pdf", metavar="FILE",
                            help="also write the print-ready PDF of the whole batch")

    def handle(self, *args, area: str, count: str, kind: str, display: bool, pdf: str | None,
               **options):
        found = None
        if area.isdigit():
            found = Area.objects.filter(pk=int(area)).first()
        if found is None:
            found = Area.objects.filter(name__iexact=area.strip()).first()
        if found is None:
            raise CommandError(f"unknown area: {area!r}")
        try:
            n = int(count)
        except ValueError:
            raise CommandError(f"--count must be a whole number, not {count!r}") from None
        try:
            batch = services.batch_create(scope=system_scope("manage.py create_card_batch"),
                                          area=found, count=n, kind=kind)
        except DomainError as error:
            raise CommandError(error.render()) from error
        numbers = list(batch.cards.order_by("number").values_list("number", flat=True))
        for number in numbers:
            self.stdout.write(display_number(number) if display else number)
        if pdf:
            with open(pdf, "wb") as out:
                out.write(batch_pdf(numbers, community=kind == CardKind.COMMUNITY))
        self.stderr.write(f"batch {batch.pk}: {batch.size} numbers for {found.name}")
