"""The print PDF is checked by reading it: render the pages and decode every code."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
import zxingcpp
from django.core.management import CommandError, call_command
from django.urls import reverse

from kaikukanta.cards import numbers, services
from kaikukanta.cards.models import CardBatch, CardStatus
from kaikukanta.cards.printing import PER_PAGE, batch_pdf
from kaikukanta.lib.scope import SYSTEM


def decode(pdf: bytes) -> tuple[list[str], list[str], int]:
    doc = pdfium.PdfDocument(pdf)
    qr, code39 = [], []
    for page in doc:
        image = page.render(scale=3).to_pil()
        for result in zxingcpp.read_barcodes(image):
            if result.format == zxingcpp.BarcodeFormat.QRCode:
                qr.append(result.text)
            elif result.format == zxingcpp.BarcodeFormat.Code39:
                code39.append(result.text)
    return qr, code39, len(doc)


def page_texts(pdf: bytes) -> str:
    doc = pdfium.PdfDocument(pdf)
    return "\n".join(page.get_textpage().get_text_range() for page in doc)


@pytest.mark.django_db
def test_batch_pdf_codes_decode_to_the_batch_numbers(cast, login):
    batch = services.batch_create(scope=SYSTEM, area=cast.a.area, count=PER_PAGE + 3)
    expected = sorted(batch.cards.values_list("number", flat=True))
    response = login(cast.a.welfare).get(reverse("cards:batch_pdf", args=[batch.pk]))
    qr, code39, pages = decode(response.content)
    assert pages == 2
    assert sorted(qr) == sorted(numbers.qr_payload(n) for n in expected)
    assert sorted(code39) == expected
    text = page_texts(response.content)
    for n in expected:
        assert numbers.display(n) in text
    assert "Voimassa" in text and "Lapsia" in text


def test_community_faces_have_no_children_blank():
    n = numbers.generate()
    pdf = batch_pdf([n], community=True)
    qr, code39, _ = decode(pdf)
    assert qr == [numbers.qr_payload(n)] and code39 == [n]
    text = page_texts(pdf)
    assert "Yhteisön" in text and "Lapsia" not in text


@pytest.mark.django_db
def test_create_card_batch_command(cast):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_card_batch", "--area", "espoo", "--count", "25", stdout=out,
                 stderr=err)
    printed = out.getvalue().split()
    batch = CardBatch.objects.get()
    assert batch.area == cast.a.area and batch.size == 25
    assert sorted(printed) == sorted(batch.cards.values_list("number", flat=True))
    assert all(numbers.is_valid(n) for n in printed)
    assert set(batch.cards.values_list("status", flat=True)) == {CardStatus.UNUSED}
    out = io.StringIO()
    call_command("create_card_batch", "--area", str(cast.b.area.pk), "--count", "2",
                 "--display", stdout=out, stderr=io.StringIO())
    lines = out.getvalue().split()
    assert len(lines) == 2 and all(line[4] == "-" for line in lines)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("area", "count", "message"),
    [("Atlantis", "5", "unknown area"), ("Espoo", "many", "whole number"),
     ("Espoo", "0", "from 1 to"), ("Espoo", "10001", "from 1 to"), ("999", "5", "unknown")],
)
def test_create_card_batch_command_errors(cast, area, count, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_card_batch", "--area", area, "--count", count,
                     stdout=io.StringIO(), stderr=io.StringIO())
    assert not CardBatch.objects.exists()


@pytest.mark.django_db
def test_big_batches_download_in_parts(cast, login, monkeypatch):
    from kaikukanta.cards import printing

    monkeypatch.setattr(printing, "PART_SIZE", 4)
    batch = services.batch_create(scope=SYSTEM, area=cast.a.area, count=10)
    expected = sorted(batch.cards.values_list("number", flat=True))
    client = login(cast.a.welfare)
    listing = client.get(reverse("cards:batch_list")).content.decode()
    url = reverse("cards:batch_pdf", args=[batch.pk])
    assert f"{url}?part=3" in listing and f"{url}?part=4" not in listing
    got = []
    for part in (1, 2, 3):
        response = client.get(url, {"part": part})
        assert response.status_code == 200
        assert f"part-{part}.pdf" in response["Content-Disposition"]
        got += decode(response.content)[1]
    assert sorted(got) == expected
    assert client.get(url, {"part": 4}).status_code == 404
    assert client.get(url, {"part": "x"}).status_code == 404


@pytest.mark.django_db
def test_command_writes_the_pdf(cast, tmp_path):
    out = io.StringIO()
    target = tmp_path / "batch.pdf"
    call_command("create_card_batch", "--area", "Kainuu", "--count", "3", "--pdf",
                 str(target), stdout=out, stderr=io.StringIO())
    assert sorted(decode(target.read_bytes())[1]) == sorted(out.getvalue().split())
