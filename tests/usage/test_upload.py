"""Uses from a CSV or XLSX file: every row checked, only a clean file committed."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from kaikukanta.cards import numbers
from kaikukanta.usage.models import Use, UseSource
from tests.conftest import sign_in
from tests.usage.conftest import days, mk

URL = reverse("usage:backfill_upload")


def post(client, site, name, content):
    return client.post(URL, {"site": site.pk, "file": SimpleUploadedFile(name, content)})


def test_good_csv_is_committed_at_once(cast, card, offer, client, today):
    other = mk(cast.b.unit, children=0)
    text = (
        "Card number;Event date;Offer or category;Children\n"
        f"{card.display_number};{(today - days(3)).strftime('%d.%m.%Y')};{offer.pk};2\n"
        f"{other.number.lower()};{(today - days(2)).isoformat()};kulttuuri;0\n"
        f"{card.number};{(today - days(2)).isoformat()};liikunta;\n"
    )
    sign_in(client, cast.a.venue)
    r = post(client, cast.a.site, "uses.csv", text.encode())
    assert r.status_code == 200 and "3 uses were saved" in r.content.decode()
    uses = Use.objects.order_by("event_date", "id")
    assert uses.count() == 3
    assert all(u.source == UseSource.IMPORT and u.backfilled for u in uses)
    assert {u.category for u in uses} == {"culture", "sports"}


def test_file_with_bad_rows_commits_nothing_and_lists_each(cast, card, offer, client, today):
    unknown = numbers.generate()
    text = "\n".join([
        f"{card.number},{(today - days(1)).isoformat()},{offer.pk},1",  # fine
        f"{card.number},{(today - days(1)).isoformat()},{offer.pk},0",  # duplicate of row 1
        f"{unknown},{today.isoformat()},culture,0",  # unknown card
        f"{card.number},{(today - days(90)).isoformat()},culture,0",  # too old
        f"{card.number},{today.isoformat()},culture,5",  # too many children
        f"{card.number},yesterday,culture,0",  # not a date
        f"ABC,{today.isoformat()},culture,0",  # malformed number
        f"{card.number},{today.isoformat()},theatre,0",  # no such category
    ])
    sign_in(client, cast.a.venue)
    r = post(client, cast.a.site, "uses.csv", text.encode())
    body = r.content.decode()
    assert r.status_code == 400 and Use.objects.count() == 0
    assert "7 wrong rows of 8: nothing was saved" in body
    for code in ("already_recorded", "card_unknown", "event_date_too_old",
                 "too_many_children", "row_invalid", "card_number_invalid",
                 "category_required"):
        assert f'data-code="{code}"' in body
    assert "No card has this number" in body and "not a date" in body


def test_good_xlsx_file(cast, card, offer, client, today):
    book = Workbook()
    sheet = book.active
    sheet.append(["Kortin numero", "Päivä", "Tarjous", "Lapset"])
    sheet.append([card.display_number, today - days(5), offer.pk, 2])
    sheet.append([card.display_number, today - days(4), "sports", None])
    data = io.BytesIO()
    book.save(data)
    sign_in(client, cast.a.venue)
    r = post(client, cast.a.site, "paperi.xlsx", data.getvalue())
    assert "2 uses were saved" in r.content.decode()
    assert sorted(Use.objects.values_list("children", flat=True)) == [0, 2]


def test_unreadable_and_empty_files(cast, client):
    sign_in(client, cast.a.venue)
    r = post(client, cast.a.site, "x.xlsx", b"PK\x03\x04 broken")
    assert "could not be read" in r.content.decode()
    r = post(client, cast.a.site, "x.csv", b"card number;date;offer;children\n")
    assert "The file has no rows" in r.content.decode()


def test_upload_scope(cast, client):
    sign_in(client, cast.b.venue)
    assert post(client, cast.a.site, "x.csv", b"x").status_code == 404
