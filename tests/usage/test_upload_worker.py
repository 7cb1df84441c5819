"""A large file goes to the background worker; its page shows the progress, then the result,
to the uploader only, and the file's bytes are kept only until it has been processed."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaikukanta.usage import imports
from kaikukanta.usage.models import ImportStatus, Use, UseImport
from tests.conftest import sign_in
from tests.factories import run_worker_once
from tests.usage.conftest import days, mk

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def small_threshold(monkeypatch):
    monkeypatch.setattr(imports, "WORKER_FROM", 5)


def _post(client, cast, text: str):
    return client.post(reverse("usage:backfill_upload"), {
        "site": cast.a.site.pk, "file": SimpleUploadedFile("uses.csv", text.encode())})


def _lines(cards, today, offer) -> list[str]:
    return [f"{c.number};{(today - days(1)).isoformat()};{offer.pk};0" for c in cards]


def test_a_large_good_file_is_saved_by_the_worker_and_shown_to_the_uploader(
        cast, client, offer, today):
    cards = [mk(cast.a.unit) for _ in range(8)]
    sign_in(client, cast.a.venue)
    r = _post(client, cast, "\n".join(_lines(cards, today, offer)))
    job = UseImport.objects.get()
    assert r.status_code == 302 and r.url == reverse("usage:upload_job", args=[job.pk])
    # the tests' worker runs at once (TASKS_IMMEDIATE)
    assert job.status == ImportStatus.DONE and job.created == 8 and job.rows == 8
    assert bytes(job.data) == b""  # the file is forgotten once processed
    assert Use.objects.count() == 8
    page = client.get(r.url)
    assert page.status_code == 200 and 'http-equiv="refresh"' not in page.content.decode()
    assert page.context["job"].created == 8 and 'data-status="done"' in page.content.decode()


def test_a_large_bad_file_saves_nothing_and_lists_the_rows_as_the_page_does(
        cast, client, offer, today):
    cards = [mk(cast.a.unit) for _ in range(7)]
    lines = _lines(cards, today, offer)
    lines.insert(3, f"{cards[0].number};{(today - days(1)).isoformat()};{offer.pk};0")
    lines.append(f"{cards[1].number};nope;{offer.pk};0")
    text = "\n".join(lines)
    sign_in(client, cast.a.venue)
    # the same file below the threshold, answered in the request: the reference
    imports.WORKER_FROM = 1000
    direct = _post(client, cast, text).context["result"]
    imports.WORKER_FROM = 5
    r = _post(client, cast, text)
    job = UseImport.objects.get()
    assert job.status == ImportStatus.DONE and job.created == 0
    assert job.errors == [[e.line, e.number, e.message, e.code] for e in direct.errors]
    assert [code for *_r, code in job.errors] == ["already_recorded", "row_invalid"]
    assert not Use.objects.exists() and bytes(job.data) == b""
    page = client.get(r.url).content.decode()
    assert 'data-code="already_recorded"' in page and 'data-code="row_invalid"' in page


def test_only_the_uploader_sees_the_file_and_its_result(cast, client, offer, today):
    cards = [mk(cast.a.unit) for _ in range(6)]
    sign_in(client, cast.a.venue)
    url = _post(client, cast, "\n".join(_lines(cards, today, offer))).url
    for other in (cast.a.site_staff, cast.a.culture, cast.b.venue, cast.national):
        client.logout()
        sign_in(client, other)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page


def test_a_small_file_is_still_answered_in_the_request(cast, client, offer, today):
    cards = [mk(cast.a.unit) for _ in range(3)]
    sign_in(client, cast.a.venue)
    r = _post(client, cast, "\n".join(_lines(cards, today, offer)))
    assert r.status_code == 200 and r.context["result"].created == 3
    assert not UseImport.objects.exists()


def test_an_unreadable_large_file_is_refused_at_once(cast, client):
    sign_in(client, cast.a.venue)
    r = _post(client, cast, "")
    assert r.status_code == 200 and r.context["form"].errors
    assert not UseImport.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_page_polls_until_the_worker_has_run(cast, client, offer, today, settings):
    settings.TASKS = DATABASE_TASKS
    cards = [mk(cast.a.unit) for _ in range(6)]
    sign_in(client, cast.a.venue)
    url = _post(client, cast, "\n".join(_lines(cards, today, offer))).url
    job = UseImport.objects.get()
    assert job.status == ImportStatus.QUEUED and bytes(job.data) != b""
    waiting = client.get(url).content.decode()
    assert 'http-equiv="refresh"' in waiting and 'data-status="queued"' in waiting
    assert not Use.objects.exists()
    run_worker_once()
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.created == 6 and bytes(job.data) == b""
    done = client.get(url).content.decode()
    assert 'http-equiv="refresh"' not in done and Use.objects.count() == 6


def test_retention_deletes_old_use_files_and_their_wrong_rows(cast, client, offer, today):
    """A finished file's wrong rows name card numbers: they go with the other task results
    after RETENTION_TASK_RESULT_DAYS; a newer file and its result stay."""
    import datetime as dt

    from django.utils import timezone

    from kaikukanta.ops.retention import retention_apply

    sign_in(client, cast.a.venue)
    _post(client, cast, "\n".join(["XXXX;2020-01-01;1;0"] * 6))
    _post(client, cast, "\n".join(_lines([mk(cast.a.unit) for _ in range(6)], today, offer)))
    old, new = UseImport.objects.order_by("pk")
    assert old.errors and old.finished_at is not None
    never_run = UseImport.objects.create(site=cast.a.site, uploaded_by=cast.a.venue,
                                         data=b"x")
    long_ago = timezone.now() - dt.timedelta(days=31)
    UseImport.objects.filter(pk=old.pk).update(finished_at=long_ago)
    UseImport.objects.filter(pk=never_run.pk).update(created_at=long_ago)
    retention_apply()
    assert list(UseImport.objects.values_list("pk", flat=True)) == [new.pk]
    assert Use.objects.count() == 6  # the uses themselves are kept
