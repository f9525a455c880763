from enum import StrEnum

from config.errors import ApplicationError


class CmsErrorCode(StrEnum):
    NEWSLETTER_EMAIL_INVALID = "newsletter_email_invalid"


class NewsletterEmailInvalidError(ApplicationError):
    code = CmsErrorCode.NEWSLETTER_EMAIL_INVALID
    message = "Enter a valid email address, like name@example.com."
