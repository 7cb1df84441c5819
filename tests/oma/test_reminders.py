"""Expiry reminders by email (oma/reminders.py): who gets one, nobody twice, opting out,
the holder's language, a closed account, and what the email never holds."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.cards import services as card_services
from kaikukanta.cards.models import Card, CardStatus
from kaikukanta.oma import services
from kaikukanta.oma.models import HolderAccount, HolderEmail
from kaikukanta.oma.reminders import expiry_reminders_send
from kaikukanta.ops.scheduler import daily_jobs_enqueue
from tests.oma.conftest import HOLDER_EMAIL, HOLDER_PASSWORD
from tests.usage.conftest import mk

TODAY = datetime.date(2026, 11, 30)


def _expires(card: Card, in_days: int) -> datetime.date:
    day = TODAY + datetime.timedelta(days=in_days)
    Card.objects.filter(pk=card.pk).update(valid_until=day)
    return day


def _holder(cast, card, email: str, language: str = "en") -> HolderAccount:
    row, _code = services.oma_start(scope=scope_for_user(cast.a.distributor), card=card,
                                    language=language)
    return services.account_activate(code=row, password=HOLDER_PASSWORD, email=email,
                                     language=language)


@pytest.fixture
def due(account, holder_card):
    """The fixture holder's card ends in 20 days."""
    _expires(holder_card, 20)
    return account


def test_a_holder_whose_card_ends_soon_gets_one_reminder_saying_where_to_renew(
        cast, due, holder_card, settings):
    settings.SITE_URL = "https://kaikukanta.example.fi"
    assert expiry_reminders_send(today=TODAY) == 1
    [message] = mail.outbox
    assert message.to == [HOLDER_EMAIL]
    assert message.subject == "Your Kaikukortti is valid until 20.12.2026"
    body = message.body
    assert "valid until 20.12.2026" in body
    assert f"the card ending in {holder_card.number[-4:]}" in body
    unit = holder_card.unit
    assert f"{unit.name}, {unit.organisation.name}" in body
    assert "https://kaikukanta.example.fi/oma/" in body
    off = re.search(r"https://kaikukanta\.example\.fi(/oma/reminders/off/\S+/)", body).group(1)
    # never the full card number, nor any holder fact
    assert holder_card.number not in body and holder_card.display_number not in body
    assert holder_card.number[:4] not in body.replace(unit.name, "")
    assert str(holder_card.birth_year) not in body and holder_card.postal_code not in body
    assert HOLDER_EMAIL.split("@")[0] not in off  # the link does not carry the address
    holder_card.refresh_from_db()
    assert HolderEmail.objects.get().reminded_for == holder_card.valid_until


@pytest.mark.parametrize(("in_days", "status", "sent"), [
    (0, CardStatus.ACTIVE, 1),  # the last valid day
    (30, CardStatus.ACTIVE, 1),
    (31, CardStatus.ACTIVE, 0),  # not yet
    (-1, CardStatus.ACTIVE, 0),  # expired already: the card page says where to renew
    (10, CardStatus.INACTIVE, 0),  # inactivated by the issuing unit
])
def test_who_gets_one(account, holder_card, in_days, status, sent):
    _expires(holder_card, in_days)
    Card.objects.filter(pk=holder_card.pk).update(status=status)
    assert expiry_reminders_send(today=TODAY) == sent
    assert len(mail.outbox) == sent


def test_holders_without_an_email_get_none(cast, holder_card, code):
    row, _text = code
    services.account_activate(code=row, password=HOLDER_PASSWORD)  # no email given
    _expires(holder_card, 5)
    assert expiry_reminders_send(today=TODAY) == 0 and mail.outbox == []


def test_nobody_gets_two_for_one_validity_but_a_renewed_card_gets_a_new_one(
        cast, due, holder_card):
    assert expiry_reminders_send(today=TODAY) == 1
    assert expiry_reminders_send(today=TODAY) == 0  # run again the same day
    for later in (1, 10, 20):  # the next days' runs
        assert expiry_reminders_send(today=TODAY + datetime.timedelta(days=later)) == 0
    assert len(mail.outbox) == 1
    # renewed: a new validity, a reminder when it in turn ends soon
    card_services.card_renew(scope=scope_for_user(cast.a.distributor),
                             card=Card.objects.get(pk=holder_card.pk))
    renewed = Card.objects.get(pk=holder_card.pk).valid_until
    assert expiry_reminders_send(today=TODAY) == 0
    assert expiry_reminders_send(today=renewed - datetime.timedelta(days=3)) == 1
    assert len(mail.outbox) == 2 and HolderEmail.objects.get().reminded_for == renewed


def test_a_replacement_card_is_the_one_reminded_of(cast, due, holder_card):
    new = mk(cast.a.unit, status=CardStatus.UNUSED, issued_on=None)
    replacement = card_services.card_replace(
        scope=scope_for_user(cast.a.distributor), card=Card.objects.get(pk=holder_card.pk),
        new_number=new.number)
    assert expiry_reminders_send(today=TODAY) == 1
    [message] = mail.outbox
    assert f"ending in {replacement.number[-4:]}" in message.body


def test_the_holders_own_language(cast, geo):
    for i, language in enumerate(["fi", "sv"]):
        card = mk(cast.a.unit)
        _expires(card, 20)
        _holder(cast, card, f"holder{i}@example.test", language)
    assert expiry_reminders_send(today=TODAY) == 2
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {"holder0@example.test": "Kaikukorttisi on voimassa 20.12.2026 asti",
                        "holder1@example.test": "Ditt Kaikukort gäller till och med 20.12.2026"}
    fi_body = next(m.body for m in mail.outbox if m.to == ["holder0@example.test"])
    assert "Uusit kortin siellä, mistä sait sen" in fi_body


def test_a_closed_account_gets_none(due):
    services.account_close(account=due)
    assert not HolderEmail.objects.exists()
    assert expiry_reminders_send(today=TODAY) == 0 and mail.outbox == []


def test_opting_out_in_omakaiku(holder_client, due):
    page = holder_client.get(reverse("oma:my_data")).content.decode()
    assert 'name="reminders"' in page and "checked" in page.split('name="reminders"')[1][:40]
    r = holder_client.post(reverse("oma:email_change"), {"email": HOLDER_EMAIL})
    assert r.status_code == 302 and HolderEmail.objects.get().reminders is False
    assert expiry_reminders_send(today=TODAY) == 0 and mail.outbox == []
    holder_client.post(reverse("oma:email_change"), {"email": HOLDER_EMAIL, "reminders": "on"})
    assert HolderEmail.objects.get().reminders is True
    assert expiry_reminders_send(today=TODAY) == 1


def test_opting_out_with_the_emails_link(client, due):
    assert expiry_reminders_send(today=TODAY) == 1
    off = re.search(r"https?://[^/\s]+(/oma/reminders/off/\S+/)", mail.outbox[0].body).group(1)
    page = client.get(off)  # opening the link (or a mail scanner) only asks
    assert page.status_code == 200 and "Yes, no more reminders" in page.content.decode()
    assert HolderEmail.objects.get().reminders is True
    page = client.post(off)
    assert page.status_code == 200 and "Reminders are off" in page.content.decode()
    assert HolderEmail.objects.get().reminders is False
    HolderEmail.objects.update(reminded_for=None)  # even when the card is due again
    assert expiry_reminders_send(today=TODAY) == 0 and len(mail.outbox) == 1
    # a forged token, and the link of an address that was changed since, do nothing
    assert client.post(off[:-3] + "xx/").status_code == 404
    HolderEmail.objects.update(reminders=True)
    HolderEmail.objects.update(email="another.address@example.test")
    assert client.post(off).status_code == 404
    assert HolderEmail.objects.get().reminders is True


def test_the_workers_daily_run_sends_them(account, holder_card, settings):
    Card.objects.filter(pk=holder_card.pk).update(
        valid_until=timezone.localdate() + datetime.timedelta(days=20))
    settings.OMA_REMINDER_HOUR = 10
    settings.RETENTION_HOUR = 3
    at = timezone.make_aware(datetime.datetime.combine(timezone.localdate(),
                                                       datetime.time(9, 30)))
    assert "oma_reminders" not in daily_jobs_enqueue(now=at)  # (other jobs may start)
    assert mail.outbox == []
    # tasks run at once in the tests (TASKS_IMMEDIATE)
    assert "oma_reminders" in daily_jobs_enqueue(now=at + datetime.timedelta(hours=1))
    assert [m.to for m in mail.outbox] == [[HOLDER_EMAIL]]
    assert "oma_reminders" not in daily_jobs_enqueue(now=at + datetime.timedelta(hours=2))
    assert len(mail.outbox) == 1
