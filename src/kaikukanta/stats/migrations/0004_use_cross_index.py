"""An index for the holders behind the cross-area figures (uses in an area by the cards of
another area)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("stats", "0003_card_indexes")]

    operations = [
        migrations.RunSQL(
            sql="CREATE INDEX IF NOT EXISTS stats_use_area_carea_date ON usage_use "
                "(area_id, card_area_id, event_date, card_id) WHERE status = 'recorded'",
            reverse_sql="DROP INDEX IF EXISTS stats_use_area_carea_date",
        ),
    ]
