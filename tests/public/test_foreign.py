"""A municipality abroad (Haparanda, Sweden): its own postal-code format, cards registered
there, statistics and cost sharing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kaikukanta.cards.errors import MunicipalityOutsideNetwork, PostalCodeInvalid
from kaikukanta.cards.services import _check_postal_code
from kaikukanta.geo.models import PostalCode
from kaikukanta.geo.services import municipality_abroad_save
from kaikukanta.lib.scope import SYSTEM
from kaikukanta.network import services as network
from kaikukanta.network.models import AreaStatus
from kaikukanta.stats.models import CostShare
from kaikukanta.stats.reports import cost_split, network_municipalities
from tests.cards.conftest import stock  # noqa: F401 (fixture)
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def haparanda(geo):
    return municipality_abroad_save(
        code="SE-2583", country="se", name_fi="Haaparanta", name_sv="Haparanda",
        name_en="Haparanda", population=9586, population_year=2023,
        postal_code_format="NNN NN", postal_code_prefix="953")


@pytest.fixture
def border_area(cast, geo, haparanda):
    return network.area_create(
        scope=SYSTEM, name="Tornio–Haaparanta", municipalities=[geo.municipalities["564"],
                                                             haparanda],
        status=AreaStatus.PERMANENT, status_since=datetime.date(2020, 1, 1))


@pytest.mark.parametrize("text", ["953 33", "SE-953 33", "se 953 33", "SE-95333", "SE95333"])
def test_local_postal_codes_find_the_municipality_abroad(border_area, haparanda, text):
    assert _check_postal_code(text) == ("95333", haparanda)


@pytest.mark.parametrize("text", ["95333", "954 33", "SE-954 33", "953 3", "FI-953 33"])
def test_other_codes_are_not_haparandas(border_area, text):
    # a five-digit code stays Finnish; the others are no postal code at all
    if text == "95333":
        assert _check_postal_code(text) == ("95333", None)
    else:
        with pytest.raises(PostalCodeInvalid):
            _check_postal_code(text)


def test_finnish_postal_code_table_does_not_swallow_a_code_abroad(border_area, haparanda,
                                                                    postal_codes):
    assert PostalCode.objects.exists()
    assert _check_postal_code("SE-953 33")[1] == haparanda


def test_municipality_abroad_outside_an_operating_area_is_refused(cast, haparanda):
    with pytest.raises(MunicipalityOutsideNetwork):
        _check_postal_code("953 33")


def test_a_card_is_registered_there(border_area, haparanda, cast, client, stock):  # noqa: F811
    unit = cast.a.unit
    sign_in(client, cast.a.distributor)
    response = client.post("/cards/register/", {
        "unit": unit.pk, "number": stock[0], "birth_year": 1980, "postal_code": "SE-953 31",
        "children": 0})
    assert response.status_code == 302, response.content.decode()[:2000]
    from kaikukanta.cards.models import Card

    card = Card.objects.get(number=stock[0])
    assert card.municipality == haparanda and card.postal_code == "95331"


def test_validation_of_a_municipality_abroad(geo):
    with pytest.raises(ValidationError):
        municipality_abroad_save(code="2583", country="SE", name_fi="H", name_sv="H",
                                 population=1, population_year=2023,
                                 postal_code_format="NNN NN")
    with pytest.raises(ValidationError):
        municipality_abroad_save(code="SE-1", country="SE", name_fi="H", name_sv="H",
                                 population=1, population_year=2023,
                                 postal_code_format="NNNNNNN")


def test_no_finnish_cost_share_unless_set(border_area, haparanda, geo):
    year = datetime.date.today().year
    assert haparanda in network_municipalities(year)  # counted in the network
    share = CostShare.objects.create(year=year, rate_per_resident=Decimal("0.01"),
                                     population_year=2022)
    payers = {p.name for p in cost_split(share).municipalities}
    assert haparanda.name not in payers and "Oulu" in payers
    haparanda.billed_in_cost_sharing = True
    haparanda.save()
    split = cost_split(share)
    hap = next(p for p in split.municipalities if p.name == haparanda.name)
    assert hap.amount == Decimal("95.86")


def test_public_pages_and_open_data_show_the_country(border_area, client):
    html = client.get("/sv/").content.decode()
    assert "Haparanda (SE)" in html
    munis = client.get("/api/public/v1/municipalities").json()["results"]
    hap = next(m for m in munis if m["code"] == "SE-2583")
    assert hap["country"] == "SE" and hap["name"]["sv"] == "Haparanda"
    assert hap["areas"] == [border_area.pk]


def test_partner_api_registers_a_card_abroad(border_area, haparanda, cast, stock):  # noqa: F811
    """The partner API goes through the same service: a local postal code abroad works."""
    from kaikukanta.api.services import api_key_create
    from kaikukanta.cards.models import Card
    from tests.api.conftest import ApiClient
    from tests.api.test_writes import card_body

    key = api_key_create(scope=SYSTEM, organisation=cast.a.distributor_org, label="x",
                         can_write=True)[1]
    response = ApiClient(key, None).post("/cards", card_body(cast, stock[1],
                                                             postal_code="SE-953 31"))
    assert response.status_code == 201, response.content
    assert Card.objects.get(number=stock[1]).municipality == haparanda
