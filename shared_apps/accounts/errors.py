from enum import StrEnum

from config.errors import ApplicationError


class AccountErrorCode(StrEnum):
    EMAIL_TAKEN = "account_email_taken"
    PASSWORD_INVALID = "account_password_invalid"
    SOCIAL_LAST_SIGN_IN_METHOD = "account_social_last_sign_in_method"


class AccountError(ApplicationError):
    code = AccountErrorCode.EMAIL_TAKEN
