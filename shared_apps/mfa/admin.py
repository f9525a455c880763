from django.contrib import admin

from shared_apps.mfa.models import TOTPDevice
from shared_apps.mfa.services import totp_device_reset


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin):
    """Who uses an authenticator app, and a way to remove one for someone who lost
    their phone and their recovery codes. The secret is never shown here."""

    list_display = ["identity", "confirmed_at", "last_used_at", "created_at"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["identity__email"]
    fields = ["identity", "created_at", "confirmed_at", "last_used_at"]
    readonly_fields = fields
    actions = ["reset_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        # Removal goes through the audited action below, not the stock bulk delete.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_model(self, request, obj):
        totp_device_reset(device=obj, actor=request.user, request=request)

    @admin.action(description="Remove the authenticator app (the person sets up a new one)")
    def reset_selected(self, request, queryset):
        for device in queryset.select_related("identity"):
            totp_device_reset(device=device, actor=request.user, request=request)
        self.message_user(request, "Removed. They can now sign in with their password alone.")
