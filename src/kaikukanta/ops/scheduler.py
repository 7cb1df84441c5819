"""The worker's daily jobs: enqueue each once a day, at its hour, whatever the number of
workers (a unique `DailyRun` row decides which worker enqueues)."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def _daily_jobs() -> dict[str, tuple[int, object]]:
    # OmaKaiku's task is named by its path: `oma` sits beside `ops` in the layers, and
    # the scheduler only starts it.
    return {
        "retention": (settings.RETENTION_HOUR,
                      import_string("kaikukanta.ops.tasks.retention_run")),
        "oma_reminders": (settings.OMA_REMINDER_HOUR,
                          import_string("kaikukanta.oma.tasks.expiry_reminders_run")),
        "statistics": (settings.STATISTICS_PUBLISH_HOUR,
                       import_string("kaikukanta.ops.tasks.statistics_publish_run")),
    }


def daily_jobs_enqueue(*, now: datetime.datetime | None = None) -> list[str]:
    """Enqueue every daily job whose hour has come today and that is not yet enqueued
    today. Returns the jobs enqueued now."""
    from kaikukanta.ops.models import DailyRun

    local = timezone.localtime(now or timezone.now())
    started = []
    for job, (hour, task) in _daily_jobs().items():
        if local.hour < hour:
            continue
        try:
            with transaction.atomic():
                DailyRun.objects.create(job=job, day=local.date())
                task.enqueue()
        except IntegrityError:
            continue  # another worker did it today
        logger.info("daily job %s enqueued", job)
        started.append(job)
    return started
