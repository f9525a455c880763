from enum import StrEnum

from config.errors import ApplicationError


class WorkspaceErrorCode(StrEnum):
    SLUG_INVALID = "workspace_slug_invalid"
    SLUG_TAKEN = "workspace_slug_taken"
    SLUG_RESERVED = "workspace_slug_reserved"
    TEMPLATE_MISSING = "workspace_template_missing"
    SUSPENDED = "workspace_suspended"
    STATUS_CONFLICT = "workspace_status_conflict"
    CONFIRMATION_MISMATCH = "workspace_confirmation_mismatch"
    DOMAIN_INVALID = "domain_invalid"
    DOMAIN_TAKEN = "domain_taken"


class WorkspaceSlugError(ApplicationError):
    code = WorkspaceErrorCode.SLUG_INVALID


class TemplateSchemaMissingError(ApplicationError):
    """Provisioning never falls back to running migrations: that would hide a broken deploy."""

    code = WorkspaceErrorCode.TEMPLATE_MISSING
    status = 503
    message = (
        "The workspace template schema is missing. Run `python manage.py migrate_platform` "
        "before provisioning workspaces."
    )


class WorkspaceStatusError(ApplicationError):
    code = WorkspaceErrorCode.STATUS_CONFLICT
    status = 409


class DomainError(ApplicationError):
    code = WorkspaceErrorCode.DOMAIN_INVALID
