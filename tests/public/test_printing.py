"""The area's brochure (A5) and poster (A3) in three languages, from the current data,
with the area page's address as a QR code; names cannot change the PDF."""

import pypdfium2 as pdfium
import pytest
import zxingcpp

from kaikukanta.lib.scope import SYSTEM
from kaikukanta.public.models import OfferListing
from tests.public.conftest import make_offer

pytestmark = pytest.mark.django_db

SIZES_MM = {"brochure": (148, 210), "poster": (297, 420)}
HEADINGS = {"fi": "Mistä kortin saa", "sv": "Var får man kortet", "en": "Where to get the card"}


def _read(pdf: bytes) -> tuple[str, list[str], tuple[float, float], int]:
    doc = pdfium.PdfDocument(pdf)
    text = "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    codes = []
    for i in range(len(doc)):
        image = doc[i].render(scale=3).to_pil()
        codes += [r.text for r in zxingcpp.read_barcodes(image)
                  if r.format == zxingcpp.BarcodeFormat.QRCode]
    w, h = doc[0].get_size()
    return text, codes, (round(w / 72 * 25.4), round(h / 72 * 25.4)), len(doc)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("kind", ["brochure", "poster"])
def test_material_in_each_language(cast, client, offers, kind, lang):
    response = client.get(f"/{lang}/areas/{cast.a.area.pk}/{kind}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text, codes, size, _pages = _read(response.content)
    assert size == SIZES_MM[kind]
    assert codes == [f"http://testserver/{lang}/areas/{cast.a.area.pk}/"]
    title = {"fi": "Museon näyttely", "sv": "Museets utställning",
             "en": "Museum exhibition"}[lang]
    assert title in text and "Ei ensi-iltoja" in text
    assert "Kurssi" not in text  # area b's offer
    if kind == "brochure":
        assert HEADINGS[lang] in text and cast.a.unit.name in text
        assert "Contact" not in text  # no contact person


def test_material_follows_the_current_offers(cast, client, offers):
    OfferListing.objects.create(offer=offers["museum"], is_public=False)
    text = _read(client.get(f"/fi/areas/{cast.a.area.pk}/brochure.pdf").content)[0]
    assert "Museon näyttely" not in text and "Uinti" in text


@pytest.mark.parametrize("title", ["<b>unclosed", "</para><font size=80>big", "&amp; <br/>",
                                   "<img src='x'/>", 'Quote " & < >'])
def test_untrusted_names_print_as_themselves(cast, client, title):
    make_offer(cast.a.site, title)
    cast.a.unit.name = title + " unit"
    cast.a.unit.save()
    for kind in ("brochure", "poster"):
        response = client.get(f"/en/areas/{cast.a.area.pk}/{kind}.pdf")
        assert response.status_code == 200
        text = _read(response.content)[0]
        assert title in text.replace("\r", "").replace("\n", " ") or title in text


def test_poster_points_to_the_page_when_there_are_many_places(cast, client):
    from kaikukanta.network.services import unit_create

    for i in range(30):
        site = unit_create(scope=SYSTEM, organisation=cast.a.venue_org, name=f"Paikka {i:02d}")
        make_offer(site, f"Tarjous {i:02d}")
    text, _codes, _size, pages = _read(
        client.get(f"/fi/areas/{cast.a.area.pk}/poster.pdf").content)
    assert pages == 1 and "muuta paikkaa: katso verkkosivu" in text


def test_unknown_or_ended_area_has_no_material(cast, client):
    assert client.get("/fi/areas/999999/poster.pdf").status_code == 404
