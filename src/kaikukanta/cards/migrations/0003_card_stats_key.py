"""Every card gets a random record key for the statistics' cell key method."""

from django.db import migrations, models

import kaikukanta.lib.cellkey


def fill_keys(apps, schema_editor):
    """Existing cards get each their own random key (an added field's default would give
    them all the same one)."""
    from kaikukanta.lib.cellkey import KEY_RANGE

    if schema_editor.connection.vendor == "postgresql":
        # two bytes of a strong random UUID each (random() is not made for secrets)
        sql = ("UPDATE cards_card SET stats_key = "
               "get_byte(uuid_send(gen_random_uuid()), 0) * 256 "
               "+ get_byte(uuid_send(gen_random_uuid()), 1)")
        assert KEY_RANGE == 1 << 16
    else:
        sql = f"UPDATE cards_card SET stats_key = abs(random()) % {KEY_RANGE}"
    schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ("cards", "0002_card_event_voided"),
    ]

    operations = [
        migrations.AddField(
            model_name="card",
            name="stats_key",
            field=models.PositiveIntegerField(
                default=kaikukanta.lib.cellkey.new_record_key, editable=False,
                verbose_name="statistics key"),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]
