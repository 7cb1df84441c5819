"""Card work for the background worker: the print PDF of a whole batch."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils import timezone
from django_tasks import task

from kaikukanta.cards import printing
from kaikukanta.cards.models import BatchPrint, CardKind, PrintStatus

PROGRESS_EVERY = 50  # cards: how often the progress row is written


@task()
def batch_print_make(print_id: int) -> int:
    """Draw the batch's PDF, telling the progress as it goes. Returns the file's size."""
    job = BatchPrint.objects.select_related("batch__area").get(pk=print_id)
    if job.status == PrintStatus.DONE:
        return job.file.size
    batch = job.batch
    numbers = list(batch.cards.order_by("number").values_list("number", flat=True))
    BatchPrint.objects.filter(pk=job.pk).update(status=PrintStatus.RUNNING, done=0,
                                                total=len(numbers))

    def progress(done: int) -> None:
        if done % PROGRESS_EVERY < printing.PER_PAGE:
            BatchPrint.objects.filter(pk=job.pk).update(done=done)

    try:
        pdf = printing.batch_pdf(numbers, community=batch.kind == CardKind.COMMUNITY,
                                 title=f"Kaikukortti {batch.area.name} #{batch.pk}",
                                 progress=progress)
        job.file.save(f"kaikukortti-batch-{batch.pk}-{job.pk}.pdf", ContentFile(pdf),
                      save=False)
    except Exception:
        BatchPrint.objects.filter(pk=job.pk).update(status=PrintStatus.FAILED,
                                                    finished_at=timezone.now())
        raise
    BatchPrint.objects.filter(pk=job.pk).update(
        status=PrintStatus.DONE, done=len(numbers), file=job.file.name,
        finished_at=timezone.now())
    return len(pdf)
