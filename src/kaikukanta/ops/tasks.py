"""The worker's own tasks: the daily retention run (email is `lib.email`)."""

from __future__ import annotations

from django_tasks import task


@task()
def retention_run() -> dict[str, int]:
    """The daily retention run (docs/privacy.md)."""
    from kaikukanta.ops.retention import retention_apply

    return retention_apply().counts
