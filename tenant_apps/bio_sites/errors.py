from enum import StrEnum

from config.errors import ApplicationError


class BioErrorCode(StrEnum):
    SUBMISSION_INVALID = "bio_submission_invalid"
    SUBMISSION_RATE_LIMITED = "bio_submission_rate_limited"
    ANALYTICS_RANGE_INVALID = "bio_analytics_range_invalid"
    COMPONENT_TYPE_UNKNOWN = "bio_component_type_unknown"
    COMPONENT_DATA_INVALID = "bio_component_data_invalid"
    COMPONENT_SCHEDULE_INVALID = "bio_component_schedule_invalid"
    SITE_INVALID = "bio_site_invalid"
    SITE_SLUG_TAKEN = "bio_site_slug_taken"
    NOTHING_TO_UNDO = "bio_nothing_to_undo"
    EXPERIMENT_INVALID = "bio_experiment_invalid"
    EXPERIMENT_RUNNING = "bio_experiment_running"
    EXPERIMENT_NOT_RUNNING = "bio_experiment_not_running"


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


class ExperimentInvalidError(ApplicationError):
    code = BioErrorCode.EXPERIMENT_INVALID
    status = 422
    message = "Some of the A/B test's settings are not valid."


class ExperimentAlreadyRunningError(ApplicationError):
    code = BioErrorCode.EXPERIMENT_RUNNING
    status = 409
    message = "This page already has an A/B test running. End it before starting another."


class ExperimentNotRunningError(ApplicationError):
    code = BioErrorCode.EXPERIMENT_NOT_RUNNING
    status = 409
    message = "This A/B test has already ended."


class NothingToUndoError(ApplicationError):
    code = BioErrorCode.NOTHING_TO_UNDO
    status = 409
    message = "There is no change to undo."


class AnalyticsRangeInvalidError(ApplicationError):
    code = BioErrorCode.ANALYTICS_RANGE_INVALID
    message = "Choose a valid date range."


class SubmissionInvalidError(ApplicationError):
    code = BioErrorCode.SUBMISSION_INVALID
    status = 422
    message = "Please check the form."


class SubmissionRateLimitedError(ApplicationError):
    code = BioErrorCode.SUBMISSION_RATE_LIMITED
    status = 429
    message = "Too many messages from you just now. Please try again in a few minutes."
