from enum import StrEnum

from config.errors import ApplicationError


class AgencyErrorCode(StrEnum):
    INVALID = "agency_invalid"
    SLUG_TAKEN = "agency_slug_taken"
    HOST_INVALID = "agency_host_invalid"
    HOST_TAKEN = "agency_host_taken"
    HOST_LIMIT = "agency_host_limit_reached"
    STAFF_INVALID = "agency_staff_invalid"
    LAST_OWNER = "agency_last_owner"
    PRICE_INVALID = "agency_price_invalid"
    PRICE_BELOW_COST = "agency_price_below_cost"
    CURRENCY_MISMATCH = "agency_currency_mismatch"
    SUSPENDED = "agency_suspended"
    CLIENT_INVALID = "agency_client_invalid"


class AgencyError(ApplicationError):
    code = AgencyErrorCode.INVALID


class AgencyPricingError(ApplicationError):
    code = AgencyErrorCode.PRICE_INVALID
