from enum import StrEnum

from config.errors import ApplicationError

BILLING_PAGE_PATH = "/dashboard/billing/"


class BillingErrorCode(StrEnum):
    FEATURE_DISABLED = "feature_disabled"
    FEATURE_READ_ONLY = "feature_read_only"
    SELECTION_INVALID = "billing_selection_invalid"
    PLAN_UNAVAILABLE = "billing_plan_unavailable"
    PRICE_INVALID = "billing_price_invalid"
    PAYMENTS_UNAVAILABLE = "billing_payments_unavailable"


class BillingError(ApplicationError):
    """A plan, price or feature selection that cannot be accepted (400, field errors)."""

    code = BillingErrorCode.SELECTION_INVALID


class FeatureGateError(ApplicationError):
    """Raised by the feature gate (shared_apps.billing.gate). The API turns it into a 403
    JSON error with a machine-readable code; the message names the upgrade path."""

    status = 403
    code = BillingErrorCode.FEATURE_DISABLED

    def __init__(self, *, feature_key: str, message: str, killed: bool = False):
        super().__init__(message)
        self.feature_key = feature_key
        # Turned off platform-wide: no plan change helps, so no upgrade path is offered.
        self.killed = killed


class FeatureDisabledError(FeatureGateError):
    """The feature is off for this workspace (not enabled, or turned off platform-wide)."""

    code = BillingErrorCode.FEATURE_DISABLED


class FeatureReadOnlyError(FeatureGateError):
    """The feature's data can be read but not changed (grace period over, over the limit)."""

    code = BillingErrorCode.FEATURE_READ_ONLY
