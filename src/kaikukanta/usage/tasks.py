"""Usage work for the background worker: a large file of uses (`uses_upload_later`)."""

from __future__ import annotations

from django.utils import timezone, translation
from django_tasks import task

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.lib.errors import DomainError
from kaikukanta.lib.permissions import Perm, require
from kaikukanta.lib.scope import Scope
from kaikukanta.usage import guessing, imports
from kaikukanta.usage.imports import uses_upload
from kaikukanta.usage.models import ImportStatus, UseImport


@task()
def uses_import_run(import_id: int) -> int:
    """Check and save the file as the upload page does (all or nothing), with the
    uploader's own scope read afresh; keep the result for the uploader and forget the
    file's bytes. Returns the number of uses saved."""
    job = UseImport.objects.select_related("site__organisation__home_area",
                                           "uploaded_by").get(pk=import_id)
    if job.finished:
        return job.created
    UseImport.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    try:
        with translation.override(job.language or None):
            try:
                result = uses_upload(scope=scope_for_user(job.uploaded_by), site=job.site,
                                     name=job.name, data=bytes(job.data))
            except DomainError as exc:  # the whole file refused (permission, limit …)
                rows, created, errors = job.rows, 0, [[0, "", str(exc), exc.code]]
            else:
                rows, created = result.rows, result.created
                errors = [[e.line, e.number, e.message, e.code] for e in result.errors]
    except Exception:
        UseImport.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, data=b"",
                                                   finished_at=timezone.now())
        raise
    UseImport.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE, data=b"", rows=rows, created=created, errors=errors,
        finished_at=timezone.now())
    return created


def uses_upload_later(*, scope: Scope, site, name: str, data: bytes, language: str = ""):
    """A file of more than `imports.WORKER_FROM` rows goes to the background worker: the same
    permission and guessing checks first, an unreadable, empty or too large file is
    refused at once; returns the `UseImport` whose page tells its progress. A smaller
    file returns None (the caller runs `uses_upload` itself)."""
    require(scope, Perm.RECORD_USES, site)
    guessing.check(scope)
    rows = imports.read_cells(name, data)
    if len(rows) <= imports.WORKER_FROM:
        return None
    job = UseImport.objects.create(site=site, uploaded_by_id=scope.user_id, name=name[:200],
                                   data=data, language=language, rows=len(rows))
    uses_import_run.enqueue(job.pk)
    return job
