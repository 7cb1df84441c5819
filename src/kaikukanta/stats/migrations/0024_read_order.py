"""The rollups that the national and area dashboards read by ranges of days put in the
order they are read (`services.READ_ORDER`, PostgreSQL's `CLUSTER`), as a whole rebuild
now leaves them.

Built by `rollup_rebuild`, their rows lay in the order of its GROUP BY, a day's rows spread
over the whole table: at national scale a custom period's sums read every page of the
daily area rows (1,799 pages for 16,431 rows) and 695 pages of card spans for 1,554 rows.
In day order the same sums read about a tenth as many pages. Each table is rewritten
under its lock (seconds at 1,000,000 cards); nothing else changes."""

from django.db import migrations


def in_read_order(apps, schema_editor):
    from kaikukanta.stats.services import rollups_in_read_order

    with schema_editor.connection.cursor() as cur:
        rollups_in_read_order(cur)


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0023_unit_day_cards"),
    ]

    operations = [
        migrations.RunPython(in_read_order, migrations.RunPython.noop),
    ]
