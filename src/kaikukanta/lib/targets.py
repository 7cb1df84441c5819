"""What a statistics dashboard is about. Plain values without models, so the permission
table (`lib/permissions.py`) and the statistics (`stats/scopes.py`) name them alike."""

from enum import StrEnum


class TargetKind(StrEnum):
    NATIONAL = "national"  # the whole network
    AREA = "area"
    MUNICIPALITY = "municipality"  # the residents of one municipality
    COUNTY = "county"  # a wellbeing services county (wellbeing indicators only)
    DISTRIBUTOR = "distributor"  # a distributor organisation
    UNIT = "unit"  # a distributor unit
    VENUE = "venue"  # a venue organisation
    SITE = "site"  # a venue site
    SELLER = "seller"  # a ticket seller
