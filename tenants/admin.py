from django.contrib import admin

from tenants.models import Domain, Membership, Workspace


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    fields = [
        "domain",
        "is_primary",
        "is_verified",
        "status",
        "failure_reason",
        "verified_at",
        "last_checked_at",
    ]
    readonly_fields = ["status", "failure_reason", "verified_at", "last_checked_at"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["identity", "role", "joined_at"]
    raw_id_fields = ["identity"]
    readonly_fields = ["joined_at"]


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "status", "plan_code", "created_at"]
    list_filter = ["status", "plan_code"]
    search_fields = ["name", "slug", "domains__domain"]
    # Lifecycle changes go through the management commands / services, which audit
    # them and drop schemas only on confirmation.
    readonly_fields = ["schema_name", "status", "status_reason", "status_changed_at"]
    inlines = [DomainInline, MembershipInline]

    def has_delete_permission(self, request, obj=None):
        return False
