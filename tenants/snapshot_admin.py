"""Snapshots in the platform owner's console: what exists, from where, what it kept.

Read-only: snapshots are made by `snapshot_create` (the `snapshot_create` command, or an
agency's own pages) and removed by the audited `snapshot_delete`, which also drops the
snapshot's schema; the stock delete would leave the schema behind.
"""

from django.contrib import admin
from django.utils.html import format_html_join

from shared_apps.platform.console_actions import confirm_and_apply
from tenants.models import Snapshot
from tenants.snapshots import snapshot_delete


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    console_audited = True  # read-only; its action calls the audited service
    list_display = ["name", "owner", "source_workspace_name", "status", "created_at"]
    list_filter = ["status", ("agency", admin.EmptyFieldListFilter)]
    search_fields = ["name", "description", "source_workspace_name", "agency__name", "schema_name"]
    list_select_related = ["agency", "created_by"]
    date_hierarchy = "created_at"
    actions = ["delete_selected_snapshots"]
    fields = [
        "name",
        "description",
        "owner",
        "source_workspace_name",
        "source_workspace_id",
        "schema_name",
        "status",
        "failure_reason",
        "kept",
        "created_by",
        "created_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="Owner", ordering="agency__name")
    def owner(self, obj: Snapshot) -> str:
        return obj.agency.name if obj.agency_id else "Platform"

    @admin.display(description="Kept (rows per table)")
    def kept(self, obj: Snapshot):
        rows = [(table, count) for table, count in sorted(obj.contents.items()) if count]
        if not rows:
            return "Nothing yet."
        return format_html_join("", "<div><code>{}</code>: {}</div>", rows)

    @admin.action(description="Delete selected snapshots…")
    def delete_selected_snapshots(self, request, queryset):
        return confirm_and_apply(
            self,
            request,
            queryset,
            action="delete_selected_snapshots",
            title="Delete snapshots",
            question="Delete these snapshots? Their schemas and files are dropped; workspaces "
            "already provisioned from them keep their own copies.",
            button="Delete",
            apply=lambda snapshot, reason: snapshot_delete(snapshot=snapshot, actor=request.user),
            done_message="Deleted {count} snapshot(s).",
            ask_reason=False,
            warning="This cannot be undone.",
        )
