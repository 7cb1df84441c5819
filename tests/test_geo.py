import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kaikukanta.geo.models import Municipality, PostalCode, WellbeingCounty
from kaikukanta.geo.selectors import municipality_for_postal_code
from kaikukanta.geo.services import GeoImportError, geography_load, postal_codes_import


@pytest.mark.django_db
def test_geography_loads_308_municipalities_and_22_counties_idempotently():
    counties, municipalities = geography_load()
    assert (counties.created, municipalities.created) == (22, 308)
    assert Municipality.objects.count() == 308
    assert WellbeingCounty.objects.count() == 22
    espoo = Municipality.objects.get(code="049")
    assert (espoo.name_fi, espoo.name_sv, espoo.wellbeing_county_id) == ("Espoo", "Esbo", "03")
    assert Municipality.objects.get(code="478").wellbeing_county is None  # Åland
    counties, municipalities = geography_load()
    assert (counties.created, counties.updated, municipalities.created,
            municipalities.updated) == (0, 0, 0, 0)
    assert municipalities.unchanged == 308


@pytest.mark.django_db
def test_geography_load_repairs_a_changed_row():
    geography_load()
    Municipality.objects.filter(code="049").update(population=1)
    _, municipalities = geography_load()
    assert municipalities.updated == 1
    assert Municipality.objects.get(code="049").population == 305274


def test_postal_code_import_maps_to_municipality(geo):
    data = "postal_code,name_fi,name_sv,municipality_code\n02100,ESPOO,ESBO,049\n87100,K,K,205\n"
    result = postal_codes_import(data)
    assert result.created == 2
    assert municipality_for_postal_code("02100").code == "049"
    assert municipality_for_postal_code("99999") is None


def test_postal_code_import_with_a_bad_row_changes_nothing(geo):
    data = ("postal_code,name_fi,name_sv,municipality_code\n02100,ESPOO,ESBO,049\n"
            "1234,BAD,BAD,049\n87100,K,K,999\n")
    with pytest.raises(GeoImportError) as exc:
        postal_codes_import(data)
    assert len(exc.value.errors) == 2
    assert "Row 3" in exc.value.errors[0] and "Row 4" in exc.value.errors[1]
    assert PostalCode.objects.count() == 0


def test_postal_code_import_rejects_wrong_columns(geo):
    with pytest.raises(GeoImportError):
        postal_codes_import("a,b\n1,2\n")


@pytest.mark.django_db
def test_import_postal_codes_command_with_shared_file_or_fixture(tmp_path, settings):
    from pathlib import Path

    geography_load()
    shared = Path(settings.BASE_DIR).parent / "shared" / "data" / "postal_codes.csv"
    if shared.exists():
        path = shared
    else:
        path = tmp_path / "p.csv"
        path.write_text("postal_code,name_fi,name_sv,municipality_code\n02100,ESPOO,ESBO,049\n")
    call_command("import_postal_codes", str(path))
    assert PostalCode.objects.filter(code="02100", municipality_id="049").exists()
    count = PostalCode.objects.count()
    call_command("import_postal_codes", str(path))
    assert PostalCode.objects.count() == count
    with pytest.raises(CommandError):
        call_command("import_postal_codes", str(tmp_path / "missing.csv"))
