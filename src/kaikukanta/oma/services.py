"""Writes of OmaKaiku: distributors start and cancel activation, holders activate, sign in,
manage their sign-in means and close their account.

Rules live here once; views parse input and call these. The holder's email is written
only here and read only by the holder's own pages and the sign-in link.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction
from django.utils import timezone

from kaikukanta.audit.services import audit_log
from kaikukanta.cards import numbers
from kaikukanta.cards.models import Card, CardStatus
from kaikukanta.lib.permissions import Perm, require
from kaikukanta.lib.scope import Scope, system_scope
from kaikukanta.oma import attempts, errors
from kaikukanta.oma.models import ActivationCode, HolderAccount, HolderEmail, Passkey
from kaikukanta.oma.selectors import account_for_card

# The holder acts without identity; the audit log says "OmaKaiku".
HOLDER = system_scope("OmaKaiku")
CODE_LENGTH = 10  # 31^10 ≈ 8·10^14 possible codes, from the card-number alphabet
CODE_DAYS = 14


# --- activation codes -------------------------------------------------------------------

def code_hash(code: str) -> str:
    key = hashlib.sha256(f"oma-activation-code:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, normalise_code(code).encode(), hashlib.sha256).hexdigest()


def normalise_code(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch not in " -\t")


def display_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def oma_start(*, scope: Scope, card: Card, language: str) -> tuple[ActivationCode, str]:
    """Make a new one-time activation code for a card (any earlier open code stops
    working). Returns the code row and the code itself, which is never stored. Only the
    card's issuing unit may."""
    require(scope, Perm.ISSUE_CARDS, card.unit)
    if card.status != CardStatus.ACTIVE:
        raise errors.OmaCardNotActive()
    with transaction.atomic():
        card = Card.objects.select_for_update().get(pk=card.pk)
        if account_for_card(card) is not None:
            raise errors.OmaAlreadyInUse()
        now = timezone.now()
        ActivationCode.objects.open().filter(card=card).update(cancelled_at=now)
        code = "".join(secrets.choice(numbers.ALPHABET) for _ in range(CODE_LENGTH))
        row = ActivationCode.objects.create(
            card=card, code_hash=code_hash(code), language=language,
            created_by_id=scope.user_id,
            expires_at=now + datetime.timedelta(days=CODE_DAYS))
        audit_log(action="oma.code_created", scope=scope, target=card, area=card.area,
                  organisation=card.unit.organisation if card.unit else None,
                  changes={"valid_until": row.expires_at.date().isoformat()})
    return row, code


def oma_code_cancel(*, scope: Scope, card: Card) -> int:
    require(scope, Perm.ISSUE_CARDS, card.unit)
    with transaction.atomic():
        n = ActivationCode.objects.open().filter(card=card).update(cancelled_at=timezone.now())
        if n:
            audit_log(action="oma.code_cancelled", scope=scope, target=card, area=card.area,
                      organisation=card.unit.organisation if card.unit else None)
    return n


def code_check(*, number_text: str, code_text: str, client: str) -> ActivationCode:
    """The open activation code the holder typed (with their card number), or an error.

    A wrong card number and a wrong code get the same answer; failures are counted per
    card number and per client address."""
    number = numbers.normalise(number_text)
    attempts.check(card=number, client=client)
    row = (ActivationCode.objects.select_related("card")
           .filter(code_hash=code_hash(code_text)).first()) if code_text else None
    if row is None or row.card.number != number:
        attempts.fail(card=number, client=client)
        raise errors.ActivationCodeWrong()
    _check_code_open(row)
    attempts.clear(card=number)
    return row


def _check_code_open(row: ActivationCode) -> None:
    """Each reason a right code cannot be used has its own answer."""
    if row.used_at is not None:
        raise errors.ActivationCodeUsed()
    if row.cancelled_at is not None:
        raise errors.ActivationCodeCancelled()
    if row.expires_at <= timezone.now():
        raise errors.ActivationCodeExpired()
    _check_card_usable(row.card)


def _check_card_usable(card: Card) -> None:
    if card.status != CardStatus.ACTIVE:
        newer = Card.objects.filter(replaces=card).values_list("number", flat=True).first()
        if newer:
            raise errors.CardReplacedUseNew(field="code", number=numbers.display(newer))
        raise errors.CardNotUsable()


# --- accounts ---------------------------------------------------------------------------

def _new_salt() -> str:
    return secrets.token_hex(16)


def check_new_password(password: str) -> None:
    """Django's password validators (length, common, numeric); raises ValidationError."""
    validate_password(password)


def account_activate(*, code: ActivationCode, password: str = "", email: str = "",
                     language: str = "") -> HolderAccount:
    """Use the code once and make the holder's account (with a password, or empty when a
    passkey follows at once)."""
    with transaction.atomic():
        row = ActivationCode.objects.select_for_update().select_related("card").get(pk=code.pk)
        _check_code_open(row)
        if account_for_card(row.card) is not None:
            raise errors.ActivationCodeUsed()
        try:
            with transaction.atomic():
                account = HolderAccount.objects.create(
                    card=row.card, password=make_password(password) if password else "",
                    session_salt=_new_salt(), language=language)
        except IntegrityError as exc:  # another code of the same card won a race
            raise errors.ActivationCodeUsed() from exc
        if email:
            email_set(account=account, email=email)
        row.used_at = timezone.now()
        row.save(update_fields=["used_at"])
        audit_log(action="oma.activated", scope=HOLDER, target=row.card,
                  area=row.card.area)
    return account


def password_set(*, account: HolderAccount, password: str) -> None:
    account.password = make_password(password)
    account.session_salt = _new_salt()
    account.save(update_fields=["password", "session_salt"])


def email_set(*, account: HolderAccount, email: str, reminders: bool = True) -> None:
    """Set or (with "") remove the holder's email address, and whether it gets expiry
    reminders (oma/reminders.py)."""
    email = (email or "").strip()
    if not email:
        HolderEmail.objects.filter(account=account).delete()
        return
    try:
        with transaction.atomic():
            HolderEmail.objects.update_or_create(
                account=account, defaults={"email": email, "reminders": reminders})
    except IntegrityError as exc:
        raise errors.EmailTaken() from exc


def account_close(*, account: HolderAccount) -> None:
    """Delete the account with its password, passkeys and email. The card stays."""
    card = account.card
    with transaction.atomic():
        account.delete()  # cascades to HolderEmail and Passkey
        audit_log(action="oma.closed", scope=HOLDER, target=card, area=card.area)


# --- sign-in ----------------------------------------------------------------------------

def sign_in_password(*, number_text: str, password: str, client: str) -> HolderAccount:
    """The account whose card number and password these are, or SignInFailed (the same
    answer for an unknown number, a card without OmaKaiku and a wrong password)."""
    number = numbers.normalise(number_text)
    attempts.check(card=number, client=client)
    card = Card.objects.filter(number=number).first() if number else None
    account = account_for_card(card) if card is not None else None
    if account is None or not account.password or not check_password(password,
                                                                       account.password):
        attempts.fail(card=number, client=client)
        raise errors.SignInFailed()
    attempts.clear(card=number)
    return account


def passkey_add(*, account: HolderAccount, credential_id: str, public_key: bytes,
                sign_count: int) -> Passkey:
    return Passkey.objects.create(account=account, credential_id=credential_id,
                                  public_key=public_key, sign_count=sign_count)


def passkey_used(*, passkey: Passkey, sign_count: int) -> None:
    Passkey.objects.filter(pk=passkey.pk).update(sign_count=sign_count,
                                                 last_used_at=timezone.now())


def passkeys_remove(*, account: HolderAccount) -> None:
    Passkey.objects.filter(account=account).delete()
    account.session_salt = _new_salt()
    account.save(update_fields=["session_salt"])

