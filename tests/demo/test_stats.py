"""After the demo load every demo role opens its statistics, and the national admin the
annual table and the cost split."""

from kaikukanta.accounts.models import User
from kaikukanta.stats.models import CostShare
from tests.conftest import sign_in


def test_demo_roles_open_their_statistics(demo, client):
    assert CostShare.objects.count() == 2
    wellbeing_roles = 0
    for user in User.objects.filter(email__endswith="@demo.kaikukanta.fi"):
        sign_in(client, user)
        r = client.get("/stats/", follow=True)
        assert r.status_code == 200, user.email
        r = client.get("/wellbeing/", follow=True)  # 403 for roles without wellbeing figures
        assert r.status_code in (200, 403), user.email
        wellbeing_roles += r.status_code == 200
    sign_in(client, User.objects.get(email="kaikukeskus@demo.kaikukanta.fi"))
    for url in ("/stats/national/", "/stats/annual/", "/stats/costs/"):
        assert client.get(url).status_code == 200
    # the demo's answers fill last year's national wellbeing dashboard, paired change too
    assert wellbeing_roles >= 4
    html = client.get("/wellbeing/national/").content.decode()
    assert 'class="chart-ci"' in html and 'class="chart-bar"' in html
