from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from shared_apps.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["uuid", "identity_id", "last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password", "uuid", "identity_id"]}),
        ("Name", {"fields": ["first_name", "last_name"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "password1", "password2"]})]

    def has_delete_permission(self, request, obj=None):
        # Deactivate instead. The admin's delete confirmation walks relations of apps
        # from the other plane; deletion goes through tenants.deletion in code.
        return False
