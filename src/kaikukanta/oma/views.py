"""The holder's side of OmaKaiku (`/oma/`): activation, sign-in, the card, uses, offers,
the holder's data, closing the account and the mobile card.

A separate, simple frame (`oma/base.html`), a separate session (`oma.session`), no staff
User. Pages work without JavaScript; only passkeys and the refreshing QR code need it.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kaikukanta.cards.models import CardStatus
from kaikukanta.lib.compression import never_compress
from kaikukanta.lib.errors import DomainError
from kaikukanta.oma import (
    attempts,
    data_export,
    links,
    reminders,
    selectors,
    services,
    session,
)
from kaikukanta.oma.forms import (
    CodeForm,
    EmailForm,
    EmailLinkForm,
    OfferFilterForm,
    PasswordForm,
    SignInForm,
)
from kaikukanta.oma.models import ActivationCode, HolderEmail
from kaikukanta.oma.session import holder_required

# Signing out removes the offline copy of the card (service worker cache, last token).
CLEAR_CARD = '"cache", "storage"'


def _form_error(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc))


def _status(exc: DomainError) -> int:
    return 429 if exc.http_status == 429 else 200


# --- sign-in and activation -------------------------------------------------------------

@never_cache
def sign_in(request):
    if session.current_account(request) is not None:
        return redirect("oma:home")
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            account = services.sign_in_password(
                number_text=form.cleaned_data["number"], password=form.cleaned_data["password"],
                client=attempts.client_of(request))
        except DomainError as exc:
            _form_error(form, exc)
            status = _status(exc)
        else:
            session.sign_in(request, account)
            return redirect("oma:home")
    return render(request, "oma/holder/sign_in.html", {"form": form}, status=status)


@never_cache
def activate(request):
    initial = {"number": request.GET.get("card", ""), "code": request.GET.get("code", "")}
    form = CodeForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            row = services.code_check(number_text=form.cleaned_data["number"],
                                      code_text=form.cleaned_data["code"],
                                      client=attempts.client_of(request))
        except DomainError as exc:
            _form_error(form, exc)
            status = _status(exc)
        else:
            session.sign_out(request)
            request.session[session.PENDING_CODE_KEY] = row.pk
            return redirect("oma:choose")
    return render(request, "oma/holder/activate.html", {"form": form}, status=status)


def _pending_code(request) -> ActivationCode | None:
    pk = request.session.get(session.PENDING_CODE_KEY)
    if pk is None:
        return None
    return ActivationCode.objects.open().select_related("card").filter(pk=pk).first()


@never_cache
def choose(request):
    """After a correct code: choose a password (and maybe an email) or a passkey."""
    code = _pending_code(request)
    if code is None:
        messages.error(request, _("Type your card number and code first."))
        return redirect("oma:activate")
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.account_activate(
                code=code, password=form.cleaned_data["password"],
                email=form.cleaned_data["email"], language=get_language())
        except DomainError as exc:
            _form_error(form, exc)
        else:
            session.sign_in(request, account)
            messages.success(request, _("OmaKaiku is ready. Next time, sign in with your card "
                                        "number and password."))
            return redirect("oma:home")
    return render(request, "oma/holder/choose.html", {"form": form, "card": code.card})


@require_POST
def sign_out(request):
    session.sign_out(request)
    messages.success(request, _("You have signed out."))
    response = redirect("oma:sign_in")
    response["Clear-Site-Data"] = CLEAR_CARD
    return response


@never_cache
def email_link(request):
    """Ask for a sign-in link by email. The answer is the same whether or not the address
    belongs to an account."""
    form = EmailLinkForm(request.POST or None)
    sent = False
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            links.send_sign_in_link(request, email=form.cleaned_data["email"])
        except DomainError as exc:
            _form_error(form, exc)
            status = _status(exc)
        else:
            sent = True
    return render(request, "oma/holder/email_link.html", {"form": form, "sent": sent},
                  status=status)


@never_cache
def email_link_use(request, token: str):
    try:
        account = links.account_for_link(token)
    except DomainError as exc:
        return render(request, "oma/holder/link_failed.html", {"error": exc}, status=400)
    if request.method == "POST":
        links.mark_used(token)
        session.sign_in(request, account)
        return redirect("oma:home")
    # A GET only shows a button, so mail scanners that open links do not use them up.
    return render(request, "oma/holder/link_confirm.html")


# --- what the holder sees ---------------------------------------------------------------

def _card_context(request):
    card = selectors.current_card(request.holder)
    today = timezone.localdate()
    return {
        "card": card, "valid_today": card.is_valid_on(today),
        "expires_soon": selectors.expires_soon(card, today),
        "expired": card.status == CardStatus.ACTIVE and card.valid_until is not None
        and card.valid_until < today,
        "replaced_from": request.holder.card if request.holder.card_id != card.pk else None,
    }


@never_cache
@holder_required
def home(request):
    from kaikukanta.wellbeing.services import holder_may_answer

    context = _card_context(request)
    context["wellbeing_open"] = holder_may_answer(context["card"])
    return render(request, "oma/holder/home.html", context)


@never_cache
@holder_required
def uses(request):
    from kaikukanta.wellbeing.services import answered_uses, mood_open

    rows = list(selectors.holder_uses(request.holder)[:200])
    answered = answered_uses(u.pk for u in rows)
    for u in rows:  # the mood meter: offered once per visit, for recent visits
        u.mood_open = u.pk not in answered and mood_open(u)
    return render(request, "oma/holder/uses.html", {"uses": rows})


@never_cache
@holder_required
def offers(request):
    from kaikukanta.usage.models import Category

    card = selectors.current_card(request.holder)
    where_choices = [("", _("Everywhere (nearest first)"))]
    if card.municipality_id:
        where_choices.append(("own", _("My municipality: %(name)s") % {"name": card.municipality}))
    if card.area_id:
        where_choices.append(("area", _("My area: %(name)s") % {"name": card.area}))
    form = OfferFilterForm(request.GET or None, where_choices=where_choices,
                           category_choices=Category.choices)
    filters = {}
    if form.is_valid():
        d = form.cleaned_data
        if d["where"] == "own":
            filters["municipality"] = card.municipality
        elif d["where"] == "area":
            filters["area"] = card.area
        filters.update(category=d["category"], children=d["children"], text=d["q"].strip())
    rows = list(selectors.offers_now(card=card, **filters)[:100])
    return render(request, "oma/holder/offers.html", {"form": form, "offers": rows,
                                                        "card": card})


@never_cache
@holder_required
def my_data(request):
    context = _card_context(request)
    context["email"] = HolderEmail.objects.filter(account=request.holder).first()
    context["passkeys"] = list(request.holder.passkeys.all())
    row = context["email"]
    context["email_form"] = EmailForm(initial={"email": row.email if row else "",
                                               "reminders": row.reminders if row else True})
    return render(request, "oma/holder/my_data.html", context)


@holder_required
def data_json(request):
    response = JsonResponse(data_export.holder_data(request.holder),
                            json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="omakaiku.json"'
    response["Cache-Control"] = "no-store"
    return response


@holder_required
def data_pdf(request):
    response = HttpResponse(data_export.holder_pdf(request.holder),
                            content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="omakaiku.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@holder_required
@require_POST
def email_change(request):
    form = EmailForm(request.POST)
    if form.is_valid():
        try:
            services.email_set(account=request.holder, email=form.cleaned_data["email"],
                               reminders=form.cleaned_data["reminders"])
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Saved.") if form.cleaned_data["email"]
                             else _("The email address was removed."))
    else:
        messages.error(request, _("Check the email address."))
    return redirect("oma:my_data")


@never_cache
@holder_required
def password_change(request):
    form = PasswordForm(request.POST or None)
    form.fields.pop("email")
    if request.method == "POST" and form.is_valid():
        services.password_set(account=request.holder, password=form.cleaned_data["password"])
        session.sign_in(request, request.holder)
        messages.success(request, _("Your new password is saved."))
        return redirect("oma:my_data")
    return render(request, "oma/holder/password.html", {"form": form})


@never_cache
@holder_required
def close(request):
    if request.method == "POST":
        services.account_close(account=request.holder)
        session.sign_out(request)
        response = render(request, "oma/holder/closed.html")
        response["Clear-Site-Data"] = CLEAR_CARD
        return response
    return render(request, "oma/holder/close.html", _card_context(request))


# --- expiry reminders -------------------------------------------------------------------

@never_cache
def reminders_off(request, token: str):
    """The link in a reminder email: turns reminders off without signing in. Asks first,
    so that a mail program that opens links to check them turns nothing off."""
    row = reminders.row_for_off_token(token)
    if row is None:
        return render(request, "oma/holder/reminders_off.html", {"invalid": True}, status=404)
    done = request.method == "POST"
    if done:
        reminders.reminders_set(row=row, on=False)
    return render(request, "oma/holder/reminders_off.html", {"done": done})


# --- the mobile card --------------------------------------------------------------------

def _token_context(card) -> dict:
    from kaikukanta.cards import token_signing
    from kaikukanta.oma import qr

    now = timezone.now()
    if not card.is_valid_on(timezone.localdate()):
        return {"token": None, "signed_at": now}
    token = token_signing.sign_card_token(number=card.number, kind=card.kind,
                                          children=card.children,
                                          valid_until=card.valid_until, now=now)
    return {"token": token, "signed_at": now,
            "qr": qr.svg(token, title=_("QR code of your card for the ticket desk"), scale=4)}


@never_cache
@holder_required
def show_card(request):
    card = selectors.current_card(request.holder)
    return never_compress(render(request, "oma/holder/show.html",
                                 {"card": card, **_token_context(card)}))


@never_cache
@holder_required
def show_card_token(request):
    card = selectors.current_card(request.holder)
    ctx = _token_context(card)
    if ctx["token"] is None:
        return JsonResponse({"valid": False}, status=409)
    return never_compress(JsonResponse({"valid": True, "token": ctx["token"],
                                        "qr": str(ctx["qr"]),
                                        "signed_at": ctx["signed_at"].isoformat()}))


def manifest(request):
    response = JsonResponse({
        "name": "OmaKaiku", "short_name": "OmaKaiku", "lang": get_language(),
        "start_url": reverse("oma:show"), "scope": reverse("oma:sign_in"),
        "display": "standalone", "background_color": "#ffffff", "theme_color": "#5b2a86",
        # PNGs for Android versions that take no SVG icon. They are the SVG drawn by
        # Chromium at 192 and 512 px (no SVG renderer is needed at build time); redraw
        # them when icon.svg changes.
        "icons": [
            {"src": static("oma/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": static("oma/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("oma/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }, content_type="application/manifest+json")
    return response


def service_worker(request):
    from django.contrib.staticfiles import finders

    path = finders.find("oma/sw.js")
    if path is None:
        raise Http404
    with open(path, "rb") as fh:
        response = HttpResponse(fh.read(), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = reverse("oma:sign_in")
    return response
