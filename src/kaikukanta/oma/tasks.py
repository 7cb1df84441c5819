"""OmaKaiku's background task: the daily expiry reminders (started by `ops.scheduler`)."""

from __future__ import annotations

from django_tasks import task


@task()
def expiry_reminders_run() -> dict[str, int]:
    """The daily run of expiry reminders (oma/reminders.py)."""
    from kaikukanta.oma.reminders import expiry_reminders_send

    return {"reminders queued": expiry_reminders_send()}
