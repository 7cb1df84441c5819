"""Passkeys (WebAuthn) for holders, with py_webauthn. Four JSON endpoints: options and
verification for adding a passkey (right after the activation code, or later when signed
in) and for signing in with one (discoverable credentials: no card number needed)."""

from __future__ import annotations

import hashlib
import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import (
    InvalidAuthenticationResponse,
    InvalidRegistrationResponse,
)
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from kaikukanta.lib.errors import DomainError
from kaikukanta.oma import attempts, errors, services, session
from kaikukanta.oma.models import ActivationCode, HolderAccount, Passkey

REGISTER_KEY = "oma_passkey_register"
SIGN_IN_KEY = "oma_passkey_sign_in"


def _rp_id(request) -> str:
    return request.get_host().split(":")[0]


def _origin(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _user_handle(card_pk: int) -> bytes:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"oma-passkey-user:{card_pk}".encode(), hashlib.sha256).digest()[:16]


def _fail(exc: DomainError, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": exc.code, "message": str(exc)}, status=status)


def _registering(request) -> tuple[HolderAccount | None, ActivationCode | None]:
    account = session.current_account(request)
    if account is not None:
        return account, None
    pk = request.session.get(session.PENDING_CODE_KEY)
    code = (ActivationCode.objects.open().select_related("card").filter(pk=pk).first()
            if pk is not None else None)
    return None, code


@require_POST
def register_options(request):
    account, code = _registering(request)
    if account is None and code is None:
        return _fail(errors.PasskeyFailed(), 403)
    card = account.card if account else code.card
    existing = [PublicKeyCredentialDescriptor(id=_b64(p.credential_id))
                for p in (account.passkeys.all() if account else [])]
    options = generate_registration_options(
        rp_id=_rp_id(request), rp_name="OmaKaiku",
        user_name=f"OmaKaiku {card.display_number}", user_display_name="OmaKaiku",
        user_id=_user_handle(card.pk), exclude_credentials=existing,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.PREFERRED),
    )
    request.session[REGISTER_KEY] = bytes_to_base64url(options.challenge)
    return JsonResponse(json.loads(options_to_json(options)))


def _b64(text: str) -> bytes:
    from webauthn import base64url_to_bytes

    return base64url_to_bytes(text)


@require_POST
def register_verify(request):
    account, code = _registering(request)
    challenge = request.session.pop(REGISTER_KEY, None)
    if (account is None and code is None) or challenge is None:
        return _fail(errors.PasskeyFailed(), 403)
    try:
        verified = verify_registration_response(
            credential=request.body.decode(), expected_challenge=_b64(challenge),
            expected_rp_id=_rp_id(request), expected_origin=_origin(request))
    except (InvalidRegistrationResponse, ValueError, KeyError, TypeError):
        return _fail(errors.PasskeyFailed())
    try:
        if account is None:
            account = services.account_activate(code=code, language=get_language())
        services.passkey_add(account=account,
                             credential_id=bytes_to_base64url(verified.credential_id),
                             public_key=verified.credential_public_key,
                             sign_count=verified.sign_count)
    except DomainError as exc:
        return _fail(exc)
    session.sign_in(request, account)
    messages.success(request, _("Your passkey is saved. Next time, sign in with it."))
    return JsonResponse({"ok": True, "next": reverse("oma:home")})


@require_POST
def sign_in_options(request):
    options = generate_authentication_options(
        rp_id=_rp_id(request), user_verification=UserVerificationRequirement.PREFERRED)
    request.session[SIGN_IN_KEY] = bytes_to_base64url(options.challenge)
    return JsonResponse(json.loads(options_to_json(options)))


@require_POST
def sign_in_verify(request):
    client = attempts.client_of(request)
    challenge = request.session.pop(SIGN_IN_KEY, None)
    try:
        attempts.check(card="", client=client)
    except DomainError as exc:
        return _fail(exc, 429)
    try:
        body = json.loads(request.body)
        passkey = (Passkey.objects.select_related("account")
                   .filter(credential_id=str(body.get("id", ""))).first())
    except (ValueError, AttributeError):
        passkey = None
    if passkey is None or challenge is None:
        attempts.fail(card="", client=client)
        return _fail(errors.PasskeyFailed())
    try:
        verified = verify_authentication_response(
            credential=body, expected_challenge=_b64(challenge),
            expected_rp_id=_rp_id(request), expected_origin=_origin(request),
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count)
    except (InvalidAuthenticationResponse, ValueError, KeyError, TypeError):
        attempts.fail(card="", client=client)
        return _fail(errors.PasskeyFailed())
    services.passkey_used(passkey=passkey, sign_count=verified.new_sign_count)
    session.sign_in(request, passkey.account)
    return JsonResponse({"ok": True, "next": reverse("oma:home")})
