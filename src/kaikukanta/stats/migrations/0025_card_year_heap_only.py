"""The card-year rows without an index on `uses`, so that the update every recorded use
makes to its card's row is heap-only (PostgreSQL writes no index entry for it); the most
uses of one card in a year and card's area moves to `CardsUsedYear.most_uses`, which the
privacy rule's bound reads (it read the dropped (year, uses) index).

On PostgreSQL the table keeps 30 % of each page free for those updates (fillfactor 70)
and is rewritten once with it (CLUSTER on its key: a card's years side by side).
"""

from django.db import migrations, models

FILL = ("UPDATE stats_cardsusedyear SET most_uses = COALESCE((SELECT MAX(c.uses) FROM "
        "stats_cardyearuse c WHERE c.year = stats_cardsusedyear.year "
        "AND c.card_area_id = stats_cardsusedyear.card_area_id), 0)")


def room_for_updates(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE stats_cardyearuse SET (fillfactor = 70)")
        schema_editor.execute("CLUSTER stats_cardyearuse USING stats_cardyearuse_once")


def no_room(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE stats_cardyearuse RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("stats", "0024_read_order")]

    operations = [
        migrations.AddField(
            model_name="cardsusedyear",
            name="most_uses",
            field=models.IntegerField(default=0, verbose_name="most uses of one card"),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.RemoveIndex(model_name="cardyearuse", name="stats_cardy_year_ded3ff_idx"),
        migrations.RunPython(room_for_updates, no_room),
    ]
