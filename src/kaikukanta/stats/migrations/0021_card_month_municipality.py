"""The card's municipality of residence (as it is now) in the card-month rows, so that a
municipality's residents' edge months are counted from these rows like an area's
(`selectors._edge_rows`), never from the uses; filled here from the cards, as
`manage.py rebuild_stats` makes it. The edge-month index gets it as a third key column
(no index more: each one slows the import's card-month upsert): an area reads its
(month, card's area) prefix as before, a municipality one range per card's area.

The municipality's index of its monthly place rows includes the sums, so that its places
table reads them from the index alone (it read a table page per row).

On PostgreSQL the fill rewrites every row; autovacuum (at 1 % of the rows for this table,
stats 0017) then restores the index-only reads. Run `VACUUM ANALYZE stats_cardmonthuse`
after migrating a large database to have them at once."""

from django.db import migrations, models


def fill(apps, schema_editor):
    """Every card-month row takes its card's municipality ('' for none)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "UPDATE stats_cardmonthuse m SET municipality_id = c.municipality_id "
            "FROM cards_card c WHERE c.id = m.card_id AND c.municipality_id IS NOT NULL "
            "AND c.municipality_id <> ''"
        )
    else:
        schema_editor.execute(
            "UPDATE stats_cardmonthuse SET municipality_id = COALESCE((SELECT "
            "c.municipality_id FROM cards_card c WHERE c.id = stats_cardmonthuse.card_id), '')"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0020_card_month_probe"),
    ]

    operations = [
        # the index is made again after the fill (one build rather than one entry per
        # updated row)
        migrations.RemoveIndex(
            model_name="cardmonthuse",
            name="stats_cardmonthuse_days",
        ),
        migrations.AddField(
            model_name="cardmonthuse",
            name="municipality_id",
            field=models.CharField(default="", max_length=8, verbose_name="municipality"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="cardmonthuse",
            index=models.Index(
                fields=["month", "card_area_id", "municipality_id"],
                include=(
                    "unit_id",
                    "first_day",
                    "last_day",
                    "prev_day",
                    "next_month",
                    "stats_key",
                    "uses",
                    "card_id",
                ),
                name="stats_cardmonthuse_days",
            ),
        ),
        migrations.RemoveIndex(
            model_name="usemunicipalityplacemonth",
            name="stats_usemu_municip_cc4285_idx",
        ),
        migrations.AddIndex(
            model_name="usemunicipalityplacemonth",
            index=models.Index(
                fields=["municipality_id", "month"],
                include=("site_id", "offer_id", "uses", "children", "with_children"),
                name="stats_usemuniplacemonth_muni",
            ),
        ),
    ]
