"""The worker's own tasks: the daily retention run and the daily publication of due
statistics (email is `lib.email`)."""

from __future__ import annotations

from django_tasks import task


@task()
def retention_run() -> dict[str, int]:
    """The daily retention run (docs/privacy.md)."""
    from kaikukanta.ops.retention import retention_apply

    return retention_apply().counts


@task()
def statistics_publish_run() -> dict[str, int]:
    """Publish the statistics periods that are due (`stats.publication`)."""
    from django.utils import timezone

    from kaikukanta.stats.publication import publish_due

    return {"periods published": publish_due(timezone.localdate())}
