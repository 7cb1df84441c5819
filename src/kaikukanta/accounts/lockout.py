"""django-axes' database handler with two limits: an account locks after
AXES_FAILURE_LIMIT failed sign-ins, an address only after SIGNIN_ADDRESS_FAILURE_LIMIT.

A whole municipal office often signs in from one address (NAT), so the address limit is
higher; an attacker trying many accounts from one address is still stopped by it.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def _failures(**lookup) -> int:
    return AccessAttempt.objects.filter(**lookup).aggregate(
        n=Sum("failures_since_start"))["n"] or 0


class AccountAndAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """The account's failures, or the address's scaled to the account limit, whichever
        is nearer its own limit (axes locks when this reaches AXES_FAILURE_LIMIT)."""
        since = get_cool_off_threshold(request)
        username = get_client_username(request, credentials)
        address = getattr(request, "axes_ip_address", None)
        account = _failures(username=username, attempt_time__gte=since) if username else 0
        by_address = _failures(ip_address=address, attempt_time__gte=since) if address else 0
        limit = get_failure_limit(request, credentials)
        return max(account, by_address * limit // settings.SIGNIN_ADDRESS_FAILURE_LIMIT)
