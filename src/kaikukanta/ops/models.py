"""Bookkeeping of the background worker."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyRun(models.Model):
    """A daily job started on a day: one row per job and day, so that however many
    workers run, each job is enqueued once a day."""

    job = models.CharField(_("job"), max_length=40)
    day = models.DateField(_("day"))
    started_at = models.DateTimeField(_("started"), auto_now_add=True)

    class Meta:
        verbose_name = _("daily run")
        verbose_name_plural = _("daily runs")
        constraints = [models.UniqueConstraint(fields=["job", "day"], name="ops_dailyrun_once")]

    def __str__(self) -> str:
        return f"{self.job} {self.day}"
