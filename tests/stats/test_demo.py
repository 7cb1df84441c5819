"""After the demo load every demo role opens its statistics, and the national admin the
annual table and the cost split."""

import pytest
from django.core.management import call_command

from kaikukanta.accounts.models import User
from kaikukanta.stats.models import CostShare
from tests.conftest import sign_in


@pytest.mark.django_db
def test_demo_roles_open_their_statistics(client):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert CostShare.objects.count() == 2
    for user in User.objects.filter(email__endswith="@demo.kaikukanta.fi"):
        sign_in(client, user)
        r = client.get("/stats/", follow=True)
        assert r.status_code == 200, user.email
    sign_in(client, User.objects.get(email="kaikukeskus@demo.kaikukanta.fi"))
    for url in ("/stats/national/", "/stats/annual/", "/stats/costs/"):
        assert client.get(url).status_code == 200
