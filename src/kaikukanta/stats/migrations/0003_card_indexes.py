"""Indexes on the cards for the period figures (cards valid, registered or inactivated in
a period). Kept with the statistics, their only reader."""

from django.db import migrations

INDEXES = {
    "stats_card_valid_until": "(valid_until)",
    "stats_card_area_valid_until": "(area_id, valid_until)",
    "stats_card_issued_on": "(issued_on)",
}


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0002_use_indexes"),
        ("cards", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON cards_card {cols} "
                "WHERE status IN ('active', 'inactive')",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, cols in INDEXES.items()
    ] + [
        migrations.RunSQL(
            sql="CREATE INDEX IF NOT EXISTS stats_card_inactivated_on ON cards_card "
                "(inactivated_on) WHERE inactivated_on IS NOT NULL",
            reverse_sql="DROP INDEX IF EXISTS stats_card_inactivated_on",
        )
    ]
