"""Pre-aggregated use figures.

`UseDay` holds one row per event date and *cell*: the venue's area, the card's area, the
venue, the site, the offer, the ticket seller, the card's issuing unit and the category.
It counts recorded uses (the holder's tickets), children's tickets and companion tickets.
Sums over any period and any of these dimensions are exact, so the national dashboard and
the annual table never read the `usage.Use` table itself.

Distinct holders ("cards used at least once") cannot be summed from daily rows. They are
counted from `usage.Use` directly, always limited to one scope and period and served by the
use table's indexes; see `stats/selectors.py`.

The dimension columns are plain integers (0 = none) rather than foreign keys: the table is
a cache that `rollup_rebuild()` can always recreate from the uses, and a unique key over
non-null integers behaves the same on PostgreSQL and SQLite, which the upsert needs.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

DIMENSIONS = ("day", "area_id", "card_area_id", "venue_id", "site_id", "offer_id", "seller_id",
              "unit_id", "category")
MEASURES = ("uses", "children", "companions")


class UseDay(models.Model):
    day = models.DateField(_("date"))
    area_id = models.IntegerField(_("venue's area"))
    card_area_id = models.IntegerField(_("card's area"), default=0)
    venue_id = models.IntegerField(_("venue"))
    site_id = models.IntegerField(_("site"))
    offer_id = models.IntegerField(_("offer"), default=0)
    seller_id = models.IntegerField(_("ticket seller"), default=0)
    unit_id = models.IntegerField(_("card's issuing unit"), default=0)
    category = models.CharField(_("category"), max_length=16)
    uses = models.IntegerField(_("uses"), default=0)
    children = models.IntegerField(_("children's tickets"), default=0)
    companions = models.IntegerField(_("companion tickets"), default=0)

    class Meta:
        verbose_name = _("daily use figures")
        verbose_name_plural = _("daily use figures")
        constraints = [
            models.UniqueConstraint(fields=list(DIMENSIONS), name="stats_useday_cell"),
        ]
        indexes = [
            models.Index(fields=["area_id", "day"]),
            models.Index(fields=["card_area_id", "day"]),
            models.Index(fields=["unit_id", "day"]),
            models.Index(fields=["venue_id", "day"]),
            models.Index(fields=["site_id", "day"]),
            models.Index(fields=["seller_id", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.site_id} {self.category}: {self.uses}"


AREA_DIMENSIONS = ("day", "area_id", "card_area_id", "category")


class UseAreaDay(models.Model):
    """The same figures summed to (date, venue's area, card's area, category): a few hundred
    rows a day nationally, read by the national and area dashboards and the annual table."""

    day = models.DateField(_("date"))
    area_id = models.IntegerField(_("venue's area"))
    card_area_id = models.IntegerField(_("card's area"), default=0)
    category = models.CharField(_("category"), max_length=16)
    uses = models.IntegerField(_("uses"), default=0)
    children = models.IntegerField(_("children's tickets"), default=0)
    companions = models.IntegerField(_("companion tickets"), default=0)

    class Meta:
        verbose_name = _("daily use figures by area")
        verbose_name_plural = _("daily use figures by area")
        constraints = [
            models.UniqueConstraint(fields=list(AREA_DIMENSIONS), name="stats_useareaday_cell"),
        ]
        indexes = [
            models.Index(fields=["area_id", "day"]),
            models.Index(fields=["card_area_id", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.area_id} {self.category}: {self.uses}"


class CostShare(models.Model):
    """The national admin's decision on one year's shared costs (rate or total to divide)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    rate_per_resident = models.DecimalField(
        _("rate per resident (€)"), max_digits=10, decimal_places=6, null=True, blank=True,
    )
    total = models.DecimalField(_("total to divide (€)"), max_digits=12, decimal_places=2,
                                null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("population year"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"),
                                   on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["-year"]
        verbose_name = _("cost sharing")
        verbose_name_plural = _("cost sharing")

    def __str__(self) -> str:
        return f"{self.year}: {self.rate_per_resident or self.total}"

    @property
    def rate(self) -> Decimal | None:
        return self.rate_per_resident
