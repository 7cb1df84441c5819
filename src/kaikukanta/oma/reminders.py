"""Expiry reminders: an email to holders who gave an address in OmaKaiku, once per card
validity, `OMA_REMINDER_DAYS` before the card's last valid day, telling where to renew.

The worker's daily job (`oma.tasks.expiry_reminders_run`, see `ops.scheduler`) calls
`expiry_reminders_send`. What the email holds, and what it never holds:

- the last valid day, the issuing unit (its name, organisation and municipality: the card
  is renewed where it was received) and links to OmaKaiku and to turning reminders off;
- the card number only as its last four characters. An email can be forwarded, read on a
  shared computer or kept by a mail provider, and the full number is what OmaKaiku's
  sign-in and a desk look-up start from; four characters are enough to tell two cards
  of one household apart;
- nothing else about the holder: no birth year, postal code, uses or children.

Written in the holder's OmaKaiku language. "Nobody twice": `HolderEmail.reminded_for`
keeps the validity day a reminder was sent for, claimed by a conditional update in the
same transaction that queues the email (the email goes out after the commit).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kaikukanta.cards.models import Card, CardStatus
from kaikukanta.lib.email import email_enqueue
from kaikukanta.oma import selectors
from kaikukanta.oma.models import HolderEmail

OFF_SALT = "kaikukanta.oma.reminders-off"


def _address_tag(email: str) -> str:
    # A link's token is readable (signed, not encrypted) and lands in access logs: it
    # carries a keyed hash of the address, never the address.
    return salted_hmac(OFF_SALT, email.strip().lower()).hexdigest()[:16]


def off_token(row: HolderEmail) -> str:
    """The opt-out link's token: signed, no expiry (an old email's link keeps working);
    bound to the address, so it stops working when the address is removed or changed."""
    return signing.dumps({"e": row.pk, "t": _address_tag(row.email)}, salt=OFF_SALT)


def row_for_off_token(token: str) -> HolderEmail | None:
    try:
        data = signing.loads(token, salt=OFF_SALT)
    except signing.BadSignature:
        return None
    row = HolderEmail.objects.filter(pk=data.get("e")).first()
    if row is None or not constant_time_compare(_address_tag(row.email), data.get("t", "")):
        return None
    return row


def reminders_set(*, row: HolderEmail, on: bool) -> None:
    """Turn the holder's expiry reminders on or off."""
    HolderEmail.objects.filter(pk=row.pk).update(reminders=on)
    row.reminders = on


def _due_card(row: HolderEmail, today: datetime.date, last_day: datetime.date) -> Card | None:
    """The account's card today, if it is active and its last valid day is between today
    and `last_day`."""
    card = selectors.current_card(row.account)
    if (card.status == CardStatus.ACTIVE and card.valid_until is not None
            and today <= card.valid_until <= last_day):
        return card
    return None


def _message(row: HolderEmail, card: Card) -> tuple[str, str]:
    unit = card.unit
    place = unit.name if unit else ""
    if unit and unit.organisation_id:
        place += f", {unit.organisation.name}"
    if unit and unit.municipality_id:
        place += f" ({unit.municipality})"
    day = date_format(card.valid_until, "j.n.Y")  # as on the holder's card page
    subject = _("Your Kaikukortti is valid until %(day)s") % {"day": day}
    body = _(
        "Hello,\n\n"
        "your Kaikukortti (the card ending in %(end)s) is valid until %(day)s.\n\n"
        "You renew the card where you got it: %(place)s.\n\n"
        "Your card in OmaKaiku: %(oma_url)s\n\n"
        "You get this reminder because you gave your email address in OmaKaiku. "
        "To get no more reminders: %(off_url)s\n"
    ) % {
        "end": card.number[-4:], "day": day, "place": place,
        "oma_url": settings.SITE_URL + reverse("oma:sign_in"),
        "off_url": settings.SITE_URL + reverse("oma:reminders_off", args=[off_token(row)]),
    }
    return subject, body


def expiry_reminders_send(*, today: datetime.date | None = None) -> int:
    """Queue one reminder for every holder who gave an email, wants reminders, and whose
    card's last valid day is within `OMA_REMINDER_DAYS` and not yet reminded of. Returns
    how many were queued. Safe to run again (or twice at once): nobody gets two."""
    today = today or timezone.localdate()
    last_day = today + datetime.timedelta(days=settings.OMA_REMINDER_DAYS)
    # A first cut in SQL: the account's own card is due, or it has been replaced (the
    # newest card of the chain decides, below).
    rows = (HolderEmail.objects.filter(reminders=True)
            .filter(Q(account__card__valid_until__range=(today, last_day))
                    | Q(account__card__replaced_by__isnull=False))
            .select_related("account__card").order_by("pk"))
    sent = 0
    for row in rows.iterator(chunk_size=200):
        card = _due_card(row, today, last_day)
        if card is None or row.reminded_for == card.valid_until:
            continue
        with transaction.atomic():
            claimed = (HolderEmail.objects.filter(pk=row.pk, reminders=True)
                       .exclude(reminded_for=card.valid_until)
                       .update(reminded_for=card.valid_until))
            if not claimed:
                continue  # another run got there first
            with translation.override(row.account.language or settings.LANGUAGE_CODE):
                subject, body = _message(row, card)
            email_enqueue(subject=subject, body=body, to=[row.email])
        sent += 1
    return sent
