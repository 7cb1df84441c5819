"""After the demo load every demo role opens its statistics, and the national admin the
annual table and the cost split."""

from kaikukanta.accounts.models import User
from kaikukanta.stats.models import CostShare
from tests.conftest import sign_in


def test_demo_roles_open_their_statistics(demo, client):
    assert CostShare.objects.count() == 2
    for user in User.objects.filter(email__endswith="@demo.kaikukanta.fi"):
        sign_in(client, user)
        r = client.get("/stats/", follow=True)
        assert r.status_code == 200, user.email
    sign_in(client, User.objects.get(email="kaikukeskus@demo.kaikukanta.fi"))
    for url in ("/stats/national/", "/stats/annual/", "/stats/costs/"):
        assert client.get(url).status_code == 200
