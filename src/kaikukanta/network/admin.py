from django.contrib import admin

from kaikukanta.lib.admin import ReadOnlyAdminMixin
from kaikukanta.network.models import (
    Area,
    Commitment,
    OperatingModelVersion,
    Organisation,
    SellerLink,
    Unit,
)


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "status_since", "wellbeing_county"]
    list_filter = ["status"]
    filter_horizontal = ["municipalities"]


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "sector", "home_area", "is_active"]
    list_filter = ["kind", "sector", "home_area", "is_active"]
    search_fields = ["name"]
    inlines = [UnitInline]


admin.site.register(OperatingModelVersion)
admin.site.register(Commitment)
@admin.register(SellerLink)
class SellerLinkAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: a seller asks and the venue or its coordinator decides on the pages
    (`network.services`), which check the permission and write the audit log."""

    list_display = ["seller", "venue", "status", "requested_at", "decided_at"]
    list_filter = ["status"]
