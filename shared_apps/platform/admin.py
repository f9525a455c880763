from django.contrib import admin

from shared_apps.platform.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "action", "actor_email", "workspace_id", "target_type"]
    list_filter = ["action"]
    search_fields = ["actor_email", "target_id", "action"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
