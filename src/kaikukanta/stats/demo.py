"""Demo statistics: the rollups rebuilt from the demo cards and uses (which the earlier
loaders write in bulk, without the hooks), and the presentation's cost-sharing rate."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from kaikukanta.demo.context import DemoContext
from kaikukanta.lib.scope import SYSTEM
from kaikukanta.stats import services
from kaikukanta.stats.models import CostShare


def load(ctx: DemoContext) -> None:
    services.rollup_rebuild()
    year = timezone.localdate().year
    for y in (year - 1, year):
        if not CostShare.objects.filter(year=y).exists():
            services.cost_share_save(scope=SYSTEM, year=y, population_year=2022,
                                     rate_per_resident=Decimal("0.0105"))
