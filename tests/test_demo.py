"""`make run` loads the demo twice without harm, with a login for every role."""

import pytest
from django.core.management import call_command

from kaikukanta.accounts.models import Role, User
from kaikukanta.network.models import Area, Organisation


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_covers_every_role(client):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (Area.objects.count(), Organisation.objects.count(), User.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (Area.objects.count(), Organisation.objects.count(), User.objects.count()) == counts
    assert counts[0] >= 3
    roles = set(User.objects.values_list("memberships__role", flat=True))
    assert roles >= set(Role.values)
    kainuu = Area.objects.get(name="Kainuu")
    assert kainuu.municipalities.count() >= 2 and kainuu.wellbeing_county_id == "20"
    for user in User.objects.all():
        assert client.login(username=user.email, password="kaikukortti-demo")
        assert client.get("/accounts/home/").status_code == 200
        client.logout()
