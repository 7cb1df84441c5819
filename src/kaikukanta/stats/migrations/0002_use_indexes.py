"""Indexes on the uses for the figures that cannot be pre-summed (distinct holders).

They live here because only the statistics read the uses this way; both PostgreSQL and
SQLite support these partial indexes.
"""

from django.db import migrations

INDEXES = {
    "stats_use_date_card": "(event_date, card_id)",
    "stats_use_area_date_card": "(area_id, event_date, card_id)",
    "stats_use_carea_date_card": "(card_area_id, event_date, card_id)",
    "stats_use_seller_date": "(seller_id, event_date)",
}


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0001_initial"),
        ("usage", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON usage_use {cols} "
                "WHERE status = 'recorded'",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, cols in INDEXES.items()
    ]
