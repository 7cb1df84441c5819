"""Email goes out from the background worker (`manage.py run_worker`).

`email_send` is a django-tasks task. Enqueued inside a transaction it is a row written in
that transaction (database backend): the worker sees it only after the commit, and never
after a rollback, so an email about a saved change goes out after the save and a failed
request sends nothing. With TASKS_IMMEDIATE=1 (the demo and the tests) it runs at once.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django_tasks import TaskResultStatus, task


class EmailFailed(Exception):
    """The email was sent at once (TASKS_IMMEDIATE) and the mail server refused it."""


@task()
def email_send(*, subject: str, body: str, to: list[str]) -> int:
    """Send one plain-text email, already rendered in its recipient's language."""
    message = EmailMessage(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, to)
    return message.send()


def email_enqueue(*, subject: str, body: str, to: list[str]) -> None:
    """Queue one email for the worker. Raises EmailFailed if it ran at once and failed."""
    result = email_send.enqueue(subject=subject, body=body, to=to)
    if result.status == TaskResultStatus.FAILED:
        raise EmailFailed()
