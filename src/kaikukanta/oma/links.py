"""Sign-in links by email, for holders who gave an address. A link works once, for 30
minutes; asking for one answers the same whether or not the address is known."""

from __future__ import annotations

import hashlib

from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from kaikukanta.lib.errors import DomainError
from kaikukanta.oma import attempts
from kaikukanta.oma.models import HolderAccount, HolderEmail

SALT = "kaikukanta.oma.sign-in-link"
MAX_AGE = 30 * 60


class LinkInvalid(DomainError):
    code = "oma_link_invalid"
    message = _("This sign-in link does not work any more. Ask for a new link or sign in "
                "with your card number.")


def _used_key(token: str) -> str:
    return "oma-link-used:" + hashlib.sha256(token.encode()).hexdigest()


def send_sign_in_link(request, *, email: str) -> None:
    client = attempts.client_of(request)
    attempts.check(card="", client=client)
    attempts.fail(card="", client=client)  # every request counts: no mail bombing
    row = HolderEmail.objects.select_related("account").filter(email__iexact=email).first()
    if row is None:
        return
    account = row.account
    token = signing.dumps({"a": account.pk, "s": account.session_salt}, salt=SALT)
    url = request.build_absolute_uri(reverse("oma:email_link_use", args=[token]))
    with translation.override(account.language or translation.get_language()):
        send_mail(
            _("Your OmaKaiku sign-in link"),
            _("Open this link to sign in to OmaKaiku. It works once, for 30 minutes.\n\n"
              "%(url)s\n\nIf you did not ask for it, you can ignore this message.")
            % {"url": url},
            None, [row.email],
        )


def account_for_link(token: str) -> HolderAccount:
    if cache.get(_used_key(token)):
        raise LinkInvalid()
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature as exc:
        raise LinkInvalid() from exc
    account = HolderAccount.objects.filter(pk=data.get("a")).first()
    if account is None or account.session_salt != data.get("s"):
        raise LinkInvalid()
    return account


def mark_used(token: str) -> None:
    cache.set(_used_key(token), 1, MAX_AGE + 60)
