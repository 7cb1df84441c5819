"""Retention: how long each kind of record is kept (docs/privacy.md).

`retention_apply()` is idempotent and safe to run every day (the worker does, and so can
`manage.py apply_retention`). Every period is a setting:

- look-up logs: deleted after RETENTION_LOOKUP_LOG_DAYS (365);
- stored partner API answers: deleted after RETENTION_API_ANSWER_DAYS (30);
- invitations that expired or were used, revoked or replaced: deleted
  RETENTION_INVITATION_DAYS (90) after they closed;
- the audit log: entries deleted after RETENTION_AUDIT_YEARS (5);
- finished background-task results: deleted after RETENTION_TASK_RESULT_DAYS (30), with
  the card-batch PDFs they made and the large use files handed to the worker (their
  wrong rows name card numbers);
- cards expired for RETENTION_CARD_COARSEN_YEARS (3): the holder's birth year becomes the
  first year of its five-year band, the postal code is cleared (its municipality stays) and
  the optional facts are cleared. The exact facts are first added to
  `stats.RetiredHolders` as counts, so every statistics figure stays the same;
- who answered a local survey: forgotten once the survey takes no more answers.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

logger = logging.getLogger(__name__)

BIRTH_YEAR_BAND = 5
COARSEN_BATCH = 500


@dataclass
class RetentionReport:
    counts: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        return ", ".join(f"{name}: {n}" for name, n in self.counts.items())


def _years_before(day, years: int):
    """The same calendar day (a date or a datetime) `years` earlier."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def coarse_birth_year(birth_year: int) -> int:
    """The first year of the birth year's five-year band (1987 -> 1985)."""
    return birth_year - birth_year % BIRTH_YEAR_BAND


def _delete_lookup_logs(now: datetime.datetime) -> int:
    from kaikukanta.usage.models import LookupLog

    cutoff = now - datetime.timedelta(days=settings.RETENTION_LOOKUP_LOG_DAYS)
    return LookupLog.objects.filter(at__lt=cutoff).delete()[0]


def _delete_api_answers() -> int:
    from kaikukanta.api.services import api_records_prune

    return api_records_prune(keep_days=settings.RETENTION_API_ANSWER_DAYS)


def _delete_invitations(now: datetime.datetime) -> int:
    from kaikukanta.accounts.models import Invitation, InvitationStatus

    cutoff = now - datetime.timedelta(days=settings.RETENTION_INVITATION_DAYS)
    closed = ~Q(status=InvitationStatus.PENDING) & (
        Q(closed_at__lt=cutoff) | Q(closed_at__isnull=True, expires_at__lt=cutoff))
    expired = Q(status=InvitationStatus.PENDING, expires_at__lt=cutoff)
    return Invitation.objects.filter(closed | expired).delete()[0]


def _delete_audit_entries(now: datetime.datetime) -> int:
    from kaikukanta.audit.models import AuditEntry

    cutoff = _years_before(now, settings.RETENTION_AUDIT_YEARS)
    return AuditEntry.objects.filter(at__lt=cutoff).delete()[0]


def _delete_task_results(now: datetime.datetime) -> int:
    """Finished background tasks, and the card-batch PDFs they made (rows and files), and
    the use files given to the worker (a file never processed goes after as long)."""
    from django_tasks_db.models import DBTaskResult

    from kaikukanta.cards.models import BatchPrint
    from kaikukanta.usage.models import UseImport

    cutoff = now - datetime.timedelta(days=settings.RETENTION_TASK_RESULT_DAYS)
    for job in BatchPrint.objects.filter(created_at__lt=cutoff):
        if job.file:
            job.file.delete(save=False)
        job.delete()
    UseImport.objects.filter(Q(finished_at__lt=cutoff)
                             | Q(finished_at__isnull=True, created_at__lt=cutoff)).delete()
    return DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()[0]


def _coarsen_cards(today: datetime.date) -> int:
    """Coarsen the holder facts of personal cards expired for the set years, in batches
    (each one transaction: the counts and the coarse rows change together)."""
    from kaikukanta.cards.models import Card, CardKind
    from kaikukanta.stats.models import RetiredHolders

    cutoff = _years_before(today, settings.RETENTION_CARD_COARSEN_YEARS)
    due = Card.objects.filter(kind=CardKind.PERSONAL, holder_coarsened_on__isnull=True,
                              issued_on__isnull=False, valid_until__lt=cutoff)
    facts = ("area_id", "unit_id", "municipality_id", "kind", "status", "issued_on",
             "valid_until", "inactivated_on", "birth_year", "children", "gender",
             "life_situation")
    done = 0
    while True:
        with transaction.atomic():
            batch = list(due.select_for_update().order_by("pk")[:COARSEN_BATCH])
            if not batch:
                return done
            for card in batch:
                key = {name: getattr(card, name) for name in facts}
                row, _created = RetiredHolders.objects.get_or_create(**key,
                                                                     defaults={"cards": 0})
                RetiredHolders.objects.filter(pk=row.pk).update(
                    cards=F("cards") + 1, stats_key=F("stats_key") + card.stats_key)
                card.birth_year = (coarse_birth_year(card.birth_year)
                                   if card.birth_year else None)
                card.postal_code = ""
                card.gender = card.life_situation = card.preferred_language = ""
                card.holder_coarsened_on = today
            Card.objects.bulk_update(batch, ["birth_year", "postal_code", "gender",
                                             "life_situation", "preferred_language",
                                             "holder_coarsened_on"])
            done += len(batch)


def _forget_survey_responders(today: datetime.date) -> int:
    from kaikukanta.surveys.services import responders_forget

    return responders_forget(today=today)


def retention_apply(*, now: datetime.datetime | None = None) -> RetentionReport:
    """Apply every retention rule once. Running it again the same day changes nothing."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = RetentionReport()
    report.counts["look-up logs deleted"] = _delete_lookup_logs(now)
    report.counts["stored API answers deleted"] = _delete_api_answers()
    report.counts["invitations deleted"] = _delete_invitations(now)
    report.counts["audit entries deleted"] = _delete_audit_entries(now)
    report.counts["task results deleted"] = _delete_task_results(now)
    report.counts["cards coarsened"] = _coarsen_cards(today)
    report.counts["survey responders forgotten"] = _forget_survey_responders(today)
    logger.info("retention: %s", report)
    return report
