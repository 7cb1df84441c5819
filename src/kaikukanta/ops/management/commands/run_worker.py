"""The background worker: django-tasks' database worker plus the daily jobs.

    make worker            # or: python manage.py run_worker

Takes tasks from the database (emails, card-batch PDFs, the daily retention run) and,
once a minute, enqueues the daily jobs whose hour has come (`ops.scheduler`). Stop it with
SIGTERM or SIGINT: the task in hand is finished first. Options are db_worker's.
"""

from __future__ import annotations

import logging
import threading

from django.db import connections
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from kaikukanta.ops.scheduler import daily_jobs_enqueue

logger = logging.getLogger(__name__)

SCHEDULE_EVERY_SECONDS = 60


class Command(DatabaseWorkerCommand):
    help = "Run the background worker (tasks from the database, and the daily jobs)."

    def handle(self, *args, **options):
        stop = threading.Event()
        if not options.get("batch"):
            threading.Thread(target=self._schedule, args=(stop,), name="daily-jobs",
                             daemon=True).start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()

    @staticmethod
    def _schedule(stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                daily_jobs_enqueue()
            except Exception:  # keep scheduling: the database may be back next minute
                logger.exception("enqueueing the daily jobs failed")
            finally:
                connections.close_all()
            stop.wait(SCHEDULE_EVERY_SECONDS)
