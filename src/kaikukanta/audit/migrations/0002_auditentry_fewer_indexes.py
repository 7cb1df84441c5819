"""One index fewer on the audit log: each one costs every write (a file import writes an
entry per use). The area's own index goes, as the (area, -at) index starts with the same
column and answers the same look-ups (SET_NULL's search for an area's entries included).

Only the index is dropped: the foreign-key constraint stays as it was (Django's
AlterField would drop and re-validate it, a full scan of the table).
"""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "audit_auditentry_area_id_f017dcb0"


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("network", "0002_checklist_and_review_from_coordination"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry",
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
                    sql=f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "audit_auditentry" '
                    '("area_id")',
                ),
            ],
        ),
    ]
