"""Issue 11 §5 (uploads and headers; the API's robustness is issue10-api's).

An XLSX that unpacked to hundreds of megabytes (a zip bomb of 874 KB) took the server to
849 MB of memory; card pages sent no `Cache-Control: no-store`; the `Server` header named
the Python version.
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import tracemalloc
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from kaikukanta.usage import errors
from kaikukanta.usage.imports import MAX_FILE_BYTES, read_cells
from tests.conftest import sign_in
from tests.usage.conftest import mk


def _xlsx(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _bomb(unpacked_mb: int = 40) -> bytes:
    """A valid workbook whose sheet part unpacks to `unpacked_mb` MB (mostly a comment)."""
    good = zipfile.ZipFile(io.BytesIO(_xlsx([["K7M4-9QX2", "2026-01-01", "culture", 0]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for info in good.infolist():
            data = good.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, tail = data.split(b"<sheetData>", 1)
                data = head + b"<!--" + b"A" * (unpacked_mb << 20) + b"--><sheetData>" + tail
            bomb.writestr(info.filename, data)
    return out.getvalue()


def test_issue11_zip_bomb_is_refused_without_unpacking_it():
    data = _bomb()
    assert len(data) < 200_000  # small on the wire …
    tracemalloc.start()
    try:
        with pytest.raises(errors.UploadFileTooBig):
            read_cells("uses.xlsx", data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 << 20, peak  # … and never unpacked


def test_issue11_wide_and_long_sheets_are_read_streaming_and_capped():
    wide = _xlsx([["K7M4-9QX2", "2026-01-01", "culture", 0] + ["x"] * 2000] * 3)
    rows = read_cells("uses.xlsx", wide)
    assert len(rows) == 3 and all(len(r) == 4 for r in rows)
    csv_wide = ("K7M4-9QX2;2026-01-01;culture;0" + ";x" * 2000 + "\n").encode()
    assert all(len(r) == 4 for r in read_cells("uses.csv", csv_wide))
    with pytest.raises(errors.UploadTooLarge):  # rows beyond the limit are not all read
        read_cells("uses.csv", b"K7M4-9QX2;2026-01-01;culture;0\n" * 6000)


def test_issue11_oversized_upload_is_refused_unread(cast, client):
    sign_in(client, cast.a.venue)
    big = b"K7M4-9QX2;2026-01-01;culture;0\n" * (MAX_FILE_BYTES // 30 + 10)
    r = client.post(reverse("usage:backfill_upload"), {
        "site": cast.a.site.pk, "file": SimpleUploadedFile("uses.csv", big)})
    assert r.status_code == 200 and "The file is too big" in r.content.decode()
    r = client.post(reverse("usage:backfill_upload"), {
        "site": cast.a.site.pk, "file": SimpleUploadedFile("uses.xlsx", _bomb(30))})
    assert "The file is too big" in r.content.decode()


def test_issue11_pages_with_card_data_are_not_stored(cast, client):
    card = mk(cast.a.unit, children=2)
    sign_in(client, cast.a.distributor)
    for url in (reverse("cards:card_detail", args=[card.number]), reverse("cards:card_list"),
                "/stats/"):
        assert client.get(url)["Cache-Control"] == "no-store", url
    sign_in(client, cast.a.venue)
    r = client.get(reverse("usage:desk"), {"site": cast.a.site.pk, "number": card.number})
    assert r.status_code == 200 and r["Cache-Control"] == "no-store"
    assert client.get(f"/api/v1/cards/{card.number}")["Cache-Control"] == "no-store"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_header(cmd: list[str], port: int) -> str:
    env = {**os.environ, "KAIKUKANTA_TESTING": "1", "PYTHONPATH": "src"}
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.DEVNULL,  # noqa: S603
                            stderr=subprocess.DEVNULL)
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/nowhere",  # noqa: S310
                                            timeout=2) as response:
                    return response.headers.get("Server", "")
            except urllib.error.HTTPError as error:
                return error.headers.get("Server", "")
            except OSError:
                time.sleep(0.1)
        raise AssertionError("the server did not start")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_issue11_development_server_names_no_python_version():
    port = _free_port()
    server = _server_header([sys.executable, "manage.py", "runserver", "--noreload",
                             "--skip-checks", f"127.0.0.1:{port}"], port)
    assert server == "Kaikukanta", server


def test_issue11_gunicorn_names_no_python_version():
    port = _free_port()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = _server_header([gunicorn, "kaikukanta.wsgi:application", "-w", "1", "-b",
                             f"127.0.0.1:{port}"], port)
    assert server and "python" not in server.lower() and "/" not in server, server
