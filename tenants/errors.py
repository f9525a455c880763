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
    DOMAIN_RESERVED = "domain_reserved"
    DOMAIN_NOT_VERIFIED = "domain_not_verified"
    DOMAIN_PROTECTED = "domain_protected"
    DOMAIN_LIMIT = "domain_limit_reached"
    SNAPSHOT_UNAVAILABLE = "snapshot_unavailable"
    SNAPSHOT_INVALID = "snapshot_invalid"


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


class SnapshotUnavailableError(ApplicationError):
    code = WorkspaceErrorCode.SNAPSHOT_UNAVAILABLE
    status = 409
    message = "That snapshot is not ready to provision from, or is not yours to use."


class SnapshotError(ApplicationError):
    code = WorkspaceErrorCode.SNAPSHOT_INVALID


class WorkspaceStatusError(ApplicationError):
    code = WorkspaceErrorCode.STATUS_CONFLICT
    status = 409


class DomainError(ApplicationError):
    code = WorkspaceErrorCode.DOMAIN_INVALID


class SsoErrorCode(StrEnum):
    EXPIRED = "sso_expired"
    INVALID = "sso_invalid"
    REPLAYED = "sso_replayed"
    WRONG_HOST = "sso_wrong_host"
    NOT_MEMBER = "sso_not_member"
    UNAVAILABLE = "sso_workspace_unavailable"
    TWO_FACTOR_REQUIRED = "sso_two_factor_required"


class SsoError(ApplicationError):
    code = SsoErrorCode.INVALID
    status = 400


class TeamErrorCode(StrEnum):
    ALREADY_MEMBER = "team_already_member"
    INVITATION_OPEN = "team_invitation_open"
    INVITATION_INVALID = "team_invitation_invalid"
    INVITATION_EXPIRED = "team_invitation_expired"
    INVITATION_USED = "team_invitation_used"
    INVITATION_REVOKED = "team_invitation_revoked"
    INVITATION_EMAIL_MISMATCH = "team_invitation_email_mismatch"
    LAST_OWNER = "team_last_owner"
    ROLE_INVALID = "team_role_invalid"
    OVERRIDES_INVALID = "team_overrides_invalid"


class TeamError(ApplicationError):
    code = TeamErrorCode.ROLE_INVALID


class BrandingErrorCode(StrEnum):
    INVALID = "branding_invalid"
    WHITE_LABEL_REQUIRED = "branding_white_label_required"


class BrandingError(ApplicationError):
    code = BrandingErrorCode.INVALID
    message = "Some branding settings are invalid."
