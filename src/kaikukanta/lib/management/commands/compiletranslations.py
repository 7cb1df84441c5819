from django.core.management.base import BaseCommand, CommandError

from kaikukanta.lib.translations import check_and_compile


class Command(BaseCommand):
    help = "Compile every gettext catalog (.po -> .mo) and check that fi and sv are complete."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help="fail when a Finnish or Swedish entry is missing or fuzzy")

    def handle(self, *args, check: bool, **options):
        report = check_and_compile()
        self.stdout.write(f"compiled {len(report.compiled)} catalogs")
        if report.problems:
            for problem in report.problems[:200]:
                self.stderr.write(problem)
            if check:
                raise CommandError(f"{len(report.problems)} translation problems")
