"""The card list's order, new cards first: on PostgreSQL an index in exactly that order,
so that a page of a large scope reads the index instead of sorting every card it may see.
SQLite cannot index NULLS LAST and its lists are small; nothing is made there."""

from django.db import migrations

INDEX = "card_registered_desc"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON cards_card (registered_at DESC NULLS LAST)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("cards", "0005_batch_print"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
