from enum import StrEnum

from config.errors import ApplicationError


class AccountErrorCode(StrEnum):
    EMAIL_TAKEN = "account_email_taken"
    PASSWORD_INVALID = "account_password_invalid"


class AccountError(ApplicationError):
    code = AccountErrorCode.EMAIL_TAKEN
