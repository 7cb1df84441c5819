"""Answers of the wellbeing meter (per card and time point) and of the mood meter.

*Wellbeing answers* belong to a card, because the change between issue and renewal is
measured on the same cards (paired). They are never shown per card: no page, export or
API reads them except the protected figures (`figures.py`). The answer keeps, as they
were when it was recorded, the facts the figures group by (the card's area and
municipality, the month it was recorded), so a published year never changes afterwards.

*Mood answers* are split in two, like a ballot and the register of who voted:
`MoodReceipt` only says that a use has been answered (one answer per use, a unique key),
and `MoodAnswer` holds the faces with the venue, site, offer, category and the month the
answer was given, with no card, no use, no date and a random key (UUID) that gives no
order. Nothing joins the two.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaikukanta.lib.cellkey import new_record_key
from kaikukanta.wellbeing.questions import MOOD_AGAIN


class Channel(models.TextChoices):
    SCREEN = "screen", _("On the staff member's screen")
    PAPER = "paper", _("From a paper form")
    OMA = "oma", _("In OmaKaiku")


def _range(field: str, low: int, high: int) -> Q:
    return Q(**{f"{field}__gte": low, f"{field}__lte": high})


class WellbeingAnswer(models.Model):
    """One card's answer at one time point: 0 = when the card was issued, n = at its n-th
    renewal. Only the five WHO-5 items (0–5) and three choices; no free text."""

    card = models.ForeignKey("cards.Card", verbose_name=_("card"), on_delete=models.PROTECT,
                             related_name="+")
    time_point = models.PositiveSmallIntegerField(_("time point"))
    # the card's area and municipality when the answer was recorded, and the month
    area = models.ForeignKey("network.Area", verbose_name=_("area"), on_delete=models.PROTECT,
                             null=True, blank=True, related_name="+")
    municipality = models.ForeignKey("geo.Municipality", verbose_name=_("municipality"),
                                     on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    month = models.DateField(_("month recorded"))
    channel = models.CharField(_("answered"), max_length=8, choices=Channel.choices)
    who1 = models.PositiveSmallIntegerField()
    who2 = models.PositiveSmallIntegerField()
    who3 = models.PositiveSmallIntegerField()
    who4 = models.PositiveSmallIntegerField()
    who5 = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField(_("WHO-5 score"))
    often = models.PositiveSmallIntegerField(null=True, blank=True)
    cost = models.PositiveSmallIntegerField(null=True, blank=True)
    belong = models.PositiveSmallIntegerField(null=True, blank=True)
    # the record key of the cell key method (`lib/cellkey.py`): random, never shown
    record_key = models.PositiveIntegerField(default=new_record_key, editable=False)

    class Meta:
        verbose_name = _("wellbeing answer")
        verbose_name_plural = _("wellbeing answers")
        constraints = [
            models.UniqueConstraint(fields=["card", "time_point"],
                                    name="wellbeing_one_answer_per_time_point"),
            models.CheckConstraint(
                name="wellbeing_items_in_range",
                condition=(_range("who1", 0, 5) & _range("who2", 0, 5) & _range("who3", 0, 5)
                           & _range("who4", 0, 5) & _range("who5", 0, 5)
                           & _range("score", 0, 100))),
            models.CheckConstraint(
                name="wellbeing_choices_in_range",
                condition=((Q(often__isnull=True) | _range("often", 0, 3))
                           & (Q(cost__isnull=True) | _range("cost", 1, 4))
                           & (Q(belong__isnull=True) | _range("belong", 1, 4)))),
        ]
        indexes = [models.Index(fields=["month", "time_point"])]

    def __str__(self) -> str:
        return f"wellbeing answer {self.pk}"


class MoodReceipt(models.Model):
    """That a use has been answered in the mood meter (not what). One per use."""

    use = models.OneToOneField("usage.Use", on_delete=models.CASCADE, primary_key=True,
                               related_name="+")

    class Meta:
        verbose_name = _("mood meter receipt")
        verbose_name_plural = _("mood meter receipts")

    def __str__(self) -> str:
        return f"mood receipt of use {self.pk}"


class MoodAnswer(models.Model):
    """One "How was it?" answer, with nothing that leads back to a card, a use or a day."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    venue = models.ForeignKey("network.Organisation", verbose_name=_("venue"),
                              on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey("network.Unit", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="+")
    offer = models.ForeignKey("usage.Offer", verbose_name=_("offer"), on_delete=models.PROTECT,
                              null=True, blank=True, related_name="+")
    area = models.ForeignKey("network.Area", verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="+")
    municipality = models.ForeignKey("geo.Municipality", verbose_name=_("municipality"),
                                     on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    category = models.CharField(_("category"), max_length=16)
    month = models.DateField(_("month answered"))
    face = models.PositiveSmallIntegerField(_("how was it"))
    again = models.CharField(_("would go again"), max_length=8, choices=MOOD_AGAIN, blank=True)
    record_key = models.PositiveIntegerField(default=new_record_key, editable=False)

    class Meta:
        verbose_name = _("mood meter answer")
        verbose_name_plural = _("mood meter answers")
        constraints = [
            models.CheckConstraint(name="mood_face_in_range", condition=_range("face", 1, 5)),
            models.CheckConstraint(name="mood_again_known",
                                   condition=Q(again__in=["", "yes", "maybe", "no"])),
        ]
        indexes = [models.Index(fields=["month", "venue"])]

    def __str__(self) -> str:
        return "mood answer"
