from django.contrib import admin

from kaikukanta.accounts.models import Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["area", "organisation", "unit"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "language", "is_active", "last_login"]
    search_fields = ["email", "name"]
    list_filter = ["is_active"]
    exclude = ["password"]
    inlines = [MembershipInline]
