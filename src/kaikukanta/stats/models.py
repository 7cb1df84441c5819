"""Pre-aggregated use figures, kept by the hooks and rebuildable from the uses.

Daily (and monthly) rollups count the recorded uses (the holders' tickets), children's tickets,
companion tickets and uses with children's tickets, each per date and one family of
dimensions, so that a dashboard reads a few thousand rows instead of millions of uses:

- `UseAreaDay`  (venue's area, category): national and area dashboards, the annual table;
- `UseCrossDay` (venue's area, card's area): where the cards are used;
- `UseSiteDay`  (area, venue, site, offer, ticket seller, category): venues, sites,
  sellers and the area's table of places;
- `UseUnitDay`  (the card's distributor unit, category): distributor dashboards;
- `UseMunicipalityDay` (the card's municipality of residence, category) and, by month
  and by day, `UseMunicipalityPlaceMonth` and `UseMunicipalityPlaceDay` (the card's
  municipality, site, offer): a municipality's residents' dashboard.

The card's unit and municipality are the card's as they are now, as are the card
figures beside them (`CardSpan`, "cards valid" and the share of them used): when a card
moves to another unit or its holder to another municipality, its uses move with it
(`services.rollup_rebuild_card`, `services.rollup_card_municipality`, a few rows of one
card). The municipality at the time of use was the other choice; it would have needed a
column on the use table (written by every record and import) and made the residents'
share of valid cards used compare today's residents with uses of earlier ones. The
venue's and the card's area are those of the use, recorded with it.

One row keyed by all these dimensions at once was tried first and measured to be as large
as the use table itself (976,310 rows for 978,333 uses), so it saved nothing.

Distinct holders cannot be summed from daily rows. "Cards used at least once" in any run
of whole months (a year, a quarter, 1 March–30 June) comes from the month histograms
`UsedMonthArea`, `UsedMonthUnit` and `UsedMonthMunicipality`, kept from `CardMonthUse`
(see `UsedMonthFigures`; a card counts once per card's area of its uses); whole years
also from `CardYearUse` and `CardsUsedYear` (open data, the annual table); periods that
start or end inside a month add the cards of their partial first and last month from
those months' `CardMonthUse` rows, which carry the days of each card's timeline and the
card's unit and municipality (see `selectors.used_in`), and so is a period inside one
month (only its cards used before and after it are looked up in the uses). The holders
behind each use figure, which the privacy rule needs, are counted only up to five (see
`holders.py`); a unit's from its first five cards per day and category (`UnitDayCards`).

The dimension columns are plain integers (0 = none; a municipality's code, "" = none)
rather than foreign keys: the tables are a cache that `rollup_rebuild()` can always
recreate from the uses, and a unique key over non-null values behaves the same on
PostgreSQL and SQLite, which the upsert needs.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MEASURES = ("uses", "children", "companions", "with_children")


class UseFigures(models.Model):
    """The MEASURES of one cell; the daily and monthly rollups below add their keys."""

    uses = models.IntegerField(_("uses"), default=0)
    children = models.IntegerField(_("children's tickets"), default=0)
    companions = models.IntegerField(_("companion tickets"), default=0)
    with_children = models.IntegerField(_("uses with children's tickets"), default=0)

    class Meta:
        abstract = True


class DailyUseFigures(UseFigures):
    """The MEASURES of one day's cell; each rollup below adds its dimensions."""

    day = models.DateField(_("date"))

    class Meta:
        abstract = True


AREA_DIMENSIONS = ("day", "area_id", "category")
CROSS_DIMENSIONS = ("day", "area_id", "card_area_id")


class UseAreaDay(DailyUseFigures):
    """Uses, children's and companion tickets per (date, venue's area, category)."""

    area_id = models.IntegerField(_("venue's area"))
    category = models.CharField(_("category"), max_length=16)

    class Meta:
        verbose_name = _("daily use figures by area")
        verbose_name_plural = _("daily use figures by area")
        constraints = [
            models.UniqueConstraint(fields=list(AREA_DIMENSIONS), name="stats_useareaday_cell"),
        ]
        indexes = [models.Index(fields=["area_id", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.area_id} {self.category}: {self.uses}"


class UseCrossDay(DailyUseFigures):
    """The same per (date, venue's area, card's area): where the cards are used."""

    area_id = models.IntegerField(_("venue's area"))
    card_area_id = models.IntegerField(_("card's area"), default=0)

    class Meta:
        verbose_name = _("daily use figures across areas")
        verbose_name_plural = _("daily use figures across areas")
        constraints = [
            models.UniqueConstraint(fields=list(CROSS_DIMENSIONS), name="stats_usecrossday_cell"),
        ]
        indexes = [models.Index(fields=["card_area_id", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.area_id}<-{self.card_area_id}: {self.uses}"


SITE_DIMENSIONS = ("day", "area_id", "venue_id", "site_id", "offer_id", "seller_id",
                   "category")
UNIT_DIMENSIONS = ("day", "unit_id", "category")


class UseSiteDay(DailyUseFigures):
    """The same per (date, venue site, offer (0 = admission), ticket seller (0 = none),
    category), for venue, site, seller and area tables of places."""

    area_id = models.IntegerField(_("venue's area"))
    venue_id = models.IntegerField(_("venue"))
    site_id = models.IntegerField(_("site"))
    offer_id = models.IntegerField(_("offer"), default=0)
    seller_id = models.IntegerField(_("ticket seller"), default=0)
    category = models.CharField(_("category"), max_length=16)

    class Meta:
        verbose_name = _("daily use figures by site")
        verbose_name_plural = _("daily use figures by site")
        constraints = [
            models.UniqueConstraint(fields=list(SITE_DIMENSIONS), name="stats_usesiteday_cell"),
        ]
        indexes = [
            # an area's places table reads its partial months' days from this index alone
            # (PostgreSQL: the sums are included; `selectors.site_sums`)
            models.Index(fields=["area_id", "day"], name="stats_usesiteday_area",
                         include=["site_id", "offer_id", "uses", "children", "with_children"]),
            models.Index(fields=["venue_id", "day"]),
            models.Index(fields=["site_id", "day"]),
            models.Index(fields=["seller_id", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.site_id}/{self.offer_id}: {self.uses}"


MUNI_DIMENSIONS = ("day", "municipality_id", "category")
MUNI_PLACE_DIMENSIONS = ("month", "municipality_id", "site_id", "offer_id")


class UseMunicipalityDay(DailyUseFigures):
    """Uses, children's and companion tickets per (date, the card's municipality of
    residence, category): a municipality's residents' dashboard. The municipality is the
    card's as it is now (the card spans' too): when it changes, the card's uses move with
    it (`services.rollup_card_municipality`). "" for cards without one."""

    municipality_id = models.CharField(_("municipality"), max_length=8, default="")
    category = models.CharField(_("category"), max_length=16)

    class Meta:
        verbose_name = _("daily use figures by municipality")
        verbose_name_plural = _("daily use figures by municipality")
        constraints = [
            models.UniqueConstraint(fields=list(MUNI_DIMENSIONS),
                                    name="stats_usemunicipalityday_cell"),
        ]
        indexes = [models.Index(fields=["municipality_id", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.municipality_id} {self.category}: {self.uses}"


class UseMunicipalityPlaceMonth(UseFigures):
    """The same per (calendar month, the card's municipality, venue site, offer (0 =
    admission)): a municipality's table of places for whole months."""

    month = models.IntegerField(_("month"))
    municipality_id = models.CharField(_("municipality"), max_length=8, default="")
    site_id = models.IntegerField(_("site"))
    offer_id = models.IntegerField(_("offer"), default=0)

    class Meta:
        verbose_name = _("monthly use figures by municipality and site")
        verbose_name_plural = _("monthly use figures by municipality and site")
        constraints = [
            models.UniqueConstraint(fields=list(MUNI_PLACE_DIMENSIONS),
                                    name="stats_usemunicipalityplacemonth_cell"),
        ]
        # a municipality's months read from the index alone (PostgreSQL: the sums are
        # included): the rows are not stored by municipality, so reading them fetched a
        # table page per row (8,935 pages for Porvoo's 12,174 rows of a year at 1,000,000
        # cards: the largest part of its year page's statements)
        indexes = [models.Index(fields=["municipality_id", "month"],
                                name="stats_usemuniplacemonth_muni",
                                include=["site_id", "offer_id", "uses", "children",
                                         "with_children"])]

    def __str__(self) -> str:
        return f"{self.month} {self.municipality_id} {self.site_id}: {self.uses}"


MUNI_PLACE_DAY_DIMENSIONS = ("day", "municipality_id", "site_id", "offer_id")


class UseMunicipalityPlaceDay(DailyUseFigures):
    """The same per (date, the card's municipality, venue site, offer (0 = admission)): the
    days of a municipality's table of places outside whole months (a custom period's
    partial first and last month), which otherwise read the residents' uses of those
    months through their cards. About as many rows as the uses, so only what those days
    need: one index, the key itself (no id column), which leads with the municipality and
    the day, so that one range of it is a period's edge, and an update of the sums (which
    no index holds) can stay on its table page."""

    pk = models.CompositePrimaryKey("municipality_id", "day", "site_id", "offer_id")
    municipality_id = models.CharField(_("municipality"), max_length=8, default="")
    site_id = models.IntegerField(_("site"))
    offer_id = models.IntegerField(_("offer"), default=0)

    class Meta:
        verbose_name = _("daily use figures by municipality and site")
        verbose_name_plural = _("daily use figures by municipality and site")

    def __str__(self) -> str:
        return f"{self.day} {self.municipality_id} {self.site_id}: {self.uses}"


HOLDER_PLACE_DIMENSIONS = ("year", "municipality_id", "site_id", "offer_id")


class MunicipalityPlaceHolders(models.Model):
    """How many different cards a municipality's residents used per (calendar year, venue
    site, offer (0 = admission)), and how many of them with children's tickets: the
    holders behind the places table's cells, which the privacy rule needs
    (`selectors.places_table`). Counts only (no card); the municipality is the card's as it
    is now, like `UseMunicipalityPlaceMonth`'s (`services.rollup_card_municipality`)."""

    year = models.IntegerField(_("year"))
    municipality_id = models.CharField(_("municipality"), max_length=8, default="")
    site_id = models.IntegerField(_("site"))
    offer_id = models.IntegerField(_("offer"), default=0)
    holders = models.IntegerField(_("cards"), default=0)
    holders_children = models.IntegerField(_("cards with children's tickets"), default=0)

    class Meta:
        verbose_name = _("cards used by year, municipality and site")
        verbose_name_plural = _("cards used by year, municipality and site")
        constraints = [
            models.UniqueConstraint(fields=list(HOLDER_PLACE_DIMENSIONS),
                                    name="stats_municipalityplaceholders_cell"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.municipality_id} {self.site_id}: {self.holders}"


SITE_MONTH_DIMENSIONS = ("month", "area_id", "venue_id", "site_id", "offer_id", "seller_id",
                         "category")


class UseSiteMonth(UseFigures):
    """`UseSiteDay` summed per calendar month (`month_number`): an area's table of places
    for whole months reads a few rows per site and offer instead of one per day (the day
    rows of an area's year were about as many as its uses); the days outside whole months
    come from `UseSiteDay`."""

    month = models.IntegerField(_("month"))
    area_id = models.IntegerField(_("venue's area"))
    venue_id = models.IntegerField(_("venue"))
    site_id = models.IntegerField(_("site"))
    offer_id = models.IntegerField(_("offer"), default=0)
    seller_id = models.IntegerField(_("ticket seller"), default=0)
    category = models.CharField(_("category"), max_length=16)

    class Meta:
        verbose_name = _("monthly use figures by site")
        verbose_name_plural = _("monthly use figures by site")
        constraints = [
            models.UniqueConstraint(fields=list(SITE_MONTH_DIMENSIONS),
                                    name="stats_usesitemonth_cell"),
        ]
        indexes = [
            models.Index(fields=["area_id", "month"]),
            models.Index(fields=["venue_id", "month"]),
            models.Index(fields=["site_id", "month"]),
            models.Index(fields=["seller_id", "month"]),
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.site_id}/{self.offer_id}: {self.uses}"


class UseUnitDay(DailyUseFigures):
    """The same per (date, the card's issuing unit, category): the uses of a distributor
    unit's cards. The unit is the card's unit when the use was recorded; when a card moves
    to another unit, the days of its uses are rebuilt."""

    unit_id = models.IntegerField(_("card's issuing unit"), default=0)
    category = models.CharField(_("category"), max_length=16)

    class Meta:
        verbose_name = _("daily use figures by distributor unit")
        verbose_name_plural = _("daily use figures by distributor unit")
        constraints = [
            models.UniqueConstraint(fields=list(UNIT_DIMENSIONS), name="stats_useunitday_cell"),
        ]
        indexes = [models.Index(fields=["unit_id", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id} {self.category}: {self.uses}"


UNIT_CARDS = ("cards", "cards_children", "cards_companion")
FIRST_CARDS = 5  # the privacy rule's threshold (`privacy.THRESHOLD`)


class UnitDayCards(models.Model):
    """The first five cards (by id, comma-separated) of a distributor unit's cards used per
    (date, category): among all the uses, the uses with children's tickets and the
    companion uses. The holders behind any of a unit's use figures, which the privacy rule
    counts only up to five (`holders.py`), are the union of these lists over the figure's
    days and categories, capped at five: a list holds the five smallest ids of its cell,
    so a union of at least five ids means five holders or more, and a smaller one holds
    every card of it. The unit's dashboard reads a few hundred of these rows instead of
    looking up its cards' uses (the uses have no card's-unit column). Like `UseUnitDay`,
    the unit is the card's as it is now (`services.rollup_rebuild_card`). Card keys only,
    no holder field."""

    day = models.DateField(_("date"))
    unit_id = models.IntegerField(_("card's issuing unit"), default=0)
    category = models.CharField(_("category"), max_length=16)
    cards = models.CharField(_("first cards"), max_length=120, blank=True, default="")
    cards_children = models.CharField(_("first cards with children's tickets"),
                                      max_length=120, blank=True, default="")
    cards_companion = models.CharField(_("first cards with companion tickets"),
                                       max_length=120, blank=True, default="")

    class Meta:
        verbose_name = _("first cards by day and distributor unit")
        verbose_name_plural = _("first cards by day and distributor unit")
        constraints = [
            # the unit's days first: its dashboard reads a range of them
            models.UniqueConstraint(fields=["unit_id", "day", "category"],
                                    name="stats_unitdaycards_cell"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id} {self.category}: {self.cards}"


class CardYearUse(models.Model):
    """How many recorded uses a card has in a year (under the card's area of those uses).
    Its first use in a year adds one to `CardsUsedYear`, its last cancelled use takes it
    away, so "cards used at least once" in a whole year is a sum of a few rows.

    Every recorded use adds one to its card's row here, so no index may hold `uses`: then
    the update is heap-only (no index entry written; the table keeps free room in each
    page for it, fillfactor 70, stats 0025). The most uses of one card in a year is kept
    in `CardsUsedYear.most_uses` instead of being read from an index."""

    card_id = models.IntegerField(_("card"))
    year = models.PositiveSmallIntegerField(_("year"))
    card_area_id = models.IntegerField(_("card's area"), default=0)
    unit_id = models.IntegerField(_("card's issuing unit"), default=0)
    uses = models.IntegerField(_("uses"), default=0)

    class Meta:
        verbose_name = _("card's uses in a year")
        verbose_name_plural = _("cards' uses in a year")
        constraints = [
            models.UniqueConstraint(fields=["card_id", "year", "card_area_id"],
                                    name="stats_cardyearuse_once"),
        ]
        indexes = [
            models.Index(fields=["year", "card_area_id"]),
            models.Index(fields=["year", "unit_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.card_id} {self.year}: {self.uses}"


class CardsUsedYear(models.Model):
    """Cards of an area used at least once in a year ("käyttöönotetut"), and the most uses
    one of them had in the year (the largest `CardYearUse.uses` of the year and area: the
    privacy rule's bound, `selectors.max_uses_per_card`), kept exact by every write."""

    year = models.PositiveSmallIntegerField(_("year"))
    card_area_id = models.IntegerField(_("card's area"), default=0)
    cards = models.IntegerField(_("cards used"), default=0)
    most_uses = models.IntegerField(_("most uses of one card"), default=0)

    class Meta:
        verbose_name = _("cards used in a year")
        verbose_name_plural = _("cards used in a year")
        constraints = [
            models.UniqueConstraint(fields=["year", "card_area_id"],
                                    name="stats_cardsusedyear_once"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.card_area_id}: {self.cards}"


def month_number(day) -> int:
    """A calendar month as one integer (year * 12 + month - 1), the rollups' month key."""
    return day.year * 12 + day.month - 1


# the columns the dashboards read from the card-month indexes besides their keys: the days
# of a period's edge months (`selectors._edge_rows`), and the card and its uses in the month
# for a period inside one month (`selectors._days_cards` probes a few cards' uses)
EDGE_COLUMNS = ("first_day", "last_day", "prev_day", "next_month", "stats_key", "uses",
                "card_id")


class CardMonthUse(models.Model):
    """How many recorded uses a card has in a calendar month, under the card's area of
    those uses: the months of each (card, card's area) in order make the card's timeline,
    from which the histograms below are kept. The card's unit and municipality of
    residence are the card's as they are now (a card that moves takes its rows along:
    `services.rollup_rebuild_card`, `services.rollup_card_municipality`), so that a unit's
    or a municipality's edge months are counted from these rows like an area's."""

    card_id = models.IntegerField(_("card"))
    card_area_id = models.IntegerField(_("card's area"), default=0)
    month = models.IntegerField(_("month"))  # month_number()
    unit_id = models.IntegerField(_("card's issuing unit"), default=0)
    municipality_id = models.CharField(_("municipality"), max_length=8, default="")
    uses = models.IntegerField(_("uses"), default=0)
    # the days of the timeline, so that the cards used in a period of days are counted from
    # these rows at its two edge months (see `selectors.used_in`), never from the uses:
    # the first and last day with a use in this month, the last day with a use before it
    # (none: the card's first month) and the next month with a use (none: its last)
    first_day = models.DateField(_("first day used in the month"), null=True)
    last_day = models.DateField(_("last day used in the month"), null=True)
    prev_day = models.DateField(_("last day used before the month"), null=True)
    next_month = models.IntegerField(_("next month used"), null=True)
    stats_key = models.BigIntegerField(_("the card's statistics key"), default=0)

    class Meta:
        verbose_name = _("card's uses in a month")
        verbose_name_plural = _("cards' uses in a month")
        constraints = [
            models.UniqueConstraint(fields=["card_id", "card_area_id", "month"],
                                    name="stats_cardmonthuse_once"),
        ]
        # a period's edge months, read from the index alone (PostgreSQL: the other columns
        # are included), by the card's area (national and area dashboards), by the card's
        # municipality (one range per card's area: `selectors._month_rows`) or by unit; one
        # index serves the area and the municipality, as every index on these rows slows
        # the import's card-month upsert
        indexes = [
            models.Index(fields=["month", "card_area_id", "municipality_id"],
                         name="stats_cardmonthuse_days", include=["unit_id", *EDGE_COLUMNS]),
            models.Index(fields=["month", "unit_id"], name="stats_cardmonthuse_unitdays",
                         include=["card_area_id", *EDGE_COLUMNS]),
        ]

    def __str__(self) -> str:
        return f"{self.card_id} {self.month}: {self.uses}"


class UsedMonthFigures(models.Model):
    """Cards used in `month` whose previous month with a use (0: none) was `prev`, and the
    sum of their record keys (`lib/cellkey.py`).

    A card is used at least once in the months a..b exactly when its first month with a
    use inside a..b comes after its previous used month, which lies before a. So the
    cards used at least once in a..b are the sum of `cards` over a <= month <= b and
    prev < a: a few hundred rows for any run of whole months, never the uses or the cards.
    """

    month = models.IntegerField(_("month"))
    prev = models.IntegerField(_("previous month used"), default=0)
    cards = models.IntegerField(_("cards"), default=0)
    key_sum = models.BigIntegerField(_("sum of the cards' statistics keys"), default=0)

    class Meta:
        abstract = True


class UsedMonthArea(UsedMonthFigures):
    """Per card's area (national and area dashboards)."""

    card_area_id = models.IntegerField(_("card's area"), default=0)

    class Meta:
        verbose_name = _("cards used by month and area")
        verbose_name_plural = _("cards used by month and area")
        constraints = [
            models.UniqueConstraint(fields=["card_area_id", "month", "prev"],
                                    name="stats_usedmontharea_cell"),
        ]


class UsedMonthUnit(UsedMonthFigures):
    """Per the card's distributor unit (distributor and unit dashboards)."""

    unit_id = models.IntegerField(_("card's issuing unit"), default=0)

    class Meta:
        verbose_name = _("cards used by month and unit")
        verbose_name_plural = _("cards used by month and unit")
        constraints = [
            models.UniqueConstraint(fields=["unit_id", "month", "prev"],
                                    name="stats_usedmonthunit_cell"),
        ]


class UsedMonthMunicipality(UsedMonthFigures):
    """Per the card's municipality of residence (municipality dashboards), as it is now:
    when a card's municipality changes, its cells move with it
    (`services.rollup_card_municipality`). "" for cards without one."""

    municipality_id = models.CharField(_("municipality"), max_length=8, default="")

    class Meta:
        verbose_name = _("cards used by month and municipality")
        verbose_name_plural = _("cards used by month and municipality")
        constraints = [
            models.UniqueConstraint(fields=["municipality_id", "month", "prev"],
                                    name="stats_usedmonthmuni_cell"),
        ]


# The grains of the card spans below: a row counts one day, one calendar month or one
# calendar year (its `day` is the first day of it).
DAY, MONTH, YEAR = 0, 1, 2


class CardSpan(models.Model):
    """Registered cards' validity spans, counted by the day (month, year) they start and end.

    A registered card is valid from its issue day (`starts`) to its last day valid *in* a
    period (`ends_in`: the earlier of its last valid day and its inactivation day, see
    `counting.valid_in`) or *on* a day (`ends_on`: the earlier of its last valid day and
    the day before its inactivation, see `selectors.valid_on`); `inactivated` counts
    inactivations. Each with the sum of the cards' record keys (`lib/cellkey.py`). So the
    cards valid in [s, e] are those started by e less those ended before s: two sums over
    a few rows (year rows before the year, month rows before the month, day rows inside
    it), never the cards (`stats.cardspan`). Kept by `stats.cardspan` whenever a card row
    is saved; `rollup_rebuild()` recreates it.

    Rows with no `municipality_id` ("") are per card's area and issuing unit (area,
    distributor and unit dashboards); rows with `municipality_id` "*" per card's area alone
    (unit 0: the national dashboard reads 22 areas, not 440 units); the others per the
    holder's municipality alone (area and unit 0), for municipality dashboards."""

    municipality_id = models.CharField(_("municipality"), max_length=8, blank=True,
                                       default="")
    area_id = models.IntegerField(_("card's area"), default=0)
    unit_id = models.IntegerField(_("card's issuing unit"), default=0)
    grain = models.SmallIntegerField(_("grain"))  # DAY, MONTH or YEAR
    day = models.DateField(_("first day"))
    starts = models.IntegerField(_("cards starting"), default=0)
    starts_k = models.BigIntegerField(default=0)
    ends_in = models.IntegerField(_("cards ending (valid in)"), default=0)
    ends_in_k = models.BigIntegerField(default=0)
    ends_on = models.IntegerField(_("cards ending (valid on)"), default=0)
    ends_on_k = models.BigIntegerField(default=0)
    inactivated = models.IntegerField(_("cards inactivated"), default=0)
    inactivated_k = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("card validity spans")
        verbose_name_plural = _("card validity spans")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality_id", "area_id", "grain", "day", "unit_id"],
                name="stats_cardspan_cell"),
        ]
        indexes = [models.Index(fields=["municipality_id", "grain", "day"]),
                   models.Index(fields=["unit_id", "grain", "day"])]

    def __str__(self) -> str:
        return f"{self.day}/{self.grain} {self.area_id} {self.unit_id}: {self.starts}"


class HolderSpan(models.Model):
    """The same starts and ends (valid in a period) of personal cards, per one holder
    fact and its value: `fact` b (birth year), c (children, 4 = 4 or more), g (gender),
    l (life situation); per card's area (`area_id`, 0 = every area). The national admin's
    exact holder tables read them (`selectors.holder_tables`); retired holders
    (`RetiredHolders`) count with the facts they had, as they do in the tables."""

    area_id = models.IntegerField(_("card's area"), default=0)
    fact = models.CharField(_("fact"), max_length=1)
    value = models.CharField(_("value"), max_length=16, blank=True)
    grain = models.SmallIntegerField(_("grain"))
    day = models.DateField(_("first day"))
    starts = models.IntegerField(_("cards starting"), default=0)
    starts_k = models.BigIntegerField(default=0)
    ends_in = models.IntegerField(_("cards ending (valid in)"), default=0)
    ends_in_k = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("holder validity spans")
        verbose_name_plural = _("holder validity spans")
        constraints = [
            models.UniqueConstraint(fields=["area_id", "grain", "day", "fact", "value"],
                                    name="stats_holderspan_cell"),
        ]

    def __str__(self) -> str:
        return f"{self.day}/{self.grain} {self.area_id} {self.fact}={self.value}"


class HolderPlaceSpan(models.Model):
    """The same starts and ends (valid in a period) of personal cards, per the card's
    issuing unit (`unit_id`) and holder's municipality (`municipality_id`, "" = none) and
    all four holder facts at once: birth year (0 = not recorded), children (4 = 4 or more),
    gender and life situation. The national admin's exact holder tables of a distributor
    (its units), a unit and a municipality read them (`selectors.holder_tables`).

    Day and month rows hold one combination of facts each rather than one fact (as
    `HolderSpan`): a unit's or a municipality's cards are few on any one day or month, so
    nearly every card starts and ends in a cell of its own whatever the key, and one key
    serving the unit and the municipality at once halves the rows. Year rows, where a
    place's cards are many, hold one fact each (the others -1 or "*", `cardspan.OTHER_FACT`),
    per unit (`municipality_id` "*") and per municipality (`unit_id` -1), so a large
    municipality reads a few hundred year rows rather than thousands. Measured at 100,000
    cards: 548,627 rows, against about 2 million with one row per fact and place."""

    unit_id = models.IntegerField(_("card's issuing unit"), default=0)
    municipality_id = models.CharField(_("municipality"), max_length=8, blank=True,
                                       default="")
    grain = models.SmallIntegerField(_("grain"))
    day = models.DateField(_("first day"))
    birth_year = models.SmallIntegerField(_("birth year"), default=0)
    children = models.SmallIntegerField(_("children under 18 (4 = 4 or more)"), default=0)
    gender = models.CharField(_("gender"), max_length=16, blank=True)
    life_situation = models.CharField(_("life situation"), max_length=16, blank=True)
    starts = models.IntegerField(_("cards starting"), default=0)
    starts_k = models.BigIntegerField(default=0)
    ends_in = models.IntegerField(_("cards ending (valid in)"), default=0)
    ends_in_k = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("holder validity spans by place")
        verbose_name_plural = _("holder validity spans by place")
        constraints = [
            models.UniqueConstraint(
                fields=["unit_id", "grain", "day", "municipality_id", "birth_year",
                        "children", "gender", "life_situation"],
                name="stats_holderplacespan_cell"),
        ]
        indexes = [models.Index(fields=["municipality_id", "grain", "day"])]

    def __str__(self) -> str:
        return f"{self.day}/{self.grain} {self.unit_id} {self.municipality_id}"


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


class RetiredHolders(models.Model):
    """Holder facts of cards whose own rows retention has coarsened, as counts.

    A card expired for three years loses its exact birth year, postal code and optional
    facts (`ops.retention`). Before that, its facts are added here, without the card,
    merged with every other retired card of the same unit, municipality, dates and facts,
    so that `holder_tables` counts exactly what it counted before. Only counting queries
    read this table; no page lists its rows.
    """

    area = models.ForeignKey("network.Area", verbose_name=_("area"), on_delete=models.PROTECT,
                             null=True, related_name="+")
    unit = models.ForeignKey("network.Unit", verbose_name=_("issuing unit"),
                             on_delete=models.PROTECT, null=True, related_name="+")
    municipality = models.ForeignKey("geo.Municipality", verbose_name=_("municipality"),
                                     on_delete=models.PROTECT, null=True, related_name="+")
    kind = models.CharField(_("card kind"), max_length=16)
    status = models.CharField(_("status"), max_length=16)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    inactivated_on = models.DateField(_("inactivated on"), null=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True)
    children = models.PositiveSmallIntegerField(_("children under 18"), default=0)
    gender = models.CharField(_("gender"), max_length=16, blank=True)
    life_situation = models.CharField(_("life situation"), max_length=16, blank=True)
    cards = models.PositiveIntegerField(_("cards"), default=0)
    # the sum of the cards' record keys (`lib/cellkey.py`), so perturbed counts stay too
    stats_key = models.BigIntegerField(_("statistics key"), default=0, editable=False)

    class Meta:
        verbose_name = _("retired holders")
        verbose_name_plural = _("retired holders")
        indexes = [models.Index(fields=["valid_until", "issued_on"])]

    def __str__(self) -> str:
        return f"{self.valid_until}: {self.cards}"


class Publication(models.Model):
    """One published period of a frozen statistics dataset (`stats.publication`).

    A calendar month (or a calendar year) of tables that could be differenced, such as the
    holders' characteristics, is published once, after the period's window for late
    entries has closed, and never recomputed: a card entered, renewed or corrected later
    changes nothing already published. `figures` holds the dataset's few headline counts
    (for holders: the national cards registered and used in a year)."""

    dataset = models.CharField(_("dataset"), max_length=32)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    figures = models.JSONField(_("headline figures"), default=dict, blank=True)

    class Meta:
        verbose_name = _("published statistics")
        verbose_name_plural = _("published statistics")
        constraints = [
            models.UniqueConstraint(fields=["dataset", "start", "end"],
                                    name="stats_publication_once"),
        ]
        indexes = [models.Index(fields=["dataset", "end"])]

    def __str__(self) -> str:
        return f"{self.dataset} {self.start}–{self.end}"


class PublishedHolders(models.Model):
    """The frozen holder counts of one publication: personal cards valid in the period, by
    the dashboards' card dimensions and the holder facts as age bands; no card, number,
    birth year or use. `stats_key` is the sum of the cards' record keys (`lib/cellkey.py`),
    so the perturbed counts are those of the live tables when they were published."""

    publication = models.ForeignKey(Publication, verbose_name=_("publication"),
                                    on_delete=models.CASCADE, related_name="holders")
    area_id = models.IntegerField(_("area"), default=0)
    organisation_id = models.IntegerField(_("distributor"), default=0)
    unit_id = models.IntegerField(_("issuing unit"), default=0)
    municipality_id = models.IntegerField(_("municipality"), default=0)
    # the age band's first year (AGE_BANDS), -1: birth year not recorded
    age_band = models.SmallIntegerField(_("age band"))
    children = models.PositiveSmallIntegerField(_("children under 18 (4 = 4 or more)"))
    gender = models.CharField(_("gender"), max_length=16, blank=True)
    life_situation = models.CharField(_("life situation"), max_length=16, blank=True)
    cards = models.PositiveIntegerField(_("cards"), default=0)
    stats_key = models.BigIntegerField(_("statistics key"), default=0, editable=False)

    class Meta:
        verbose_name = _("published holder counts")
        verbose_name_plural = _("published holder counts")
        indexes = [
            models.Index(fields=["publication", "area_id"]),
            models.Index(fields=["publication", "unit_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.publication_id}: {self.cards}"
