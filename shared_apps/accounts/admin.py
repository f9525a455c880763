"""Identities in the platform owner's console (shared_apps.platform.console_site).

Signing in is controlled through audited actions (disable, enable, force a password
reset, remove two-factor), not by ticking `is_active`: disabling must also end every
session, on the platform and on each workspace host. Edits made in the form itself
(names, email, platform-owner status, a password set by hand) are audited too.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpResponseRedirect

from shared_apps.accounts.models import User
from shared_apps.mfa.models import TOTPDevice
from shared_apps.platform.console import (
    identity_disable,
    identity_enable,
    identity_password_reset_force,
    identity_two_factor_reset,
)
from shared_apps.platform.console_actions import confirm_and_apply
from shared_apps.platform.console_site import ReadOnlyInline
from shared_apps.platform.services import audit_record
from tenants.models import Membership

# Changes of these fields are audited with their old and new values.
_AUDITED_FIELDS = ["email", "first_name", "last_name", "is_staff", "is_superuser", "groups"]


class MembershipInline(ReadOnlyInline):
    model = Membership
    fk_name = "identity"
    fields = ["workspace", "role", "joined_at", "invited_at"]
    readonly_fields = fields
    verbose_name_plural = "Workspaces"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    console_audited = True  # its writes go through audited services
    ordering = ["email"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "is_active",
        "is_superuser",
        "two_factor",
        "last_login",
    ]
    list_filter = ["is_active", "is_superuser", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = [
        "uuid",
        "identity_id",
        "is_active",
        "two_factor",
        "last_login",
        "date_joined",
    ]
    fieldsets = [
        (None, {"fields": ["email", "password", "uuid", "identity_id"]}),
        ("Name", {"fields": ["first_name", "last_name"]}),
        (
            "Access",
            {
                "fields": ["is_active", "two_factor", "is_staff", "is_superuser", "groups"],
                "description": "Use the actions of the identity list to disable or enable "
                "sign-in, force a password reset or remove two-factor authentication: "
                "they end sessions and are audited.",
            },
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "password1", "password2"]})]
    inlines = [MembershipInline]
    actions = [
        "disable_selected",
        "enable_selected",
        "force_password_reset_selected",
        "reset_two_factor_selected",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("totp_device")

    def has_delete_permission(self, request, obj=None):
        # Deactivate instead. The admin's delete confirmation walks relations of apps
        # from the other plane; deletion goes through tenants.deletion in code.
        return False

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    @admin.display(description="Two-factor", boolean=True)
    def two_factor(self, obj: User) -> bool:
        try:
            device = obj.totp_device
        except TOTPDevice.DoesNotExist:
            return False
        return device.confirmed_at is not None

    # Auditing edits made in the forms -----------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            audit_record(
                action="console.identity_created",
                actor=request.user,
                target=obj,
                data={"identity": obj.email},
                request=request,
            )
            return
        before = User.objects.get(pk=obj.pk)
        changes = {
            field: [getattr(before, field), getattr(obj, field)]
            for field in _AUDITED_FIELDS
            if field in form.changed_data and field != "groups"
        }
        super().save_model(request, obj, form, change)
        if "groups" in form.changed_data:
            changes["groups"] = sorted(g.name for g in form.cleaned_data["groups"])
        if changes:
            request._console_identity_changes = changes

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changes = getattr(request, "_console_identity_changes", None)
        if change and changes:
            audit_record(
                action="console.identity_changed",
                actor=request.user,
                target=form.instance,
                data={"identity": form.instance.email, "changes": changes},
                request=request,
            )

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if (
            request.method == "POST"
            and isinstance(response, HttpResponseRedirect)
            and response.url != request.get_full_path()
        ):
            identity = self.get_object(request, id)
            audit_record(
                action="console.identity_password_set",
                actor=request.user,
                target=identity,
                data={
                    "identity": identity.email,
                    "usable": identity.has_usable_password(),
                },
                request=request,
            )
        return response

    # Actions -------------------------------------------------------------------------

    @admin.action(description="Disable sign-in and end every session…")
    def disable_selected(self, request, queryset):
        return confirm_and_apply(
            self,
            request,
            queryset,
            action="disable_selected",
            title="Disable identities",
            question="Disable these identities? They cannot sign in any more, and every "
            "session they have, on the platform and on each workspace host, ends now.",
            button="Disable",
            apply=lambda identity, reason: identity_disable(
                identity=identity, actor=request.user, reason=reason, request=request
            ),
            done_message="Disabled {count} of the selected identities.",
        )

    @admin.action(description="Enable sign-in…")
    def enable_selected(self, request, queryset):
        return confirm_and_apply(
            self,
            request,
            queryset,
            action="enable_selected",
            title="Enable identities",
            question="Let these identities sign in again?",
            button="Enable",
            apply=lambda identity, reason: identity_enable(
                identity=identity, actor=request.user, reason=reason, request=request
            ),
            done_message="Enabled {count} of the selected identities.",
            reason_required=False,
        )

    @admin.action(description="Force a password reset…")
    def force_password_reset_selected(self, request, queryset):
        return confirm_and_apply(
            self,
            request,
            queryset,
            action="force_password_reset_selected",
            title="Force a password reset",
            question="Make these identities' passwords stop working now, end their "
            "sessions everywhere, and mail each one a link to choose a new password?",
            button="Force the reset",
            apply=lambda identity, reason: identity_password_reset_force(
                identity=identity, actor=request.user, reason=reason, request=request
            ),
            done_message="Reset {count} password(s); the mails are on their way.",
            reason_required=False,
        )

    @admin.action(description="Remove two-factor authentication…")
    def reset_two_factor_selected(self, request, queryset):
        return confirm_and_apply(
            self,
            request,
            queryset,
            action="reset_two_factor_selected",
            title="Remove two-factor authentication",
            question="Remove these identities' authenticator apps (lost phone and "
            "recovery codes)? They can then sign in with their password alone and set "
            "up a new app.",
            button="Remove",
            apply=lambda identity, reason: identity_two_factor_reset(
                identity=identity, actor=request.user, request=request
            ),
            done_message="Removed the authenticator app of {count} of the selected identities.",
            ask_reason=False,
        )
