from django.contrib import admin

from kaikukanta.geo.models import Municipality, PostalCode, WellbeingCounty


@admin.register(WellbeingCounty)
class WellbeingCountyAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fi", "name_sv"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fi", "name_sv", "wellbeing_county", "population"]
    search_fields = ["code", "name_fi", "name_sv"]


@admin.register(PostalCode)
class PostalCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fi", "municipality"]
    search_fields = ["code", "name_fi"]
