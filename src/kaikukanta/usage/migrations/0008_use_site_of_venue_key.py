"""One foreign key for a use's site and venue: the site is always one of the venue's units
(`use_values`), so the pair (site, venue) refers to the unit's (id, organisation)
(network 0003) and each written use is checked once for the two instead of once each (the
commit's deferred checks are a large part of a file import's time). The key says more than
the two it replaces: a use's venue is its site's organisation.

PostgreSQL only: SQLite keeps its two keys (it checks them its own way). The new key is
added NOT VALID and then validated (one read of the table, no long lock on writes).
"""

import django.db.models.deletion
from django.db import migrations, models

OLD = {
    "venue": ("usage_use_venue_id_a8727967_fk_network_organisation_id", "venue_id",
              "network_organisation"),
    "site": ("usage_use_site_id_0be08537_fk_network_unit_id", "site_id", "network_unit"),
}


def one_key(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column, _table in OLD.values():
        schema_editor.execute(f'ALTER TABLE "usage_use" DROP CONSTRAINT IF EXISTS "{name}"')
    schema_editor.execute(
        'ALTER TABLE "usage_use" ADD CONSTRAINT "use_site_of_venue" FOREIGN KEY '
        '("site_id", "venue_id") REFERENCES "network_unit" ("id", "organisation_id") '
        "DEFERRABLE INITIALLY DEFERRED NOT VALID")
    schema_editor.execute('ALTER TABLE "usage_use" VALIDATE CONSTRAINT "use_site_of_venue"')


def two_keys(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute('ALTER TABLE "usage_use" DROP CONSTRAINT IF EXISTS '
                          '"use_site_of_venue"')
    for name, column, table in OLD.values():
        schema_editor.execute(
            f'ALTER TABLE "usage_use" ADD CONSTRAINT "{name}" FOREIGN KEY ("{column}") '
            f'REFERENCES "{table}" ("id") DEFERRABLE INITIALLY DEFERRED')


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0003_unit_of_organisation"),
        ("usage", "0007_use_no_recorded_by_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="use", name="venue",
                    field=models.ForeignKey(
                        db_constraint=False, db_index=False,
                        on_delete=django.db.models.deletion.PROTECT, related_name="uses",
                        to="network.organisation", verbose_name="venue")),
                migrations.AlterField(
                    model_name="use", name="site",
                    field=models.ForeignKey(
                        db_constraint=False, db_index=False,
                        on_delete=django.db.models.deletion.PROTECT, related_name="uses",
                        to="network.unit", verbose_name="site")),
            ],
            database_operations=[migrations.RunPython(one_key, two_keys)],
        ),
    ]
