"""What the public pages show beyond the registry's own data, and the feedback they get.

- `AreaPage`: an area's public names, text and contact and feedback addresses (its
  coordinators edit them).
- `UnitListing`: public facts of a unit: the address as the organisation gives it, the
  accessibility of a venue site and the kind of service of a distributor unit.
- `OfferListing`: a venue's choice to keep an offer off the public pages (offers are
  public by default, so only the exceptions have a row).
- `Feedback`: a message sent with the public form of an area.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

TEXT_MAX = 4000
FEEDBACK_MAX = 3000


def _in_language(obj, stem: str) -> str:
    lang = (get_language() or "fi")[:2]
    return getattr(obj, f"{stem}_{lang}", "") or getattr(obj, f"{stem}_fi", "")


class AreaPage(models.Model):
    area = models.OneToOneField("network.Area", verbose_name=_("area"), primary_key=True,
                                on_delete=models.CASCADE, related_name="public_page")
    name_sv = models.CharField(_("name in Swedish"), max_length=120, blank=True)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    text_fi = models.TextField(_("text in Finnish"), max_length=TEXT_MAX, blank=True)
    text_sv = models.TextField(_("text in Swedish"), max_length=TEXT_MAX, blank=True)
    text_en = models.TextField(_("text in English"), max_length=TEXT_MAX, blank=True)
    contact_email = models.EmailField(_("contact address"), blank=True,
                                      help_text=_("A shared address of the area, not a "
                                                  "person's own, is best."))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    feedback_email = models.EmailField(_("feedback address"), blank=True,
                                       help_text=_("Feedback from the public form is sent "
                                                   "here."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"),
                                   on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("public area page")
        verbose_name_plural = _("public area pages")

    def __str__(self) -> str:
        return str(self.area)

    @property
    def text(self) -> str:
        return _in_language(self, "text")


class ServiceKind(models.TextChoices):
    """Kinds of service through which clients get the card (from the presentation)."""

    SOCIAL_OFFICE = "social_office", _("Social office")
    CLUB_HOUSE = "club_house", _("Mental-health club house")
    MENTAL_HEALTH = "mental_health", _("Substance-abuse and mental-health services")
    DEBT_ADVICE = "debt_advice", _("Financial and debt advice")
    FAMILY_WORK = "family_work", _("Family work at home")
    YOUTH_OUTREACH = "youth_outreach", _("Outreach youth work")
    SENIOR_OUTREACH = "senior_outreach", _("Outreach work with older people")
    REHABILITATIVE_WORK = "rehabilitative_work", _("Rehabilitative work activity")
    IMMIGRANT_SERVICES = "immigrant_services", _("Immigrant services")
    DISABILITY_SERVICES = "disability_services", _("Disability services")
    EMPLOYMENT = "employment", _("Employment service centre")
    ORGANISATION = "organisation", _("Association or other organisation")


class UnitListing(models.Model):
    unit = models.OneToOneField("network.Unit", verbose_name=_("unit"), primary_key=True,
                                on_delete=models.CASCADE, related_name="public_listing")
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    post_office = models.CharField(_("post office"), max_length=100, blank=True)
    service_kind = models.CharField(_("kind of service"), max_length=32, blank=True,
                                    choices=ServiceKind.choices)
    step_free = models.BooleanField(_("step-free access"), default=False)
    induction_loop = models.BooleanField(_("induction loop"), default=False)
    accessibility_fi = models.CharField(_("accessibility in Finnish"), max_length=500,
                                        blank=True)
    accessibility_sv = models.CharField(_("accessibility in Swedish"), max_length=500,
                                        blank=True)
    accessibility_en = models.CharField(_("accessibility in English"), max_length=500,
                                        blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("public facts of a unit")
        verbose_name_plural = _("public facts of units")

    def __str__(self) -> str:
        return str(self.unit_id)

    @property
    def accessibility(self) -> str:
        return _in_language(self, "accessibility")

    @property
    def address(self) -> str:
        place = " ".join(p for p in (self.postal_code, self.post_office) if p)
        return ", ".join(p for p in (self.street_address, place) if p)


class OfferListing(models.Model):
    offer = models.OneToOneField("usage.Offer", verbose_name=_("offer"), primary_key=True,
                                 on_delete=models.CASCADE, related_name="public_listing")
    is_public = models.BooleanField(_("shown on the public pages"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("offer's public listing")
        verbose_name_plural = _("offers' public listings")

    def __str__(self) -> str:
        return f"{self.offer_id}: {self.is_public}"


class Feedback(models.Model):
    area = models.ForeignKey("network.Area", verbose_name=_("area"), on_delete=models.CASCADE,
                             related_name="feedback")
    message = models.TextField(_("message"), max_length=FEEDBACK_MAX)
    reply_email = models.EmailField(_("reply address"), blank=True)
    language = models.CharField(_("language"), max_length=2, default="fi")
    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handled by"),
                                   on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self) -> str:
        return f"{self.area_id} {self.received_at:%Y-%m-%d}"
