"""Personal staff accounts and their role memberships.

A staff account is personal data too, so it holds only what signing in and contacting
the person needs: work email, name and preferred language.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.lib.roles import COORDINATOR_ROLES, Role
from kaikukanta.lib.scope import Scope

__all__ = ["COORDINATOR_ROLES", "Invitation", "InvitationStatus", "Membership", "Role", "User",
           "UserManager", "hash_token"]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        """A national admin (the only role that reaches Django admin)."""
        user = self.create_user(email, password, **extra)
        Membership.objects.create(user=user, role=Role.NATIONAL_ADMIN)
        return user


class User(AbstractBaseUser):
    """A personal staff account (no shared per-site logins)."""

    email = models.EmailField(_("work email"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    language = models.CharField(
        _("language"), max_length=2, choices=[("fi", "suomi"), ("sv", "svenska"),
                                              ("en", "English")], default="fi",
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name

    def get_session_auth_hash(self) -> str:
        """A user from the person's cache (accounts/scope.py, `load_user`) carries the
        hash its session was checked against, not the password hash: the cache keeps no
        password hash (the password loads from the database only when asked for)."""
        cached = self.__dict__.get("_session_auth_hash")
        if cached is not None and "password" not in self.__dict__:
            return cached
        return super().get_session_auth_hash()

    # Django admin asks these; only national admins get in (see kaikukanta.accounts.admin).
    @cached_property
    def is_staff(self) -> bool:
        return self.is_active and scope_for_user(self).is_national

    @property
    def is_superuser(self) -> bool:
        return self.is_staff

    def has_perm(self, perm: str, obj=None) -> bool:
        return self.is_staff

    def has_perms(self, perm_list, obj=None) -> bool:
        return self.is_staff

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_staff


class Membership(models.Model):
    """A user's role and the scope it applies to."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    area = models.ForeignKey(
        "network.Area", verbose_name=_("area"), on_delete=models.CASCADE, null=True,
        blank=True, related_name="memberships",
    )
    organisation = models.ForeignKey(
        "network.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="memberships",
    )
    unit = models.ForeignKey(
        "network.Unit", verbose_name=_("unit or site"), on_delete=models.CASCADE, null=True,
        blank=True, related_name="memberships",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    Q(role=Role.NATIONAL_ADMIN, area__isnull=True, organisation__isnull=True,
                      unit__isnull=True)
                    | Q(role__in=COORDINATOR_ROLES, area__isnull=False,
                        organisation__isnull=True, unit__isnull=True)
                    | Q(role=Role.DISTRIBUTOR_STAFF, area__isnull=True,
                        organisation__isnull=False, unit__isnull=False)
                    | Q(role=Role.VENUE_STAFF, area__isnull=True, organisation__isnull=False)
                    | Q(role=Role.SELLER_STAFF, area__isnull=True, organisation__isnull=False,
                        unit__isnull=True)
                ),
            ),
        ]

    def __str__(self) -> str:
        target = self.unit or self.organisation or self.area
        label = self.get_role_display()
        return f"{label}: {target}" if target else str(label)


# --- invitations: how a person gets an account and a role ------------------------------

LANGUAGE_CHOICES = [("fi", "suomi"), ("sv", "svenska"), ("en", "English")]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    ACCEPTED = "accepted", _("Accepted")
    REVOKED = "revoked", _("Revoked")
    REPLACED = "replaced", _("Replaced by a new link")
    EXPIRED = "expired", _("Expired")


class InvitationQuerySet(models.QuerySet):
    def for_scope(self, scope: Scope) -> InvitationQuerySet:
        """Invitations to the organisations a coordinator runs (national: all)."""
        if scope.is_national:
            return self
        if not scope.coordinator_area_ids:
            return self.none()
        return self.filter(organisation__isnull=False).filter(scope.runs_q("organisation__"))


class Invitation(models.Model):
    """A one-time link that lets a person set a password and get one role. Only a hash
    of the link's token is stored."""

    email = models.EmailField(_("work email"))
    name = models.CharField(_("name"), max_length=120)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES,
                                default="fi")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    area = models.ForeignKey("network.Area", verbose_name=_("area"), on_delete=models.CASCADE,
                             null=True, blank=True, related_name="+")
    organisation = models.ForeignKey(
        "network.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="+",
    )
    unit = models.ForeignKey("network.Unit", verbose_name=_("unit or site"),
                             on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=InvitationStatus.choices,
                              default=InvitationStatus.PENDING)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    expires_at = models.DateTimeField(_("expires"))
    closed_at = models.DateTimeField(_("accepted or closed"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    replaced_by = models.OneToOneField("self", on_delete=models.SET_NULL, null=True,
                                       blank=True, related_name="replaces")

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} ({self.get_role_display()})"

    @property
    def scope_area(self):
        return self.area or (self.organisation.home_area if self.organisation else None)

    @property
    def current_status(self) -> str:
        if self.status == InvitationStatus.PENDING and self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return self.status

    def get_current_status_display(self) -> str:
        return str(InvitationStatus(self.current_status).label)

    @property
    def is_open(self) -> bool:
        return self.current_status in (InvitationStatus.PENDING, InvitationStatus.EXPIRED)
