"""After `make run`'s demo load, without signing in: the front page, every demo area's
page, the offer search, the open data and the brochure and poster, in three languages;
the cross-border area holds Haparanda."""

from kaikukanta.geo.models import Municipality
from kaikukanta.network.models import Area
from kaikukanta.public.models import AreaPage, OfferListing


def test_demo_public_side(demo, client):
    haparanda = Municipality.objects.get(code="SE-2583")
    tornio = Area.objects.get(name="Tornio–Haaparanta")
    assert haparanda.is_foreign and not haparanda.billed_in_cost_sharing
    assert set(tornio.municipalities.values_list("code", flat=True)) == {"851", "SE-2583"}
    assert AreaPage.objects.count() == 4 and OfferListing.objects.filter(is_public=False)
    areas = list(Area.objects.filter(status__in=["trial", "permanent"]))
    for lang in ("fi", "sv", "en"):
        assert client.get(f"/{lang}/").status_code == 200
        assert client.get(f"/{lang}/offers/?category=culture").status_code == 200
        for area in areas:
            page = client.get(f"/{lang}/areas/{area.pk}/")
            assert page.status_code == 200, (lang, area)
            for kind in ("brochure", "poster"):
                pdf = client.get(f"/{lang}/areas/{area.pk}/{kind}.pdf")
                assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    html = client.get(f"/sv/areas/{tornio.pk}/").content.decode()
    assert "Haparanda (SE)" in html and "Haparanda simhall" in html
    assert "Kevään näytelmät" not in client.get("/fi/offers/").content.decode()
    body = client.get("/api/public/v1/annual").json()
    assert body["count"] >= 1 and all(r["municipalities"] >= 1 for r in body["results"])
