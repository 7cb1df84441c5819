"""The audit log: who did what, when, to which object. Never holder fields."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaikukanta.lib.scope import Scope


class AuditEntryQuerySet(models.QuerySet):
    def for_scope(self, scope: Scope) -> AuditEntryQuerySet:
        """Coordinators see what was done in their areas, the national team everything."""
        if scope.is_national:
            return self
        return self.filter(area__in=scope.coordinator_area_ids)


class AuditEntry(models.Model):
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    # e.g. "api_key:12" when an API key acted
    actor_label = models.CharField(_("actor"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("object type"), max_length=64, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_label = models.CharField(_("object"), max_length=200, blank=True)
    area = models.ForeignKey(
        "network.Area", verbose_name=_("area"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )
    organisation = models.ForeignKey(
        "network.Organisation", verbose_name=_("organisation"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["area", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_label}"
