import datetime

from tests.factories import make_card
from tests.stats.conftest import make_use

D = datetime.date(2025, 3, 3)


def test_dashboards_render(cast, login):
    cards = [make_card(cast.a.unit, issued_on=datetime.date(2025, 1, 10)) for _ in range(7)]
    for c in cards:
        make_use(c, cast.a.site, D, children=1)
        make_use(c, cast.b.site, D, category="sports")
    client = login(cast.national)
    r = client.get("/stats/national/?year=2025")
    assert r.status_code == 200, r.content[:2000]
    for kind, pk in [("area", cast.a.area.pk), ("unit", cast.a.unit.pk),
                     ("distributor", cast.a.distributor_org.pk), ("venue", cast.a.venue_org.pk),
                     ("site", cast.a.site.pk), ("seller", cast.a.seller_org.pk)]:
        r = client.get(f"/stats/{kind}/{pk}/?year=2025")
        assert r.status_code == 200, (kind, r.content[:3000])
        for fmt in ("csv", "xlsx"):
            assert client.get(f"/stats/{kind}/{pk}/export.{fmt}?year=2025").status_code == 200
    client = login(cast.a.culture)
    r = client.get(f"/stats/area/{cast.a.area.pk}/?year=2025")
    assert r.status_code == 200
    print(r.content.decode()[:100])
    assert client.get(f"/stats/area/{cast.a.area.pk}/report-2025.pdf").content[:4] == b"%PDF"
