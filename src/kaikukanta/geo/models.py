"""Finnish geography: municipalities, wellbeing services counties and postal codes."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class WellbeingCounty(models.Model):
    """Wellbeing services county (hyvinvointialue); code 90 is the City of Helsinki."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name_fi = models.CharField(_("name in Finnish"), max_length=100)
    name_sv = models.CharField(_("name in Swedish"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("wellbeing services county")
        verbose_name_plural = _("wellbeing services counties")

    @property
    def name(self) -> str:
        return self.name_sv if get_language() == "sv" else self.name_fi

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """Municipality (kunta) with its 3-digit Statistics Finland code."""

    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name_fi = models.CharField(_("name in Finnish"), max_length=100)
    name_sv = models.CharField(_("name in Swedish"), max_length=100)
    region_code = models.CharField(_("region code"), max_length=2)
    region_name_fi = models.CharField(_("region"), max_length=100)
    wellbeing_county = models.ForeignKey(
        WellbeingCounty,
        verbose_name=_("wellbeing services county"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipalities",
    )
    population = models.PositiveIntegerField(_("population"))
    population_year = models.PositiveSmallIntegerField(_("population year"))

    class Meta:
        ordering = ["name_fi"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    @property
    def name(self) -> str:
        return self.name_sv if get_language() == "sv" else self.name_fi

    def __str__(self) -> str:
        return self.name


class PostalCode(models.Model):
    """Postal code area mapped to the municipality it lies in (loaded from Posti's file)."""

    code = models.CharField(_("postal code"), max_length=5, primary_key=True)
    name_fi = models.CharField(_("name in Finnish"), max_length=100)
    name_sv = models.CharField(_("name in Swedish"), max_length=100, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="postal_codes",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("postal code")
        verbose_name_plural = _("postal codes")

    def __str__(self) -> str:
        return f"{self.code} {self.name_fi}"
