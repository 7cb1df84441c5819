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
