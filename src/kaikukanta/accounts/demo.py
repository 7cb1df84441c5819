"""Demo: the coordinators and the national admin get a fixed TOTP secret (demo mode only),
so `make run` can print how to pass the second factor."""

from django.conf import settings
from django.db.models import Q

from kaikukanta.accounts import security
from kaikukanta.accounts.models import COORDINATOR_ROLES, Role, User
from kaikukanta.demo.context import DemoContext


def load(ctx: DemoContext) -> None:
    if not settings.DEMO:
        return
    emails = [value for _, value in ctx.logins if "@" in value]
    needing = User.objects.filter(
        Q(memberships__role=Role.NATIONAL_ADMIN) | Q(memberships__role__in=COORDINATOR_ROLES),
        email__in=emails,
    ).distinct()
    for user in needing:
        security.give_demo_device(user)
    ctx.notes += [
        "Second factor for coordinators and the national admin: type the current code from",
        "  KAIKUKANTA_DEMO=1 .venv/bin/python manage.py demo_totp",
        f"  or add the key {security.demo_secret()} to an authenticator app (demo only).",
    ]
