"""Django admin pieces shared by the apps."""

from __future__ import annotations

from django.contrib import admin


class ReadOnlyAdminMixin:
    """Shown in the Django admin, never changed there: changes go through the pages and
    their services, which check the permission and write the audit log."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
