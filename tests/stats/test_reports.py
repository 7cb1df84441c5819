"""The national annual table and the cost split."""

import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.audit.models import AuditEntry
from kaikukanta.geo.models import Municipality, WellbeingCounty
from kaikukanta.lib.scope import SYSTEM
from kaikukanta.network import services as network_services
from kaikukanta.network.models import AreaStatus
from kaikukanta.stats import services
from kaikukanta.stats.errors import CostShareInvalid
from kaikukanta.stats.reports import annual_row, cost_split, network_municipalities
from tests.factories import make_card
from tests.stats.conftest import cancel_use, make_use

Y = 2025


def test_annual_row(cast):
    a, b = cast.a, cast.b
    cards = [make_card(a.unit, issued_on=datetime.date(Y, 1, 2)) for _ in range(3)]
    make_card(b.unit, issued_on=datetime.date(Y - 1, 12, 1))  # registered the year before
    make_use(cards[0], a.site, datetime.date(Y, 2, 1), children=2)
    make_use(cards[0], b.site, datetime.date(Y, 2, 2), category="sports", children=1)
    make_use(cards[1], a.site, datetime.date(Y, 3, 1), category="science", backfilled=True)
    cancel_use(make_use(cards[2], a.site, datetime.date(Y, 3, 1)))
    row = annual_row(Y)
    assert row["registered"] == 3
    assert row["used"] == 2
    assert (row["adults_culture"], row["adults_sports"], row["adults_science"]) == (1, 1, 1)
    assert (row["children_culture"], row["children_sports"]) == (2, 1)
    assert row["total"] == 6  # adults' uses and children's tickets together
    assert row["municipalities"] == 3  # Espoo; Kajaani and Sotkamo


def test_network_municipalities_by_year(cast, geo):
    oulu = network_services.area_create(
        scope=SYSTEM, name="Oulu", municipalities=[geo.municipalities["564"]],
        status=AreaStatus.TRIAL, status_since=datetime.date(2024, 1, 15))
    assert oulu.pk
    assert [m.code for m in network_municipalities(2023)] == ["049", "205", "765"]
    assert "564" in [m.code for m in network_municipalities(2024)]


def test_annual_page_and_export(cast, login):
    client = login(cast.national)
    r = client.get(f"/stats/annual/?first={Y - 1}&last={Y}")
    assert r.status_code == 200 and "Municipalities" in r.content.decode()
    r = client.get(f"/stats/annual/export.xlsx?first={Y - 1}&last={Y}")
    rows = [[c.value for c in row] for row in load_workbook(
        __import__("io").BytesIO(r.content)).active.iter_rows()]
    assert rows[2][0] == "Year" and rows[3][0] == str(Y - 1) and rows[4][-1] == 3
    assert client.get("/stats/annual/?first=2020&last=2050").status_code == 200


@pytest.fixture
def keusote(db, cast):
    """The presentation's example: Tuusula (about 40,000 residents) pays 424 €, and
    Keusote, whose three network towns have about 130,500 residents, 1,371 €."""
    county = WellbeingCounty.objects.create(code="92", name_fi="Keski-Uudenmaan hyvinvointialue",
                                            name_sv="Mellersta Nylands välfärdsområde")
    towns = [Municipality.objects.create(
        code=code, name_fi=name, name_sv=name, region_code="01", region_name_fi="Uusimaa",
        wellbeing_county=county, population=pop, population_year=2022)
        for code, name, pop in [("858", "Tuusula", 40384), ("186", "Järvenpää", 45000),
                                ("106", "Hyvinkää", 45187)]]
    network_services.area_create(
        scope=SYSTEM, name="Keski-Uusimaa", municipalities=towns, status=AreaStatus.PERMANENT,
        status_since=datetime.date(2021, 1, 1), wellbeing_county=county)
    return county


def test_cost_split_with_the_presentations_rate(keusote, cast):
    share = services.cost_share_save(scope=scope_for_user(cast.national), year=Y,
                                     population_year=2022,
                                     rate_per_resident=Decimal("0.0105"))
    split = cost_split(share)
    munis = {p.name: p for p in split.municipalities}
    assert munis["Tuusula"].residents == 40384
    assert munis["Tuusula"].amount == Decimal("424.03")
    assert round(munis["Tuusula"].amount) == 424
    counties = {p.name: p for p in split.counties}
    # Keusote pays for its three network towns; Kainuu's county for Kajaani and Sotkamo;
    # Espoo's area names no county, so only the city pays
    assert counties["Keski-Uudenmaan hyvinvointialue"].residents == 130571
    assert counties["Keski-Uudenmaan hyvinvointialue"].amount == Decimal("1371.00")
    assert counties["Kainuun hyvinvointialue"].residents == 36297 + 10354
    assert set(munis) == {"Espoo", "Kajaani", "Sotkamo", "Tuusula", "Järvenpää", "Hyvinkää"}
    assert split.total == sum(p.amount for p in split.municipalities + split.counties)
    assert AuditEntry.objects.filter(action="stats.cost_share_saved").exists()


def test_cost_split_of_a_total(keusote, cast):
    share = services.cost_share_save(scope=scope_for_user(cast.national), year=Y,
                                     population_year=2022,
                                     total=Decimal("10000.00"))
    split = cost_split(share)
    residents = 305274 + 36297 + 10354 + 130571 + (36297 + 10354) + 130571
    assert split.residents == residents
    assert abs(split.total - Decimal("10000")) <= Decimal("0.01") * 9


def test_cost_share_rules(cast):
    with pytest.raises(CostShareInvalid):
        services.cost_share_save(scope=scope_for_user(cast.national), year=Y, population_year=2022)
    with pytest.raises(CostShareInvalid):
        services.cost_share_save(scope=scope_for_user(cast.national), year=Y, population_year=2022,
                                 rate_per_resident=Decimal("0.01"), total=Decimal("5"))
    with pytest.raises(CostShareInvalid):
        services.cost_share_save(scope=scope_for_user(cast.national), year=Y, population_year=2022,
                                 total=Decimal("-5"))


def test_costs_page(keusote, cast, login):
    client = login(cast.national)
    r = client.post("/stats/costs/", {"year": Y, "rate_per_resident": "0.0105",
                                      "population_year": 2022})
    assert r.status_code == 302
    r = client.get(f"/stats/costs/?year={Y}")
    assert "424.03" in r.content.decode() and "1,371.00" in r.content.decode()
    r = client.post("/stats/costs/", {"year": Y, "rate_per_resident": "0.01", "total": "100",
                                      "population_year": 2022})
    assert r.status_code == 200 and "not both" in r.content.decode()
    r = client.get(f"/stats/costs/export.csv?year={Y}")
    assert "Tuusula;Municipality;40384;424,03" in r.content.decode("utf-8-sig")
    assert client.get("/stats/costs/export.csv?year=2031").status_code == 404
    assert login(cast.a.culture).post("/stats/costs/", {"year": Y}).status_code == 404


def test_cost_sharing_takes_a_decimal_comma_and_asks_before_a_far_figure(keusote, cast, login,
                                                                          settings):
    client = login(cast.national)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    r = client.post("/stats/costs/", {"year": Y - 1, "rate_per_resident": "0,0105",
                                      "population_year": 2022})
    assert r.status_code == 302
    assert services.CostShare.objects.get(year=Y - 1).rate_per_resident == Decimal("0.0105")
    page = client.get(f"/stats/costs/?year={Y - 1}").content.decode()
    assert 'value="0,0105"' in page and "1\xa0371,00" in page
    # the next year: 105 € a head is a hundred times too much -> asked, nothing saved
    far = {"year": Y, "rate_per_resident": "1,05", "population_year": 2022}
    r = client.post("/stats/costs/", far)
    assert r.status_code == 200 and not services.CostShare.objects.filter(year=Y).exists()
    body = r.content.decode()
    assert 'type="checkbox" name="confirm"' in body and str(Y - 1) in body
    assert AuditEntry.objects.filter(action="stats.cost_share_saved").count() == 1
    # a total far off is asked about too; a near one is saved at once
    r = client.post("/stats/costs/", {"year": Y, "total": "69 000 000", "population_year": 2022})
    assert r.status_code == 200 and not services.CostShare.objects.filter(year=Y).exists()
    r = client.post("/stats/costs/", {**far, "confirm": "on"})
    assert r.status_code == 302
    assert services.CostShare.objects.get(year=Y).rate_per_resident == Decimal("1.05")
    r = client.post("/stats/costs/", {"year": Y + 1, "rate_per_resident": "1.2",
                                      "population_year": 2022})
    assert r.status_code == 302  # near 1,05: no question
    r = client.post("/stats/costs/", {"year": Y + 2, "rate_per_resident": "abc",
                                      "population_year": 2022})
    assert r.status_code == 200 and not services.CostShare.objects.filter(year=Y + 2).exists()
