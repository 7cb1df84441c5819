from django.contrib import admin

from kaikukanta.geo.models import Municipality, PostalCode, WellbeingCounty


@admin.register(WellbeingCounty)
class WellbeingCountyAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fi", "name_sv"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "country", "name_fi", "name_sv", "wellbeing_county", "population",
                    "billed_in_cost_sharing"]
    list_filter = ["country", "billed_in_cost_sharing"]
    search_fields = ["code", "name_fi", "name_sv", "name_en"]


@admin.register(PostalCode)
class PostalCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fi", "municipality"]
    search_fields = ["code", "name_fi"]
