"""The background worker: email after the commit, the daily jobs once a day."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kaikukanta.lib.email import email_enqueue
from kaikukanta.ops.models import DailyRun
from kaikukanta.ops.scheduler import daily_jobs_enqueue
from kaikukanta.usage.models import LookupLog
from tests.factories import run_worker_once

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

pytestmark = pytest.mark.django_db(transaction=True)


def _worker():
    run_worker_once()


def test_email_goes_out_from_the_worker_only_after_the_commit(settings):
    settings.TASKS = DATABASE_TASKS
    with transaction.atomic():
        email_enqueue(subject="Hello\nthere", body="Body", to=["a@example.fi"])
        assert mail.outbox == []
    _worker()
    assert [(m.subject, m.to) for m in mail.outbox] == [("Hello there", ["a@example.fi"])]


def test_a_rolled_back_transaction_sends_nothing(settings):
    settings.TASKS = DATABASE_TASKS
    with pytest.raises(RuntimeError), transaction.atomic():
        email_enqueue(subject="Never", body="Body", to=["a@example.fi"])
        raise RuntimeError("the request failed")
    assert DBTaskResult.objects.count() == 0
    _worker()
    assert mail.outbox == []


def _at(hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, 5, 4, hour, 30))


def test_the_daily_retention_is_enqueued_once_a_day_at_its_hour(settings):
    settings.TASKS = DATABASE_TASKS
    settings.RETENTION_HOUR = 3
    settings.STATISTICS_PUBLISH_HOUR = 23
    assert daily_jobs_enqueue(now=_at(2)) == []
    assert daily_jobs_enqueue(now=_at(3)) == ["retention"]
    assert daily_jobs_enqueue(now=_at(4)) == []  # another worker, or the next minute
    assert DailyRun.objects.count() == 1
    old = LookupLog.objects.create(number="ABCDEFGH")
    LookupLog.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=400))
    _worker()
    assert not LookupLog.objects.exists()
    task = DBTaskResult.objects.get()
    assert task.task_path == "kaikukanta.ops.tasks.retention_run"
    assert task.status == "SUCCESSFUL"
    assert task.return_value["look-up logs deleted"] == 1
    assert daily_jobs_enqueue(now=_at(3) + datetime.timedelta(days=1)) == ["retention"]


def test_a_worker_run_in_the_test_process_puts_the_signal_handlers_back(settings):
    import signal

    settings.TASKS = DATABASE_TASKS
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    run_worker_once()
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before
