"""One PDF of a whole batch, made by the background worker, with a progress page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaikukanta.cards import services
from kaikukanta.cards.models import BatchPrint, PrintStatus
from kaikukanta.lib.scope import SYSTEM
from tests.conftest import sign_in
from tests.factories import run_worker_once

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def batch(cast):
    return services.batch_create(scope=SYSTEM, area=cast.a.area, count=25)


@pytest.mark.django_db(transaction=True)  # the worker closes its connections after a task
def test_the_worker_makes_the_pdf_and_the_page_follows_it(cast, client, batch, media,
                                                          settings):
    settings.TASKS = DATABASE_TASKS  # as in production: the request only enqueues
    sign_in(client, cast.a.culture)
    response = client.post(reverse("cards:batch_print_request", args=[batch.pk]))
    job = BatchPrint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cards:batch_print", args=[job.pk])
    assert (job.status, job.done, job.total) == (PrintStatus.QUEUED, 0, 25)
    page = client.get(response["Location"]).content.decode()
    assert "data-print-progress" in page and "Download the PDF" not in page
    assert client.get(reverse("cards:batch_print_download", args=[job.pk])).status_code == 404

    run_worker_once()

    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (PrintStatus.DONE, 25, 25)
    state = client.get(reverse("cards:batch_print", args=[job.pk]), {"format": "json"}).json()
    assert state == {"status": "done", "status_label": "Ready", "done": 25, "total": 25,
                     "percent": 100, "finished": True}
    assert "Download the PDF" in client.get(reverse("cards:batch_print", args=[job.pk])
                                            ).content.decode()
    download = client.get(reverse("cards:batch_print_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    pdf = b"".join(download.streaming_content)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(
        b"/Type /Page ") >= 1


def test_progress_is_written_while_drawing(cast, batch, media, monkeypatch):
    seen = []
    from kaikukanta.cards import tasks

    original = tasks.printing.batch_pdf

    def watching(numbers, **kwargs):
        def progress(done):
            kwargs_progress(done)
            seen.append(BatchPrint.objects.get().done)

        kwargs_progress = kwargs.pop("progress")
        return original(numbers, progress=progress, **kwargs)

    monkeypatch.setattr(tasks.printing, "batch_pdf", watching)
    monkeypatch.setattr(tasks, "PROGRESS_EVERY", 10)
    services.batch_print_request(scope=SYSTEM, batch=batch)
    assert seen == [10, 20]  # after each page of ten faces
    assert BatchPrint.objects.get().status == PrintStatus.DONE


def test_only_the_batch_area_coordinators_may_ask(cast, client, batch, media):
    url = reverse("cards:batch_print_request", args=[batch.pk])
    for user, status in ((cast.b.welfare, 404), (cast.a.distributor, 404),
                         (cast.a.venue, 404), (cast.outsider, 404)):
        sign_in(client, user)
        assert client.post(url).status_code == status, user
        client.logout()
    assert not BatchPrint.objects.exists()
    sign_in(client, cast.a.welfare)
    assert client.post(url).status_code == 302
    assert BatchPrint.objects.get().requested_by == cast.a.welfare


def test_a_failed_drawing_is_shown_as_failed(cast, client, batch, media, monkeypatch):
    from kaikukanta.cards import tasks

    def broken(*args, **kwargs):
        raise RuntimeError("printer on fire")

    monkeypatch.setattr(tasks.printing, "batch_pdf", broken)
    job = services.batch_print_request(scope=SYSTEM, batch=batch)
    job.refresh_from_db()
    assert job.status == PrintStatus.FAILED
    sign_in(client, cast.a.culture)
    page = client.get(reverse("cards:batch_print", args=[job.pk])).content.decode()
    assert "Making the PDF failed" in page
    assert client.get(reverse("cards:batch_print_download", args=[job.pk])).status_code == 404


def test_card_stock_page_offers_one_pdf(cast, client, batch):
    sign_in(client, cast.a.culture)
    page = client.get(reverse("cards:batch_list")).content.decode()
    assert reverse("cards:batch_print_request", args=[batch.pk]) in page
