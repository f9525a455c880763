import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from shared_apps.platform.typed import TypedValueError, typed_value_check


class AuditEvent(models.Model):
    """Who did what to which control-plane object: roles, money, security, lifecycle."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept beside the foreign key so the trail survives the actor's deletion.
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    # The workspace concerned, by id: workspaces can be deleted, their trail cannot.
    workspace_id = models.UUIDField(null=True, blank=True, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # From where: the client address and browser of the request that caused it, if any.
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action}"


# Secret names read like settings: `stripe_secret_key`, `openai_api_key`, `smtp_password`.
SECRET_NAME_PATTERN = r"^[a-z][a-z0-9_]*$"


class Secret(models.Model):
    """A third-party credential (the spec's `admin_api_keys`), encrypted at rest.

    `value_encrypted` is a Fernet token made with the first of `VAULT_KEYS`; the database
    never holds the key, so a leaked backup or a read-only SQL injection yields nothing
    usable. The value is never shown again after saving: people see `masked_hint`.
    Reads and writes go through `shared_apps.platform.vault`.
    """

    id = models.BigAutoField(primary_key=True)
    name = models.CharField(
        max_length=64,
        unique=True,
        validators=[
            RegexValidator(
                SECRET_NAME_PATTERN,
                "Lower-case letters, digits and underscores, starting with a letter "
                "(for example stripe_secret_key).",
            )
        ],
    )
    description = models.CharField(max_length=255, blank=True)
    value_encrypted = models.TextField(editable=False)
    # The last four characters of a long value (never of a short one, where four would
    # give most of it away), so people can tell which key is stored.
    masked_hint = models.CharField(max_length=16, blank=True, editable=False)
    # Fingerprint of the vault key that made the token: after adding a key, rows still on
    # an older one show up here until `vault_rotate` re-encrypts them.
    key_id = models.CharField(max_length=16, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When the value was last read by code (at most one write a minute, see vault).
    last_used_at = models.DateTimeField(null=True, blank=True)
    rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def masked(self) -> str:
        return f"••••{self.masked_hint}" if self.masked_hint else "••••••••"


class PlatformSetting(models.Model):
    """A typed, platform-wide setting the owner edits in the console (the spec's
    `admin_settings`). The value is stored as JSON and must match `type`; read it with
    `shared_apps.platform.selectors.platform_setting_get` (cached), write it with
    `services.platform_setting_set` (validated, audited, invalidates the cache)."""

    class Type(models.TextChoices):
        STRING = "string", "String"
        NUMBER = "number", "Number"
        BOOLEAN = "boolean", "Boolean"
        JSON = "json", "JSON"

    id = models.BigAutoField(primary_key=True)
    key = models.CharField(
        max_length=100,
        unique=True,
        validators=[
            RegexValidator(
                r"^[a-z][a-z0-9_.]*$",
                "Lower-case letters, digits, dots and underscores, starting with a letter "
                "(for example signup.enabled).",
            )
        ],
    )
    type = models.CharField(max_length=8, choices=Type.choices)
    value = models.JSONField(null=True, blank=True)
    description = models.CharField(max_length=255, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key

    def clean(self) -> None:
        try:
            typed_value_check(type=self.type, value=self.value)
        except TypedValueError as exc:
            raise ValidationError({"value": str(exc)}) from exc
