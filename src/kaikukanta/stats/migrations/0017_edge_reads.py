"""Reads of a custom period's partial months from indexes alone (`selectors.site_sums`,
`selectors._edge_rows`):

- the area index of the daily site rows includes the sums, so that an area's places table
  reads its edge days from the index (it read one table page per row: 3,700 pages for the
  3,900 rows of 12–28 Feb and 1–19 May in one area at 1,000,000 cards);
- the card-month rows are vacuumed after 1 % of them changed (PostgreSQL's default: 20 %,
  1.6 million rows at 1,000,000 cards). Every record and import updates card-month rows
  of earlier months (a card's next month used), which clears their pages' all-visible bit;
  the edge months' counts then fetch the table's page of each such row (24,709 of the
  94,833 rows of one month on the national data after the benchmark's records and
  import) instead of reading the covering index alone."""

from django.db import migrations, models

SETTINGS = ("autovacuum_vacuum_scale_factor", "autovacuum_vacuum_insert_scale_factor")


def vacuum_often(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE stats_cardmonthuse SET ("
            + ", ".join(f"{s} = 0.01" for s in SETTINGS)
            + ")"
        )


def vacuum_as_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE stats_cardmonthuse RESET ({', '.join(SETTINGS)})")


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0015_card_month_days"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="usesiteday",
            name="stats_usesi_area_id_c14c6e_idx",
        ),
        migrations.AddIndex(
            model_name="usesiteday",
            index=models.Index(
                fields=["area_id", "day"],
                include=("site_id", "offer_id", "uses", "children", "with_children"),
                name="stats_usesiteday_area",
            ),
        ),
        migrations.RunPython(vacuum_often, vacuum_as_default),
    ]
