from enum import StrEnum

from config.errors import ApplicationError


class BioErrorCode(StrEnum):
    COMPONENT_TYPE_UNKNOWN = "bio_component_type_unknown"
    COMPONENT_DATA_INVALID = "bio_component_data_invalid"
    COMPONENT_SCHEDULE_INVALID = "bio_component_schedule_invalid"
    SITE_INVALID = "bio_site_invalid"
    SITE_SLUG_TAKEN = "bio_site_slug_taken"


class ComponentTypeUnknownError(ApplicationError):
    code = BioErrorCode.COMPONENT_TYPE_UNKNOWN
    message = "That component type does not exist. Choose one from the component list."


class ComponentDataInvalidError(ApplicationError):
    code = BioErrorCode.COMPONENT_DATA_INVALID
    message = "Some of the component's settings are not valid."


class ComponentScheduleInvalidError(ApplicationError):
    code = BioErrorCode.COMPONENT_SCHEDULE_INVALID
    message = "The component's visibility window is not valid."


class BioSiteInvalidError(ApplicationError):
    code = BioErrorCode.SITE_INVALID
    message = "Some of the bio site's settings are not valid."


class BioSiteSlugTakenError(ApplicationError):
    code = BioErrorCode.SITE_SLUG_TAKEN
    message = "Another bio site already uses that address."
