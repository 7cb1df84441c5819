"""The cards used in a run of months, read from an index alone: a dashboard for a period of
days counts the cards of its edge days that are not among them (`selectors._edge_cards`)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("stats", "0007_publication"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="cardmonthuse",
            index=models.Index(condition=models.Q(("uses__gt", 0)),
                               fields=["month", "card_area_id", "card_id"],
                               name="stats_cardmonthuse_used"),
        ),
    ]
