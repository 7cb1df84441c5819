"""Errors of the statistics app."""

from django.utils.translation import gettext_lazy as _

from kaikukanta.lib.errors import DomainError


class CostShareInvalid(DomainError):
    code = "cost_share_invalid"
    field = "rate_per_resident"
    message = _("Give either a rate per resident or a total to divide, not both, "
                "and not a negative amount.")


class PeriodInvalid(DomainError):
    code = "stats_period_invalid"
    field = "start"
    message = _("The period must start before it ends and be at most ten years long.")


class CostShareFarFromPrevious(DomainError):
    code = "cost_share_far_from_previous"
    field = "rate_per_resident"
    message = _("The rate per resident (%(rate)s €) or the total (%(total)s €) is far from "
                "%(previous_year)s (%(previous_rate)s € per resident, %(previous_total)s € in "
                "all). Check the figure; if it is right, confirm and save again.")
