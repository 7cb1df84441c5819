"""Fewer indexes on the use table: each one costs every write (desk, API, file import).

Dropped, because a composite index starts with the same column and answers the same
look-ups (a foreign key's PROTECT check included): the single-column indexes of card,
offer, venue, site, area and card's area, and (site, -event_date) (`use_site_day_recent`
read backwards). The seller's and the canceller's indexes become partial (only the few
uses that have one), and so does the request token's uniqueness: a use without a token (a
file's, a paper form's) is in none of these indexes. The token's `LIKE` index (never used:
tokens are compared whole) goes with its old constraint. The statistics' seller index
(stats 0002) leaves out the uses without a seller too (its figures ask for one seller).

Only indexes are dropped and made: the foreign-key constraints stay as they were (Django's
AlterField would drop and re-validate each one, a full scan of the table per key).
On SQLite the token column keeps its inline UNIQUE (dropping it would rebuild the table
and lose the statistics app's indexes); the partial index is made there too.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FOREIGN_KEY_INDEXES = {
    "card": "usage_use_card_id_109c18a0",
    "offer": "usage_use_offer_id_dfed0d65",
    "venue": "usage_use_venue_id_a8727967",
    "site": "usage_use_site_id_0be08537",
    "seller": "usage_use_seller_id_8067f30b",
    "area": "usage_use_area_id_dddc9254",
    "card_area": "usage_use_card_area_id_1deaef70",
    "cancelled_by": "usage_use_cancelled_by_id_d0446877",
}


def drop_token_unique(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE "usage_use" DROP CONSTRAINT IF EXISTS '
                              '"usage_use_request_token_key"')
        schema_editor.execute('DROP INDEX IF EXISTS "usage_use_request_token_dc546c0b_like"')


def add_token_unique(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE "usage_use" ADD CONSTRAINT '
                              '"usage_use_request_token_key" UNIQUE ("request_token")')
        schema_editor.execute('CREATE INDEX "usage_use_request_token_dc546c0b_like" ON '
                              '"usage_use" ("request_token" varchar_pattern_ops)')


def _fk(to, related_name, *, null=False, on_delete=django.db.models.deletion.PROTECT,
        verbose_name):
    return models.ForeignKey(blank=null, db_index=False, null=null, on_delete=on_delete,
                             related_name=related_name, to=to, verbose_name=verbose_name)


class Migration(migrations.Migration):

    dependencies = [
        ('cards', '0006_card_list_order_index'),
        ('network', '0002_checklist_and_review_from_coordination'),
        ('stats', '0004_use_cross_index'),
        ('usage', '0004_use_import'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='use',
            name='usage_use_site_id_5cd448_idx',
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(model_name='use', name='area', field=_fk(
                    'network.area', 'uses', verbose_name='area')),
                migrations.AlterField(model_name='use', name='cancelled_by', field=_fk(
                    settings.AUTH_USER_MODEL, '+', null=True,
                    on_delete=django.db.models.deletion.SET_NULL,
                    verbose_name='cancelled by')),
                migrations.AlterField(model_name='use', name='card', field=_fk(
                    'cards.card', 'uses', verbose_name='card')),
                migrations.AlterField(model_name='use', name='card_area', field=_fk(
                    'network.area', 'card_uses', null=True, verbose_name="card's area")),
                migrations.AlterField(model_name='use', name='offer', field=_fk(
                    'usage.offer', 'uses', null=True, verbose_name='offer')),
                migrations.AlterField(model_name='use', name='seller', field=_fk(
                    'network.organisation', 'sold_uses', null=True,
                    verbose_name='ticket seller')),
                migrations.AlterField(model_name='use', name='site', field=_fk(
                    'network.unit', 'uses', verbose_name='site')),
                migrations.AlterField(model_name='use', name='venue', field=_fk(
                    'network.organisation', 'uses', verbose_name='venue')),
                migrations.AlterField(
                    model_name='use',
                    name='request_token',
                    field=models.CharField(blank=True, max_length=80, null=True,
                                           verbose_name='request token'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX IF NOT EXISTS "{name}" ON "usage_use" '
                                f'("{field}_id")',
                )
                for field, name in FOREIGN_KEY_INDEXES.items()
            ] + [migrations.RunPython(drop_token_unique, add_token_unique)],
        ),
        migrations.AddIndex(
            model_name='use',
            index=models.Index(condition=models.Q(('seller__isnull', False)),
                               fields=['seller'], name='use_seller'),
        ),
        migrations.AddIndex(
            model_name='use',
            index=models.Index(condition=models.Q(('cancelled_by__isnull', False)),
                               fields=['cancelled_by'], name='use_cancelled_by'),
        ),
        migrations.RunSQL(
            sql=["DROP INDEX IF EXISTS stats_use_seller_date",
                 "CREATE INDEX stats_use_seller_date ON usage_use (seller_id, event_date) "
                 "WHERE status = 'recorded' AND seller_id IS NOT NULL"],
            reverse_sql=["DROP INDEX IF EXISTS stats_use_seller_date",
                         "CREATE INDEX stats_use_seller_date ON usage_use "
                         "(seller_id, event_date) WHERE status = 'recorded'"],
        ),
        migrations.AddConstraint(
            model_name='use',
            constraint=models.UniqueConstraint(
                condition=models.Q(('request_token__isnull', False)),
                fields=('request_token',), name='use_request_token_once'),
        ),
    ]
