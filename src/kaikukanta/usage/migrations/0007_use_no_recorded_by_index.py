"""One index fewer on the use table: each one costs every write (desk, API, file import).

The index of who recorded a use goes: nothing reads the uses by who recorded them, and
people are never deleted (they are deactivated; the admin cannot delete them), so it
only served a deletion's SET_NULL search, which would now read the table instead.

Only the index is dropped: the foreign-key constraint stays as it was (Django's
AlterField would drop and re-validate it, a full scan of the table).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEX = "usage_use_recorded_by_id_ae290518"


class Migration(migrations.Migration):
    dependencies = [
        ("usage", "0006_lookuplog_fewer_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="use",
                    name="recorded_by",
                    field=models.ForeignKey(
                        blank=True, db_index=False, null=True,
                        on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                        to=settings.AUTH_USER_MODEL, verbose_name="recorded by"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "usage_use" '
                                '("recorded_by_id")',
                ),
            ],
        ),
    ]
