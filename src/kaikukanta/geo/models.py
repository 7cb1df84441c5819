"""Geography: municipalities, wellbeing services counties and postal codes.

Finnish municipalities come from Statistics Finland. A municipality outside Finland (for
example Haparanda in Sweden, part of the Tornio area) is a record of its own: a country
code other than FI, a code with the country in front (``SE-2583``), its names and its own
postal-code format, which is how a card registered there finds its municipality.
"""

import re

from django.core.exceptions import ValidationError
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


FINLAND = "FI"


def postal_code_mask_regex(mask: str) -> re.Pattern:
    """A postal-code format as a pattern: N a digit, A a letter, anything else itself."""
    parts = {"N": r"\d", "A": "[A-Z]"}
    return re.compile("^" + "".join(parts.get(ch, re.escape(ch)) for ch in mask) + "$")


class MunicipalityQuerySet(models.QuerySet):
    def foreign(self) -> "MunicipalityQuerySet":
        return self.exclude(country=FINLAND)


class Municipality(models.Model):
    """Municipality (kunta): a Finnish one with its 3-digit Statistics Finland code, or one
    abroad (country other than FI) with a code like ``SE-2583``."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    country = models.CharField(
        _("country"), max_length=2, default=FINLAND,
        help_text=_("Two-letter country code (ISO 3166-1), FI for Finland."),
    )
    name_fi = models.CharField(_("name in Finnish"), max_length=100)
    name_sv = models.CharField(_("name in Swedish"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True,
                               help_text=_("Leave empty when it is the Finnish name."))
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
    # Abroad only: how a local postal code is written and how this municipality's begin.
    postal_code_format = models.CharField(
        _("postal-code format"), max_length=10, blank=True,
        help_text=_("Municipalities abroad: N for a digit, A for a letter, e.g. NNN NN."),
    )
    postal_code_prefix = models.CharField(
        _("postal codes begin with"), max_length=10, blank=True,
        help_text=_("Municipalities abroad: the beginning of the municipality's postal "
                    "codes, e.g. 953."),
    )
    billed_in_cost_sharing = models.BooleanField(
        _("billed in cost sharing"), default=True,
        help_text=_("A municipality abroad pays no Finnish cost share unless this is set."),
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["name_fi"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    @property
    def name(self) -> str:
        lang = (get_language() or "fi")[:2]
        if lang == "sv":
            return self.name_sv or self.name_fi
        if lang == "en":
            return self.name_en or self.name_fi
        return self.name_fi

    @property
    def is_foreign(self) -> bool:
        return self.country != FINLAND

    def clean(self) -> None:
        if self.is_foreign:
            fmt = self.postal_code_format
            if not fmt or len(fmt.replace(" ", "").replace("-", "")) > 5:
                raise ValidationError({"postal_code_format": _(
                    "A municipality abroad needs a postal-code format of at most five "
                    "letters or digits.")})
            if not self.code.startswith(f"{self.country}-"):
                raise ValidationError({"code": _(
                    "The code of a municipality abroad starts with its country code and a "
                    "hyphen, e.g. SE-2583.")})

    def matches_postal_code(self, text: str) -> str | None:
        """The postal code as stored (letters and digits only) when `text` is one of this
        municipality's codes abroad, written in the local format with or without the
        country in front (``953 33``, ``SE-953 33``); otherwise None."""
        if not self.is_foreign or not self.postal_code_format:
            return None
        value = " ".join((text or "").upper().split())
        had_country = False
        for prefix in (f"{self.country}-", f"{self.country} ", f"{self.country}"):
            if value.startswith(prefix):
                value, had_country = value[len(prefix):].strip(), True
                break
        compact = re.sub(r"[^0-9A-Z]", "", value)
        compact_mask = re.sub(r"[^NA]", "", self.postal_code_format)
        # the local format as written ("953 33"); without spaces only after the country
        if not (postal_code_mask_regex(self.postal_code_format).match(value)
                or (had_country and postal_code_mask_regex(compact_mask).match(compact))):
            return None
        if not compact.startswith(self.postal_code_prefix.replace(" ", "")):
            return None
        return compact

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
