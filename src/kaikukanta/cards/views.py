"""Pages of the card registry. Views parse input, check permissions and call the card
services; every list starts from `for_scope(request.scope)` and anything outside it is 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaikukanta.cards import forms, printing, selectors, services
from kaikukanta.cards.errors import CardCorrectionTooLate, CardUnknown
from kaikukanta.cards.models import (
    HOLDER_FIELDS,
    BatchPrint,
    Card,
    CardBatch,
    CardKind,
    CardStatus,
    PrintStatus,
)
from kaikukanta.cards.validity import RULE_TEXT
from kaikukanta.lib.errors import DomainError
from kaikukanta.lib.formatting import day
from kaikukanta.lib.forms import add_domain_error
from kaikukanta.lib.permissions import Perm, can
from kaikukanta.lib.scope import get_visible_or_404
from kaikukanta.lib.views import form_page
from kaikukanta.network.models import OrganisationKind, Unit
from kaikukanta.network.selectors import coordinated_areas
from kaikukanta.usage import guessing
from kaikukanta.usage.selectors import uses_of_card

MOBILE_PERSON = "X"
MOBILE_ORGANISATION = "Z"


def _issuing_units(scope):
    """The distributor units where the scope may issue cards."""
    units = (Unit.objects.for_scope(scope).filter(pk__in=scope.distributor_unit_ids)
             .select_related("organisation__home_area"))
    return [u for u in units if can(scope, Perm.ISSUE_CARDS, u)]


def _unit_queryset(scope, units):
    return (Unit.objects.for_scope(scope).filter(pk__in=[u.pk for u in units])
            .select_related("organisation"))


def _card(request, number: str) -> Card:
    return get_visible_or_404(
        Card.objects.select_related("unit__organisation", "area", "batch", "replaces"),
        request.scope, number=number,
    )


def _require_issuer(request, card: Card) -> None:
    if card.unit is None or not can(request.scope, Perm.ISSUE_CARDS, card.unit):
        raise PermissionDenied


# --- lists and the card page ------------------------------------------------------------


@login_required
def card_list(request):
    scope = request.scope
    if not (scope.is_national or scope.distributor_unit_ids or scope.welfare_area_ids):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    expiring = request.GET.get("expiring") == "1"
    units = list(Unit.objects.for_scope(request.scope)
                 .filter(organisation__kind=OrganisationKind.DISTRIBUTOR)
                 .select_related("organisation"))
    unit_id = request.GET.get("unit", "")
    unit_id = int(unit_id) if unit_id.isdigit() and int(unit_id) in {u.pk for u in units} else None
    cards = selectors.card_list(request.scope, query=query, status=status, expiring=expiring,
                                unit_id=unit_id)
    page = Paginator(cards, 50).get_page(request.GET.get("page"))
    statuses = [(CardStatus.ACTIVE, _("Valid")), (selectors.EXPIRED, _("Expired")),
                (CardStatus.INACTIVE, _("Inactivated"))]
    return render(request, "cards/card_list.html", {
        "page": page, "q": query, "status": status, "expiring": expiring,
        "statuses": statuses, "can_issue": bool(_issuing_units(request.scope)),
        "units": units if len(units) > 1 else [], "unit_id": unit_id,
    })


@login_required
def card_detail(request, number: str):
    """A card's status, validity, holder facts, history and uses (with those of the cards
    it replaced, so the holder's history continues)."""
    card = _card(request, number)
    events = card.events.select_related("unit__organisation", "by")
    successor = Card.objects.filter(replaces=card).first()
    can_issue = card.unit is not None and can(request.scope, Perm.ISSUE_CARDS, card.unit)
    from kaikukanta.wellbeing.services import open_time_points

    # only whether the questionnaire can be offered now; never whether or what was answered
    wellbeing_open = (can_issue and card.kind == CardKind.PERSONAL
                      and card.status == CardStatus.ACTIVE and bool(open_time_points(card)))
    return render(request, "cards/card_detail.html", {
        "wellbeing_open": wellbeing_open,
        "card": card, "events": events, "successor": successor,
        "uses": uses_of_card(card)[:USES_SHOWN], "uses_shown": USES_SHOWN,
        "rule": RULE_TEXT,
        "valid_today": card.is_valid_on(timezone.localdate()),
        "can_issue": can_issue,
        "can_correct": can_issue and services.correctable(card),
        "can_replace": can_issue and successor is None
        and card.status in (CardStatus.ACTIVE, CardStatus.INACTIVE),
        "can_move": card.unit is not None and can(request.scope, Perm.MOVE_CARD, card),
        "can_void": card.status == CardStatus.UNUSED and card.batch is not None
        and can(request.scope, Perm.MANAGE_CARD_STOCK, card.batch.area),
    })


USES_SHOWN = 50


# --- registering ----------------------------------------------------------------------


@login_required
def card_register(request):
    units = _issuing_units(request.scope)
    if not units:
        raise PermissionDenied

    def holder(d) -> dict:
        # what the holder told (the municipality follows from the postal code)
        return {k: d[k] for k in HOLDER_FIELDS if k != "municipality"}

    def is_mobile(d) -> bool:
        return d["number"].strip().upper() == MOBILE_PERSON

    def register(d):
        if is_mobile(d):
            return services.card_register_mobile(scope=request.scope, unit=d["unit"],
                                                 **holder(d))
        return guessing.call_resolving(
            request.scope, d["number"],
            lambda: services.card_register(scope=request.scope, unit=d["unit"],
                                           number=d["number"], issued_on=d["issued_on"],
                                           **holder(d)))

    def every_problem(error: DomainError, d) -> list[DomainError]:
        # Show every broken rule at once, so the form is fixed in one go – but say
        # something about the number only when the registration resolved it (and so
        # counted it against the guessing limit, `usage.guessing`).
        if error.code == "lookup_throttled":
            return [error]
        mobile = is_mobile(d)
        resolved = error.code == "card_unknown" or error.code in guessing.CARD_EXISTS_CODES
        problems = services.registration_problems(
            number=d["number"] if resolved and not mobile else None,
            issued_on=None if mobile else d["issued_on"], **holder(d))
        if not resolved and not mobile:
            try:  # its form can be checked without looking it up
                selectors.parse_number(d["number"])
            except DomainError as format_error:
                problems.insert(0, format_error)
        return problems

    return form_page(
        request,
        forms.RegisterForm(request.POST or None, units=_unit_queryset(request.scope, units)),
        call=register, problems=every_problem,
        done=lambda card: _("Card %(number)s is registered and valid until %(date)s.") % {
            "number": card.display_number,
            "date": day(card.valid_until)},
        redirect_to=_card_page, template="cards/register.html", context={"rule": RULE_TEXT})


@login_required
def community_card_issue(request):
    units = _issuing_units(request.scope)
    if not units:
        raise PermissionDenied
    def issue(d):
        number = d["number"].strip()
        if number.upper() == MOBILE_ORGANISATION:
            number = ""

        def run():
            return services.community_card_issue(scope=request.scope, unit=d["unit"],
                                                 number=number or None)

        return guessing.call_resolving(request.scope, number, run) if number else run()

    return form_page(
        request,
        forms.CommunityCardForm(request.POST or None, units=_unit_queryset(request.scope, units)),
        call=issue,
        done=lambda card: _("Community card %(number)s is issued.") % {
            "number": card.display_number},
        redirect_to=_card_page, template="cards/community_form.html")


# --- the card's life ------------------------------------------------------------------


def _card_page(card: Card) -> str:
    return reverse("cards:card_detail", kwargs={"number": card.number})


def _action(request, number: str, *, form_class, title: str, call, done: str,
            permission: str = "issue", form_kwargs=None, initial=None, closed=None):
    """`closed(card)` returns the rule's error when the action is no longer possible for
    this card: the page then says so instead of offering a form the service would refuse."""
    card = _card(request, number)
    if permission == "issue":
        _require_issuer(request, card)
    elif not can(request.scope, Perm.MOVE_CARD, card):
        raise PermissionDenied
    error = closed(card) if closed else None
    if error is not None:
        return render(request, "cards/card_action.html",
                      {"card": card, "title": title, "closed": error.render()},
                      status=200 if request.method == "GET" else error.http_status)
    kwargs = form_kwargs(card) if form_kwargs else {}
    form = form_class(request.POST or None, initial=initial(card) if initial else None,
                      **kwargs)
    return form_page(
        request, form, call=lambda d: call(card, d),
        done=lambda result: done % {"number": result.display_number},
        redirect_to=_card_page, template="cards/card_action.html",
        context={"card": card, "title": title, "rule": RULE_TEXT})


@login_required
def card_renew(request, number: str):
    return _action(
        request, number, form_class=forms.RenewForm, title=_("Renew the card"),
        call=lambda card, d: services.card_renew(scope=request.scope, card=card, on=d["on"],
                                                 early=d["early"]),
        done=_("Card %(number)s is renewed."),
    )


@login_required
def card_correct(request, number: str):
    return _action(
        request, number, form_class=forms.CorrectForm,
        title=_("Correct the birth year or postal code"),
        initial=lambda card: {"birth_year": card.birth_year, "postal_code": card.postal_code},
        call=lambda card, d: services.card_correct(
            scope=request.scope, card=card, birth_year=d["birth_year"],
            postal_code=d["postal_code"]),
        done=_("The birth year and postal code of card %(number)s are corrected."),
        closed=lambda card: (None if services.correctable(card)
                             else CardCorrectionTooLate(days=services.CORRECTION_DAYS)),
    )


@login_required
def card_update(request, number: str):
    def initial(card):
        return {k: getattr(card, k) for k in ("children", "gender", "life_situation",
                                              "preferred_language")}

    return _action(
        request, number, form_class=forms.UpdateForm, title=_("Update the card's data"),
        initial=initial,
        call=lambda card, d: services.card_update(
            scope=request.scope, card=card, children=d["children"], gender=d["gender"],
            life_situation=d["life_situation"], preferred_language=d["preferred_language"]),
        done=_("The data of card %(number)s are updated."),
    )


@login_required
def card_inactivate(request, number: str):
    return _action(
        request, number, form_class=forms.InactivateForm, title=_("Inactivate the card"),
        call=lambda card, d: services.card_inactivate(scope=request.scope, card=card,
                                                      reason=d["reason"]),
        done=_("Card %(number)s is inactivated."),
    )


@login_required
def card_replace(request, number: str):
    return _action(
        request, number, form_class=forms.ReplaceForm, title=_("Replace with a new card"),
        call=lambda card, d: guessing.call_resolving(
            request.scope, d["new_number"],
            lambda: services.card_replace(scope=request.scope, card=card,
                                          new_number=d["new_number"], reason=d["reason"])),
        done=_("The new card %(number)s replaces the old one."),
    )


@login_required
def card_void(request, number: str):
    card = _card(request, number)
    if card.batch is None or not can(request.scope, Perm.MANAGE_CARD_STOCK, card.batch.area):
        raise PermissionDenied
    return form_page(
        request, forms.VoidForm(request.POST or None),
        call=lambda d: services.card_void(scope=request.scope, card=card),
        done=_("Number %(number)s is voided.") % {"number": card.display_number},
        redirect_to=_card_page, template="cards/card_action.html",
        context={"card": card, "title": _("Void the number"), "rule": RULE_TEXT})


@login_required
def card_move(request, number: str):
    def form_kwargs(card):
        units = (Unit.objects.for_scope(request.scope)
                 .filter(organisation__kind=OrganisationKind.DISTRIBUTOR, is_active=True,
                         organisation__is_active=True)
                 .exclude(pk=card.unit_id).select_related("organisation"))
        if not request.scope.is_national:
            units = units.filter(organisation__home_area__in=request.scope.welfare_area_ids)
        return {"units": units}

    return _action(
        request, number, form_class=forms.MoveForm, title=_("Move to another unit"),
        permission="move", form_kwargs=form_kwargs,
        call=lambda card, d: services.card_move(scope=request.scope, card=card,
                                                unit=d["unit"]),
        done=_("Card %(number)s is moved."),
    )


# --- card stock -----------------------------------------------------------------------


def _stock_areas(scope):
    return coordinated_areas(scope)


@login_required
def batch_list(request):
    areas = _stock_areas(request.scope)
    if not areas.exists():
        raise PermissionDenied
    find = forms.FindNumberForm(request.GET if "number" in request.GET else None)
    if find.is_bound and find.is_valid() and find.cleaned_data["number"].strip():
        try:
            wanted = selectors.parse_number(find.cleaned_data["number"])
        except DomainError as error:
            add_domain_error(find, error)
        else:
            card = Card.objects.for_scope(request.scope).filter(number=wanted).first()
            if card is not None:
                return redirect("cards:card_detail", number=card.number)
            find.add_error("number", str(CardUnknown()))
    batches = (CardBatch.objects.for_scope(request.scope).select_related("area", "created_by")
               .annotate(unused=Count("cards", filter=Q(cards__status=CardStatus.UNUSED)))
               .order_by("-created_at", "-id"))
    page = Paginator(batches, 50).get_page(request.GET.get("page"))
    for batch in page:
        batch.parts = printing.parts(batch.size)
    return render(request, "cards/batch_list.html", {"page": page, "find": find})


@login_required
def batch_create(request):
    areas = _stock_areas(request.scope)
    if not areas.exists():
        raise PermissionDenied
    return form_page(
        request, forms.BatchForm(request.POST or None, areas=areas),
        call=lambda d: services.batch_create(scope=request.scope, area=d["area"],
                                             count=d["count"], kind=d["kind"]),
        done=lambda batch: _("A batch of %(count)s card numbers is made. Download it for "
                             "printing below.") % {"count": batch.size},
        redirect_to="cards:batch_list", template="cards/batch_form.html")


@login_required
def batch_pdf(request, pk: int):
    batch = get_visible_or_404(CardBatch.objects.select_related("area"), request.scope, pk=pk)
    try:
        part = int(request.GET.get("part", "1"))
    except ValueError:
        raise Http404 from None
    if part < 1 or (part - 1) * printing.PART_SIZE >= max(batch.size, 1):
        raise Http404
    start = (part - 1) * printing.PART_SIZE
    numbers = list(batch.cards.order_by("number").values_list("number", flat=True)
                   [start:start + printing.PART_SIZE])
    pdf = printing.batch_pdf(numbers, community=batch.kind == CardKind.COMMUNITY,
                             title=f"Kaikukortti {batch.area.name} #{batch.pk}")
    response = HttpResponse(pdf, content_type="application/pdf")
    suffix = f"-part-{part}" if batch.size > printing.PART_SIZE else ""
    response["Content-Disposition"] = (
        f'attachment; filename="kaikukortti-batch-{batch.pk}{suffix}.pdf"')
    return response


@login_required
@require_POST
def batch_print_request(request, pk: int):
    """One PDF of the whole batch, made in the background; then its progress page."""
    batch = get_visible_or_404(CardBatch.objects.select_related("area"), request.scope, pk=pk)
    if not can(request.scope, Perm.MANAGE_CARD_STOCK, batch.area):
        raise PermissionDenied
    job = services.batch_print_request(scope=request.scope, batch=batch)
    return redirect("cards:batch_print", pk=job.pk)


def _visible_print(request, pk: int) -> BatchPrint:
    job = get_object_or_404(BatchPrint.objects.select_related("batch__area"), pk=pk)
    if not CardBatch.objects.for_scope(request.scope).filter(pk=job.batch_id).exists():
        raise Http404
    return job


@login_required
def batch_print(request, pk: int):
    """The PDF's progress (the page, or ?format=json for the page's script)."""
    job = _visible_print(request, pk)
    if request.GET.get("format") == "json":
        return JsonResponse({"status": job.status, "status_label": job.get_status_display(),
                             "done": job.done, "total": job.total, "percent": job.percent,
                             "finished": job.finished})
    return render(request, "cards/batch_print.html", {"job": job})


@login_required
def batch_print_download(request, pk: int):
    job = _visible_print(request, pk)
    if job.status != PrintStatus.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, content_type="application/pdf",
                        filename=f"kaikukortti-batch-{job.batch_id}.pdf")
