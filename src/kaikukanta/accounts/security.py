"""Sign-in security: lockouts, the second factor and the password-reset limit.

- Failed sign-ins are counted by django-axes per account and per address (settings
  `AXES_*` and `SIGNIN_ADDRESS_FAILURE_LIMIT`, handler in accounts.lockout);
  `current_lockouts()` lists what is locked now and `unlock()` lets a national admin open
  a lock before its cool-off ends.
- The second factor is django-otp: one TOTP app per person (`TOTPDevice`) and one-time
  recovery codes (`StaticDevice`). National admins and coordinators must use it; anyone
  else who has set it up is asked for it too (`second_factor_pending`).
- Password-reset requests are counted in the cache per account and per address.
- The demo (KAIKUKANTA_DEMO=1 only) gives its coordinators and national admin a fixed
  TOTP secret; `manage.py demo_totp` prints the current code.
"""

from __future__ import annotations

import hashlib
from base64 import b32encode
from binascii import unhexlify
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Sum
from django.http import HttpRequest
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp import verify_token as otp_verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.audit.services import audit_log
from kaikukanta.lib.permissions import Perm, can
from kaikukanta.lib.scope import Scope

# Set at sign-in when the person has a second factor they must then give (see below).
SESSION_FLAG = "kaikukanta_second_factor"
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
# The demo's shared TOTP secret (20 bytes, hex as django-otp stores it). Demo mode only:
# `verify` refuses it unless settings.DEMO is on.
DEMO_TOTP_KEY = b"kaikukanta-demo-totp".hex()


# --- who must give a second factor ------------------------------------------------------

def requires_second_factor(user, scope=None) -> bool:
    """National admins and coordinators see a whole area's data: they must use one."""
    scope = scope if scope is not None else scope_for_user(user)
    return scope.is_national or bool(scope.coordinator_area_ids)


def app_device(user, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-pk").first()


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(user) -> bool:
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def second_factor_pending(request: HttpRequest) -> bool:
    """Signed in with the password but not yet with the second factor they need."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or is_verified(user):
        return False
    if request.session.get(SESSION_FLAG):
        return True
    scope = getattr(request, "scope", None)
    if scope is not None and getattr(scope, "user_id", None) != user.pk:
        scope = None  # built before this request's sign-in
    return requires_second_factor(user, scope)


def remember_second_factor_at_login(sender, request, user, **kwargs) -> None:
    """`user_logged_in` receiver: a person who has set up an app is asked for it."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_FLAG] = has_second_factor(user)


# --- enrolment and verification ---------------------------------------------------------

def begin_enrolment(user) -> TOTPDevice:
    """The person's unconfirmed app device (one at a time), made on first use."""
    device = app_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def secret_for_display(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app by hand."""
    secret = b32encode(unhexlify(device.key)).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _clean_token(token: str) -> str:
    return "".join(str(token or "").split()).replace("-", "").lower()


def confirm_enrolment(request: HttpRequest, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm a new app with its first code: returns the new recovery codes, or None.

    The new app replaces any earlier one, new recovery codes replace the old ones and this
    session counts as verified.
    """
    user = request.user
    token = _clean_token(token)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if not token.isdigit() or not device.verify_token(token):
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = replace_recovery_codes(user)
        audit_log(action="second_factor.enrolled", scope=scope_for_user(user), target=user)
    otp_login(request, device)
    request.session[SESSION_FLAG] = True
    return codes


def replace_recovery_codes(user) -> list[str]:
    """New one-time recovery codes; the old ones stop working."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True})
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(settings.KAIKUKANTA_RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@dataclass(frozen=True)
class Verification:
    ok: bool
    locked_until: datetime | None = None  # too many wrong codes: wait until then


def verify(request: HttpRequest, token: str) -> Verification:
    """Check a code from the app (six digits) or a recovery code (used up on success)."""
    user = request.user
    token = _clean_token(token)
    if not token:
        return Verification(ok=False)
    model = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
    devices = model.objects.filter(user=user, confirmed=True)
    if not settings.DEMO and model is TOTPDevice:
        devices = devices.exclude(key=DEMO_TOTP_KEY)
    locked_until = None
    for device in devices:
        allowed, why = device.verify_is_allowed()
        if not allowed:
            locked_until = (why or {}).get("locked_until") or locked_until
            continue
        verified = otp_verify_token(user, device.persistent_id, token)
        if verified is not None:
            otp_login(request, verified)
            request.session[SESSION_FLAG] = True
            if model is StaticDevice:
                audit_log(action="second_factor.recovery_code_used",
                          scope=scope_for_user(user), target=user)
            return Verification(ok=True)
    return Verification(ok=False, locked_until=locked_until)


def remove_second_factor(request: HttpRequest) -> None:
    """A person who does not need one may stop using the second factor."""
    user = request.user
    if requires_second_factor(user):
        raise PermissionDenied
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_log(action="second_factor.removed", scope=scope_for_user(user), target=user)
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session[SESSION_FLAG] = False


def reset_second_factor(*, scope: Scope, user) -> None:
    """A national admin removes a person's lost app and recovery codes; the person sets up
    a new app at their next page (their open sessions stop counting as verified)."""
    if not can(scope, Perm.ADMIN_SITE):
        raise PermissionDenied
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_log(action="second_factor.reset", scope=scope, target=user)


# --- the demo ----------------------------------------------------------------------------

def demo_secret() -> str:
    return b32encode(unhexlify(DEMO_TOTP_KEY)).decode()


def demo_code(at: float | None = None) -> tuple[str, int]:
    """The demo's current code and the seconds it stays valid."""
    totp = TOTP(unhexlify(DEMO_TOTP_KEY))
    if at is not None:
        totp.time = at
    return f"{totp.token():06d}", int(totp.step - (totp.time - totp.t0) % totp.step)


def give_demo_device(user) -> None:
    """A confirmed app with the demo secret (only ever in demo mode)."""
    if not settings.DEMO:
        raise PermissionDenied("The demo second factor exists only in demo mode.")
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="Demo", key=DEMO_TOTP_KEY, confirmed=True)


# --- failed sign-ins (django-axes) -------------------------------------------------------

def axes_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The account a sign-in names, spelt the way the EmailBackend reads it."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username")
    value = (raw or "").strip().lower()
    return value or None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: behind TRUSTED_PROXY_COUNT proxies, taken from the right of
    X-Forwarded-For (the part the proxies wrote, which a client cannot forge)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        chain = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                 if a.strip()]
        if len(chain) >= proxies:
            return chain[-proxies]
    return request.META.get("REMOTE_ADDR")


@dataclass(frozen=True)
class Lock:
    kind: str  # "account" or "address"
    value: str
    failures: int
    locked_until: datetime


def current_lockouts() -> list[Lock]:
    """Accounts and addresses locked now (failures within the cool-off at the limit)."""
    from axes.models import AccessAttempt

    cooloff = settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cooloff)
    locks = []
    for kind, field, limit in (("account", "username", settings.AXES_FAILURE_LIMIT),
                               ("address", "ip_address", settings.SIGNIN_ADDRESS_FAILURE_LIMIT)):
        rows = (recent.exclude(**{f"{field}__isnull": True})
                .values(field).annotate(failures=Sum("failures_since_start"),
                                        last=Max("attempt_time"))
                .filter(failures__gte=limit).order_by(field))
        locks += [Lock(kind, row[field], row["failures"], row["last"] + cooloff)
                  for row in rows if row[field]]
    return locks


def unlock(*, scope: Scope, kind: str, value: str) -> int:
    """Open a lock now (national admins only); returns how many records were cleared."""
    from axes.utils import reset

    if not can(scope, Perm.ADMIN_SITE):
        raise PermissionDenied
    if kind == "account":
        count = reset(username=value)
    elif kind == "address":
        count = reset(ip=value)
    else:
        raise ValueError(kind)
    audit_log(action="signin.unlocked", scope=scope, target_label=f"{kind}: {value}",
              changes={"kind": kind, "records": count})
    return count


def clear_account_lock(user) -> int:
    """Forget the account's failed sign-ins (after a password reset by email link)."""
    from axes.utils import reset

    return reset(username=user.get_username())


# --- password resets ---------------------------------------------------------------------

def password_reset_allowed(request: HttpRequest, email: str) -> bool:
    """Count a reset request against the account and the address; False past the limit."""
    limit = settings.KAIKUKANTA_PASSWORD_RESET_LIMIT
    window = settings.KAIKUKANTA_PASSWORD_RESET_WINDOW_MINUTES * 60
    allowed = True
    for part in (f"account:{(email or '').strip().lower()}", f"address:{client_ip(request)}"):
        key = "pwreset:" + hashlib.sha256(part.encode()).hexdigest()
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            count = 1
        allowed = allowed and count <= limit
    return allowed
