"""Partner API keys and stored idempotent responses (the per-key request counters live
in the cache, see `services.rate_limit_hit`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiKeyQuerySet(models.QuerySet):
    def active(self) -> ApiKeyQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    """An organisation's key for the partner API.

    The secret is shown once when the key is made; only its SHA-256 hash is stored,
    with a short visible prefix that staff use to tell keys apart.
    """

    organisation = models.ForeignKey(
        "network.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE,
        related_name="api_keys",
    )
    label = models.CharField(_("label"), max_length=100,
                             help_text=_("For example the name of the system that uses it."))
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    secret_hash = models.CharField(_("hash of the key"), max_length=64)
    can_write = models.BooleanField(_("may record and change"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("revoked by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.prefix} ({self.label})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def actor_label(self) -> str:
        """How the key appears in the audit log and in look-up logs."""
        return f"api_key:{self.prefix}"


class IdempotentResponse(models.Model):
    """The first response to a write with an `Idempotency-Key`: a retry gets it again."""

    api_key = models.ForeignKey(ApiKey, verbose_name=_("API key"), on_delete=models.CASCADE,
                                related_name="responses")
    idempotency_key = models.CharField(_("idempotency key"), max_length=64)
    request_hash = models.CharField(_("hash of the request"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    # The JSON text exactly as first sent (jsonb would reorder the keys).
    body = models.TextField(_("response body"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("stored API response")
        verbose_name_plural = _("stored API responses")
        constraints = [
            models.UniqueConstraint(fields=["api_key", "idempotency_key"],
                                    name="api_idempotency_key_once"),
        ]

    def __str__(self) -> str:
        return f"{self.api_key_id}/{self.idempotency_key}"
