"""The first five cards of a distributor unit's cards used per day and category
(`UnitDayCards`), so that a unit's and a distributor's dashboards count the holders behind
their use figures from these rows instead of looking up their cards' uses; filled here from
the uses, as `manage.py rebuild_stats` makes them (one INSERT … SELECT over the recorded
uses and their cards)."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from kaikukanta.stats import unitcards

    with schema_editor.connection.cursor() as cur:
        unitcards.rebuild(cur, "", [])


class Migration(migrations.Migration):

    dependencies = [
        ('stats', '0021_card_month_municipality'),
    ]

    operations = [
        migrations.CreateModel(
            name='UnitDayCards',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(verbose_name='date')),
                ('unit_id', models.IntegerField(default=0, verbose_name="card's issuing unit")),
                ('category', models.CharField(max_length=16, verbose_name='category')),
                ('cards', models.CharField(blank=True, default='', max_length=120, verbose_name='first cards')),
                ('cards_children', models.CharField(blank=True, default='', max_length=120, verbose_name="first cards with children's tickets")),
                ('cards_companion', models.CharField(blank=True, default='', max_length=120, verbose_name='first cards with companion tickets')),
            ],
            options={
                'verbose_name': 'first cards by day and distributor unit',
                'verbose_name_plural': 'first cards by day and distributor unit',
                'constraints': [models.UniqueConstraint(fields=('unit_id', 'day', 'category'), name='stats_unitdaycards_cell')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
