"""Demo: the coordinators and the national admin get a fixed TOTP secret (demo mode only),
so `make run` can print how to pass the second factor."""

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext

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
        gettext("Coordinators and the national admin also give a second factor: the "
                "current code is printed by"),
        "  KAIKUKANTA_DEMO=1 .venv/bin/python manage.py demo_totp",
        "  " + gettext("or add the key %(key)s to an authenticator app (demo only).")
        % {"key": security.demo_secret()},
    ]
