"""The holder's session: separate from staff sign-in (no staff User, no `request.user`).

The session keeps the account id and the account's current salt; changing a sign-in means
or closing the account changes or removes the salt, which ends every other session.
"""

from __future__ import annotations

from functools import wraps

from django.shortcuts import redirect

from kaikukanta.oma.models import HolderAccount

ACCOUNT_KEY = "oma_account"
SALT_KEY = "oma_salt"
PENDING_CODE_KEY = "oma_pending_code"


def sign_in(request, account: HolderAccount) -> None:
    request.session.cycle_key()
    request.session.pop(PENDING_CODE_KEY, None)
    request.session[ACCOUNT_KEY] = account.pk
    request.session[SALT_KEY] = account.session_salt


def sign_out(request) -> None:
    for key in (ACCOUNT_KEY, SALT_KEY, PENDING_CODE_KEY):
        request.session.pop(key, None)
    request.session.cycle_key()


def current_account(request) -> HolderAccount | None:
    pk = request.session.get(ACCOUNT_KEY)
    if pk is None:
        return None
    account = HolderAccount.objects.select_related("card").filter(pk=pk).first()
    if account is None or account.session_salt != request.session.get(SALT_KEY):
        sign_out(request)
        return None
    return account


def holder_required(view):
    """The signed-in holder's account as `request.holder`, or the sign-in page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        account = current_account(request)
        if account is None:
            return redirect("oma:sign_in")
        request.holder = account
        return view(request, *args, **kwargs)

    return wrapper
