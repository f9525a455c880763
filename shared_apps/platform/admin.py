"""The platform's own pages in the console: audit log, secret vault, typed settings."""

import json

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html

from config.errors import ApplicationError
from shared_apps.platform.models import AuditEvent, PlatformSetting, Secret
from shared_apps.platform.services import platform_setting_delete, platform_setting_set
from shared_apps.platform.typed import TypedValueError, typed_value_parse, typed_value_text
from shared_apps.platform.vault import (
    primary_key_id,
    secret_delete,
    secret_describe,
    secret_set,
    vault_is_configured,
    vault_rotate,
)


def _pretty_json(value) -> str:
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, sort_keys=True, default=str))


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The trail of every control-plane change: read-only, searchable, by action."""

    list_display = [
        "occurred_at",
        "action",
        "actor_email",
        "target_type",
        "target_id",
        "workspace_id",
        "ip_address",
    ]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_email", "action", "target_id", "ip_address"]
    date_hierarchy = "occurred_at"
    fields = [
        "occurred_at",
        "action",
        "actor",
        "actor_email",
        "workspace_id",
        "target_type",
        "target_id",
        "details",
        "ip_address",
        "user_agent",
    ]
    readonly_fields = fields
    list_select_related = ["actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # An audit trail that its subjects can prune is not one.
        return False

    @admin.display(description="Data")
    def details(self, obj: AuditEvent) -> str:
        return _pretty_json(obj.data)


# Secret vault ---------------------------------------------------------------------------


class SecretForm(forms.ModelForm):
    """The value is write-only: never put back in the page, not even after an error."""

    value = forms.CharField(
        label="Value",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Stored encrypted; it is never shown again, only its last characters.",
    )

    class Meta:
        model = Secret
        fields = ["name", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["value"].label = "Replace with"
            self.fields["value"].help_text = (
                "Leave empty to keep the stored value. A new value is encrypted and "
                "never shown again."
            )
        else:
            self.fields["value"].required = True

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("value") and not vault_is_configured():
            raise forms.ValidationError(
                "The vault has no key: set VAULT_KEYS (see the README) before storing secrets."
            )
        return cleaned


@admin.register(Secret)
class SecretAdmin(admin.ModelAdmin):
    console_audited = True  # its writes go through audited services
    form = SecretForm
    list_display = [
        "name",
        "description",
        "masked",
        "key",
        "updated_at",
        "updated_by",
        "last_used_at",
    ]
    search_fields = ["name", "description"]
    readonly_fields = [
        "masked",
        "key",
        "created_by",
        "created_at",
        "updated_by",
        "updated_at",
        "last_used_at",
        "rotated_at",
    ]
    change_list_template = "admin/console/secret_change_list.html"

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["name", "description", "value"]})]
        return [
            (None, {"fields": ["name", "description", "masked", "value"]}),
            (
                "History",
                {
                    "fields": [
                        "key",
                        "created_by",
                        "created_at",
                        "updated_by",
                        "updated_at",
                        "last_used_at",
                        "rotated_at",
                    ]
                },
            ),
        ]

    def get_readonly_fields(self, request, obj=None):
        # A secret's name is what code asks for: renaming would silently break callers.
        return [*self.readonly_fields, "name"] if obj is not None else self.readonly_fields

    @admin.display(description="Stored value")
    def masked(self, obj: Secret) -> str:
        return obj.masked

    @admin.display(description="Key")
    def key(self, obj: Secret) -> str:
        if not vault_is_configured():
            return obj.key_id
        if obj.key_id == primary_key_id():
            return f"{obj.key_id} (current)"
        return f"{obj.key_id} (older key: re-encrypt)"

    def save_model(self, request, obj, form, change):
        value = form.cleaned_data.get("value")
        description = form.cleaned_data.get("description", "")
        if value:
            saved = secret_set(
                name=obj.name,
                value=value,
                description=description,
                actor=request.user,
                request=request,
            )
        else:
            saved = secret_describe(
                secret=Secret.objects.get(pk=obj.pk),
                description=description,
                actor=request.user,
                request=request,
            )
        # The admin goes on with `obj` (messages, redirects): make it the saved row.
        obj.pk = saved.pk
        obj._state.adding = False

    def delete_model(self, request, obj):
        secret_delete(name=obj.name, actor=request.user, request=request)

    def delete_queryset(self, request, queryset):
        for secret in queryset:
            secret_delete(name=secret.name, actor=request.user, request=request)

    def get_urls(self):
        return [
            path(
                "rotate/",
                self.admin_site.admin_view(self.rotate_view),
                name="platform_secret_rotate",
            ),
            *super().get_urls(),
        ]

    def rotate_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            count = vault_rotate(actor=request.user, request=request)
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
        else:
            self.message_user(
                request, f"Re-encrypted {count} secret(s) with key {primary_key_id()}."
            )
        return HttpResponseRedirect(reverse("admin:platform_secret_changelist"))

    def changelist_view(self, request, extra_context=None):
        configured = vault_is_configured()
        extra_context = {
            **(extra_context or {}),
            "vault_configured": configured,
            "vault_key_id": primary_key_id() if configured else "",
        }
        return super().changelist_view(request, extra_context=extra_context)


# Typed settings ---------------------------------------------------------------------------


class PlatformSettingForm(forms.ModelForm):
    value = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text="String: any text. Number: 10 or 2.5. Boolean: true or false. "
        'JSON: any JSON value, e.g. {"limit": 5}.',
    )

    class Meta:
        model = PlatformSetting
        fields = ["key", "type", "value", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["value"] = typed_value_text(
                type=self.instance.type, value=self.instance.value
            )

    def _update_errors(self, errors):
        # When the text did not parse, the model's own check (run on the old value)
        # would only add a second, vaguer message to the field.
        if self.has_error("value") and hasattr(errors, "error_dict"):
            errors.error_dict.pop("value", None)
            if not errors.error_dict:
                return
        super()._update_errors(errors)

    def clean_value(self):
        type_ = self.cleaned_data.get("type") or (self.instance.type if self.instance.pk else "")
        if not type_:
            return None  # the type's own error says what is wrong
        try:
            return typed_value_parse(type=type_, text=self.cleaned_data.get("value") or "")
        except TypedValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


@admin.register(PlatformSetting)
class PlatformSettingAdmin(admin.ModelAdmin):
    console_audited = True  # its writes go through audited services
    form = PlatformSettingForm
    list_display = ["key", "type", "value_preview", "description", "updated_at", "updated_by"]
    list_filter = ["type"]
    search_fields = ["key", "description"]
    readonly_fields = ["updated_by", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        # Code reads settings by key: a rename would silently fall back to defaults.
        return [*self.readonly_fields, "key"] if obj is not None else self.readonly_fields

    @admin.display(description="Value")
    def value_preview(self, obj: PlatformSetting) -> str:
        text = typed_value_text(type=obj.type, value=obj.value).replace("\n", " ")
        return text if len(text) <= 80 else text[:77] + "..."

    def save_model(self, request, obj, form, change):
        saved = platform_setting_set(
            key=obj.key,
            type=obj.type,
            value=obj.value,
            description=obj.description,
            actor=request.user,
            request=request,
        )
        obj.pk = saved.pk
        obj._state.adding = False

    def delete_model(self, request, obj):
        platform_setting_delete(setting=obj, actor=request.user, request=request)

    def delete_queryset(self, request, queryset):
        for setting in queryset:
            platform_setting_delete(setting=setting, actor=request.user, request=request)
