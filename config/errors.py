"""The one error type services raise, and the one JSON shape it becomes.

Shape: {"error": {"code": "...", "message": "...", "fields": {"name": ["..."]}}}
HTML views turn the same error into a form error or a message.
"""

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """Codes that belong to no app in particular. Apps add theirs in their errors.py."""

    VALIDATION = "validation_error"
    NOT_FOUND = "not_found"
    NOT_AUTHENTICATED = "not_authenticated"
    PERMISSION_DENIED = "permission_denied"
    RATE_LIMITED = "rate_limited"
    SERVER_ERROR = "server_error"


class ApplicationError(Exception):
    code: str = ErrorCode.VALIDATION
    status: int = 400
    message: str = "The request could not be completed."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
        status: int | None = None,
    ):
        self.message = message or self.message
        self.code = str(code or self.code)
        self.fields = fields or {}
        self.status = status or self.status
        super().__init__(self.message)

    def as_dict(self) -> dict[str, Any]:
        return error_body(self.code, self.message, self.fields)


class NotFoundError(ApplicationError):
    code = ErrorCode.NOT_FOUND
    status = 404
    message = "Not found."


class PermissionDeniedError(ApplicationError):
    code = ErrorCode.PERMISSION_DENIED
    status = 403
    message = "You do not have permission to do that."


def error_body(code: str, message: str, fields: dict | None = None) -> dict[str, Any]:
    return {"error": {"code": str(code), "message": message, "fields": fields or {}}}
