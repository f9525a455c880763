from django.apps import AppConfig


class MfaConfig(AppConfig):
    """Two-factor authentication for platform identities (public schema only)."""

    name = "shared_apps.mfa"
    label = "mfa"
    verbose_name = "Two-factor authentication"
