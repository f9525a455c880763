from enum import StrEnum

from config.errors import ApplicationError


class TwoFactorErrorCode(StrEnum):
    CODE_INVALID = "two_factor_code_invalid"
    NOT_ENABLED = "two_factor_not_enabled"
    ALREADY_ENABLED = "two_factor_already_enabled"
    NOT_ENROLLING = "two_factor_not_enrolling"
    REAUTHENTICATION_FAILED = "two_factor_reauthentication_failed"
    REQUIRED = "two_factor_required"


class TwoFactorError(ApplicationError):
    code = TwoFactorErrorCode.CODE_INVALID
