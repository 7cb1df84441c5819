"""The card spans are read without parallel workers (PostgreSQL).

A dashboard's card counts (`selectors.card_counts`, `cardspan.sums_through`) read a few
thousand span rows, but the statement's many day conditions make the planner's cost large
enough for a parallel plan: on the national data a custom period's counts launched two
workers, whose start took 20-45 ms of the statement's 30-58 ms on the 2-core machine,
against 12-16 ms for the same statement without them (the workers' own share of the work
was 1.4 ms)."""

from django.db import migrations


def serial(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE stats_cardspan SET (parallel_workers = 0)")


def parallel_as_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE stats_cardspan RESET (parallel_workers)")


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0017_edge_reads"),
    ]

    operations = [
        migrations.RunPython(serial, parallel_as_default),
    ]
