"""OmaKaiku: the holder's own account, kept apart from the card register.

A holder account belongs to a card (and follows it when the card is replaced, through
`Card.replaced_by`). It holds only sign-in means: a password hash, passkeys and, if the
holder wants one, an email address in its own table that staff pages, exports,
statistics and the API never read. Closing the account deletes all three; the card stays
in the distributor's register.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ActivationCodeQuerySet(models.QuerySet):
    def open(self) -> ActivationCodeQuerySet:
        return self.filter(used_at__isnull=True, cancelled_at__isnull=True,
                           expires_at__gt=timezone.now())


class ActivationCode(models.Model):
    """A one-time code a distributor gives the holder to start OmaKaiku. Only its keyed
    hash is stored; the code itself is shown once, on screen and on the printed slip."""

    card = models.ForeignKey("cards.Card", verbose_name=_("card"), on_delete=models.CASCADE,
                             related_name="+")
    code_hash = models.CharField(_("code hash"), max_length=64, unique=True)
    language = models.CharField(_("language of the slip"), max_length=8)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    expires_at = models.DateTimeField(_("valid until"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    objects = ActivationCodeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("OmaKaiku activation code")
        verbose_name_plural = _("OmaKaiku activation codes")

    def __str__(self) -> str:
        return f"{self.card} {self.created_at:%Y-%m-%d}"


class HolderAccount(models.Model):
    """A holder's OmaKaiku account. No name, no identity: the card is the holder."""

    card = models.OneToOneField("cards.Card", verbose_name=_("card"),
                                on_delete=models.CASCADE, related_name="holder_account")
    password = models.CharField(_("password hash"), max_length=128, blank=True)
    # Changes whenever a means of sign-in changes, so other open sessions end.
    session_salt = models.CharField(max_length=32)
    language = models.CharField(_("language"), max_length=8, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("OmaKaiku account")
        verbose_name_plural = _("OmaKaiku accounts")

    def __str__(self) -> str:
        return f"OmaKaiku {self.card}"


class HolderEmail(models.Model):
    """The holder's own email address, only if they gave one. Never shown to staff."""

    account = models.OneToOneField(HolderAccount, on_delete=models.CASCADE,
                                   related_name="email_address")
    email = models.EmailField(_("email address"), unique=True)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    # An email before the card expires (oma/reminders.py); the holder can turn it off.
    reminders = models.BooleanField(_("expiry reminders"), default=True)
    # The card's last validity day the latest reminder was about: one reminder per validity.
    reminded_for = models.DateField(_("reminded of the expiry on"), null=True, blank=True)

    class Meta:
        verbose_name = _("OmaKaiku email address")
        verbose_name_plural = _("OmaKaiku email addresses")

    def __str__(self) -> str:
        return f"email of account {self.account_id}"


class Passkey(models.Model):
    """A WebAuthn credential (passkey) of a holder account."""

    account = models.ForeignKey(HolderAccount, on_delete=models.CASCADE,
                                related_name="passkeys")
    credential_id = models.CharField(max_length=512, unique=True)  # base64url
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("passkey")
        verbose_name_plural = _("passkeys")

    def __str__(self) -> str:
        return f"passkey {self.pk} of account {self.account_id}"
