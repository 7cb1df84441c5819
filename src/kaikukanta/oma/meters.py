"""The holder's side of the wellbeing meter and the mood meter in OmaKaiku.

After saving, no page shows the answer back (not even to the holder): the answer exists
only in protected statistics, so nothing on a shared or lost phone tells it.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from kaikukanta.lib.errors import DomainError
from kaikukanta.oma import selectors
from kaikukanta.oma.session import holder_required
from kaikukanta.wellbeing import services as meters
from kaikukanta.wellbeing.forms import MeterForm, MoodForm
from kaikukanta.wellbeing.questions import WHO5_INTRO


def _form_error(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


@never_cache
@holder_required
def wellbeing(request):
    card = selectors.current_card(request.holder)
    if not meters.holder_may_answer(card):
        return render(request, "oma/holder/wellbeing_closed.html",
                      {"days": meters.ANSWER_DAYS})
    form = MeterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meters.wellbeing_answer_record_by_holder(
                card=card, items=form.items(), participation=form.participation())
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Thank you! Your answers are saved. They are used "
                                        "only in statistics, never per person."))
            return redirect("oma:home")
    return render(request, "oma/holder/wellbeing.html", {"form": form, "intro": WHO5_INTRO})


@never_cache
@holder_required
def mood(request, use_id: int):
    card = selectors.current_card(request.holder)
    chain = selectors.card_chain_back(card)
    use = selectors.holder_uses(request.holder).filter(pk=use_id).first()
    if use is None or not meters.mood_open(use):
        raise Http404
    if meters.answered_uses([use.pk]):
        messages.info(request, _("You have already told how this visit was. Thank you!"))
        return redirect("oma:uses")
    form = MoodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meters.mood_answer_record(card_ids=chain, use_id=use.pk,
                                      face=form.cleaned_data["face"],
                                      again=form.cleaned_data["again"])
        except DomainError as exc:
            if exc.http_status == 404:
                raise Http404 from exc
            _form_error(form, exc)
        else:
            messages.success(request, _("Thank you! The venue sees only answers of many "
                                        "visitors together."))
            return redirect("oma:uses")
    return render(request, "oma/holder/mood.html", {"form": form, "use": use})
