"""The audit log: who did what, when, to which object. Never holder fields."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaikukanta.lib.roles import CULTURE_KINDS, WELFARE_KINDS
from kaikukanta.lib.scope import Scope

# Which side of an area an entry belongs to. The welfare side (cards and who issued them)
# and the culture side (uses, offers, ticket sellers) see only their own side's entries,
# so nobody can link a card's issuing unit (say, a mental-health association) with the
# places where the card was used. Entries about the area itself are shared.
WELFARE_ACTIONS = ("card.", "card_batch.", "distributor.")
CULTURE_ACTIONS = ("use.", "offer.", "seller_link.")


def _starts(prefixes: tuple[str, ...]) -> Q:
    q = Q(pk__in=[])
    for prefix in prefixes:
        q |= Q(action__startswith=prefix)
    return q


def side_q(side: str) -> Q:
    """Entries that a coordinator of `side` ("welfare" or "culture") may see in an area:
    their side's actions, actions about their side's organisations, and shared ones."""
    other = CULTURE_ACTIONS if side == "welfare" else WELFARE_ACTIONS
    own = WELFARE_ACTIONS if side == "welfare" else CULTURE_ACTIONS
    other_orgs = CULTURE_KINDS if side == "welfare" else WELFARE_KINDS
    return _starts(own) | (~_starts(other) & ~Q(organisation__kind__in=other_orgs))


class AuditEntryQuerySet(models.QuerySet):
    def for_scope(self, scope: Scope) -> AuditEntryQuerySet:
        """Coordinators see what was done on their side of their areas (`side_q`), the
        national team everything."""
        if scope.is_national:
            return self
        return self.filter(
            Q(area__in=scope.welfare_area_ids) & side_q("welfare")
            | Q(area__in=scope.culture_area_ids) & side_q("culture"))


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
    # no index of its own: the (area, -at) index below starts with it
    area = models.ForeignKey(
        "network.Area", verbose_name=_("area"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+", db_index=False,
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
