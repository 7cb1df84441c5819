from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django_otp.admin import OTPAdminSite

from kaikukanta.accounts.models import Membership, User
from kaikukanta.lib.admin import ReadOnlyAdminMixin, ReadOnlyInline


class SecondFactorAdminSite(OTPAdminSite):
    """The Django admin: national admins who have given their second factor only.

    Signing in happens on Kaikukanta's own page (with its lockouts and the second factor);
    the admin's own login form is not used.
    """

    def login(self, request, extra_context=None):
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"),
                                 reverse("accounts:login"))


admin.site.__class__ = SecondFactorAdminSite


class MembershipInline(ReadOnlyInline):
    model = Membership


# Read-only: accounts and roles change through invitations and the coordinators' pages
# (`accounts.services`), which check the permission and write the audit log.
@admin.register(User)
class UserAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["email", "name", "language", "is_active", "last_login"]
    search_fields = ["email", "name"]
    list_filter = ["is_active"]
    exclude = ["password"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "role", "area", "organisation", "unit", "created_at"]
    list_filter = ["role"]
