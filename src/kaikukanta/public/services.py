"""Changes to the public side: coordinators' area pages, venues' listings, feedback.

Each service receives the actor's scope, checks the permission itself (`require`: a
visible object the actor may not change is `NotAllowed`, 403) and writes one audit entry.
"""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from kaikukanta.accounts.models import Membership, Role
from kaikukanta.audit.services import audit_log
from kaikukanta.lib.errors import NotAllowed
from kaikukanta.lib.permissions import Perm, can, require
from kaikukanta.lib.scope import Scope
from kaikukanta.network.models import Area, OrganisationKind, Unit
from kaikukanta.public import ratelimit, selectors
from kaikukanta.public.errors import (
    FeedbackEmpty,
    FeedbackNotSent,
    FeedbackRejected,
    FeedbackTooFast,
)
from kaikukanta.public.models import AreaPage, Feedback, OfferListing, UnitListing
from kaikukanta.usage.models import Offer

AREA_PAGE_FIELDS = ("name_sv", "name_en", "text_fi", "text_sv", "text_en", "contact_email",
                    "contact_phone", "feedback_email")
UNIT_LISTING_FIELDS = ("street_address", "postal_code", "post_office", "service_kind",
                       "step_free", "induction_loop", "accessibility_fi", "accessibility_sv",
                       "accessibility_en")


def can_edit_area_page(scope: Scope, area: Area) -> bool:
    return can(scope, Perm.COORDINATE_AREA, area)


def can_edit_unit_listing(scope: Scope, unit: Unit) -> bool:
    """A venue's own whole-organisation staff for its sites; the area's coordinator of the
    unit's side (culture: venues, welfare: distributors)."""
    org = unit.organisation
    if org.kind == OrganisationKind.VENUE and can(scope, Perm.MANAGE_OFFERS, org):
        return True
    return org.kind != OrganisationKind.TICKET_SELLER and can(
        scope, Perm.MANAGE_ORGANISATION, org)


def _apply(obj, fields: tuple[str, ...], values: dict) -> dict:
    """Set the given fields; returns what changed for the audit log (long texts only as
    "changed", not copied into the log)."""
    changed = {}
    for name in fields:
        if name in values and getattr(obj, name) != values[name]:
            changed[name] = "…" if name.startswith("text_") else values[name]
            setattr(obj, name, values[name])
    return changed


@transaction.atomic
def area_page_save(*, scope: Scope, area: Area, **values) -> AreaPage:
    require(scope, Perm.COORDINATE_AREA, area)
    page, _created = AreaPage.objects.select_for_update().get_or_create(area=area)
    changed = _apply(page, AREA_PAGE_FIELDS, values)
    page.updated_by_id = scope.user_id
    page.full_clean()
    page.save()
    if changed:
        audit_log(action="public.area_page_saved", scope=scope, target=page, area=area,
                  changes=changed)
    return page


@transaction.atomic
def unit_listing_save(*, scope: Scope, unit: Unit, **values) -> UnitListing:
    if not can_edit_unit_listing(scope, unit):
        raise NotAllowed()
    listing, _created = UnitListing.objects.select_for_update().get_or_create(unit=unit)
    changed = _apply(listing, UNIT_LISTING_FIELDS, values)
    listing.full_clean()
    listing.save()
    if changed:
        audit_log(action="public.unit_listing_saved", scope=scope, target=unit,
                  area=unit.organisation.home_area, organisation=unit.organisation,
                  changes=changed)
    return listing


@transaction.atomic
def offers_publicity_set(*, scope: Scope, venue, public_ids: set[int]) -> int:
    """Set which of the venue's offers are on the public pages: those in `public_ids`
    are, the venue's others are not. Returns how many changed."""
    require(scope, Perm.MANAGE_OFFERS, venue)
    offers = list(Offer.objects.filter(venue=venue).select_related("public_listing"))
    changed = 0
    for offer in offers:
        want = offer.pk in public_ids
        if want == selectors.offer_is_public(offer):
            continue
        OfferListing.objects.update_or_create(offer=offer, defaults={"is_public": want})
        audit_log(action="public.offer_listed" if want else "public.offer_unlisted",
                  scope=scope, target=offer, area=venue.home_area, organisation=venue)
        changed += 1
    return changed


# --- feedback ----------------------------------------------------------------------
FEEDBACK_PER_HOUR = 5
FEEDBACK_MIN_SECONDS = 3


def feedback_receive(*, area: Area, message: str, reply_email: str = "", client: str,
                     honeypot: str = "", seconds_on_form: float | None = None,
                     language: str = "fi") -> Feedback:
    """Store a public message for the area and email it to the area's feedback address
    (or its coordinators when the area has none). Spam is held off by a field people do
    not see (`honeypot`), a minimum time on the form and a limit per client address."""
    if honeypot or (seconds_on_form is not None and seconds_on_form < FEEDBACK_MIN_SECONDS):
        raise FeedbackRejected()
    message = (message or "").strip()
    if not message:
        raise FeedbackEmpty()
    limit = getattr(settings, "KAIKUKANTA_FEEDBACK_PER_HOUR", FEEDBACK_PER_HOUR)
    if not ratelimit.hit("feedback", client, limit=limit, window=3600)[0]:
        raise FeedbackTooFast()
    item = Feedback(area=area, message=message, reply_email=(reply_email or "").strip(),
                    language=language)
    item.full_clean()
    with transaction.atomic():  # a message that cannot be mailed is not kept either
        item.save()
        try:
            _feedback_mail(item)
        except (OSError, smtplib.SMTPException) as exc:
            raise FeedbackNotSent() from exc
    return item


def feedback_recipients(area: Area) -> list[str]:
    page = AreaPage.objects.filter(area=area).first()
    if page and page.feedback_email:
        return [page.feedback_email]
    return sorted(set(Membership.objects.filter(
        area=area, role__in=[Role.CULTURE_COORDINATOR, Role.WELFARE_COORDINATOR],
        user__is_active=True).values_list("user__email", flat=True)))


def _feedback_mail(item: Feedback) -> None:
    recipients = feedback_recipients(item.area)
    if not recipients:
        return
    with translation.override("fi"):
        subject = render_to_string("public/email/feedback_subject.txt",
                                   {"item": item}).strip()
        body = render_to_string("public/email/feedback.txt", {"item": item})
    # The public may give a reply address: answering the mail reaches them.
    mail = EmailMessage(subject=" ".join(subject.split()), body=body, to=recipients,
                        reply_to=[item.reply_email] if item.reply_email else None,
                        from_email=settings.DEFAULT_FROM_EMAIL)
    mail.send(fail_silently=False)


@transaction.atomic
def feedback_mark_handled(*, scope: Scope, item: Feedback) -> Feedback:
    """Mark handled; the reply address is erased then (it was needed only to answer)."""
    require(scope, Perm.COORDINATE_AREA, item.area)
    item = Feedback.objects.select_for_update().get(pk=item.pk)
    if item.handled_at is None:
        item.handled_at = timezone.now()
        item.handled_by_id = scope.user_id
        item.reply_email = ""
        item.save(update_fields=["handled_at", "handled_by_id", "reply_email"])
        audit_log(action="public.feedback_handled", scope=scope, target=item, area=item.area)
    return item

