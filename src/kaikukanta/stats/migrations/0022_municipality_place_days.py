"""The residents' uses per (day, card's municipality now, site, offer): the days of a
municipality's places table outside whole months, which read the uses until now. Filled
here from the uses already recorded, as `manage.py rebuild_stats` makes them; on
PostgreSQL in the key's order, so that a municipality's days lie together."""

from django.db import migrations, models


def fill(apps, schema_editor):
    order = ("ORDER BY 2, 1, 3, 4" if schema_editor.connection.vendor == "postgresql"
             else "")
    schema_editor.execute(
        "INSERT INTO stats_usemunicipalityplaceday (day, municipality_id, site_id, offer_id, "
        "uses, children, companions, with_children) SELECT u.event_date, "
        "COALESCE(c.municipality_id, ''), u.site_id, COALESCE(u.offer_id, 0), COUNT(*), "
        "SUM(u.children), SUM(CASE WHEN u.companion THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN u.children > 0 THEN 1 ELSE 0 END) "
        "FROM usage_use u JOIN cards_card c ON c.id = u.card_id WHERE u.status = 'recorded' "
        "GROUP BY u.event_date, COALESCE(c.municipality_id, ''), u.site_id, "
        f"COALESCE(u.offer_id, 0) {order}")


class Migration(migrations.Migration):

    dependencies = [
        ('stats', '0025_card_year_heap_only'),
    ]

    operations = [
        migrations.CreateModel(
            name='UseMunicipalityPlaceDay',
            fields=[
                ('uses', models.IntegerField(default=0, verbose_name='uses')),
                ('children', models.IntegerField(default=0, verbose_name="children's tickets")),
                ('companions', models.IntegerField(default=0, verbose_name='companion tickets')),
                ('with_children', models.IntegerField(default=0, verbose_name="uses with children's tickets")),
                ('day', models.DateField(verbose_name='date')),
                ('pk', models.CompositePrimaryKey('municipality_id', 'day', 'site_id', 'offer_id', blank=True, editable=False, primary_key=True, serialize=False)),
                ('municipality_id', models.CharField(default='', max_length=8, verbose_name='municipality')),
                ('site_id', models.IntegerField(verbose_name='site')),
                ('offer_id', models.IntegerField(default=0, verbose_name='offer')),
            ],
            options={
                'verbose_name': 'daily use figures by municipality and site',
                'verbose_name_plural': 'daily use figures by municipality and site',
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
