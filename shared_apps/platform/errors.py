from enum import StrEnum

from django.core.exceptions import ImproperlyConfigured

from config.errors import ApplicationError


class PlatformErrorCode(StrEnum):
    VAULT_NOT_CONFIGURED = "vault_not_configured"
    SECRET_UNREADABLE = "secret_unreadable"
    SECRET_INVALID = "secret_invalid"
    SETTING_INVALID = "setting_invalid"
    REASON_REQUIRED = "reason_required"
    CONSOLE_ACTION_REFUSED = "console_action_refused"
    PLAN_INVALID = "plan_invalid"
    FEATURE_UNKNOWN = "feature_unknown"


class PlatformError(ApplicationError):
    code = PlatformErrorCode.SETTING_INVALID


class VaultNotConfiguredError(PlatformError, ImproperlyConfigured):
    """VAULT_KEYS is missing or holds something that is not a Fernet key: a deployment
    mistake, so it is also an ImproperlyConfigured."""

    code = PlatformErrorCode.VAULT_NOT_CONFIGURED
    status = 500


class SecretUnreadableError(PlatformError):
    """A stored token opens with none of the configured keys (a key was removed before
    `vault_rotate` moved every secret off it, or the row was tampered with)."""

    code = PlatformErrorCode.SECRET_UNREADABLE
    status = 500


class SecretInvalidError(PlatformError):
    code = PlatformErrorCode.SECRET_INVALID


class SettingInvalidError(PlatformError):
    code = PlatformErrorCode.SETTING_INVALID


class ConsoleActionError(PlatformError):
    """A console action that cannot be done (on yourself, on nothing, without a reason)."""

    code = PlatformErrorCode.CONSOLE_ACTION_REFUSED
