"""Two indexes fewer on the look-up log: each one costs every write (a file import logs
every number in it). The user's and the area's own indexes go, as the (user, found, at)
and (area, throttled, at) indexes start with the same columns and answer the same
look-ups (SET_NULL's search for a person's or an area's rows included).

Only the indexes are dropped: the foreign-key constraints stay as they were (Django's
AlterField would drop and re-validate each one, a full scan of the table per key).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FOREIGN_KEY_INDEXES = {
    "user": "usage_lookuplog_user_id_5c5bf5ae",
    "area": "usage_lookuplog_area_id_4c68fe13",
}


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0002_checklist_and_review_from_coordination"),
        ("usage", "0005_use_fewer_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="lookuplog",
                    name="user",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
                migrations.AlterField(
                    model_name="lookuplog",
                    name="area",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="network.area",
                        verbose_name="area",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX IF NOT EXISTS "{name}" ON "usage_lookuplog" '
                    f'("{field}_id")',
                )
                for field, name in FOREIGN_KEY_INDEXES.items()
            ],
        ),
    ]
