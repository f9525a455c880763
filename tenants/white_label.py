"""Whether the platform may show itself on a workspace: the one rule every template,
mail and header asks."""

from shared_apps.billing.gate import ON, feature_state
from tenants.models import Workspace

WHITE_LABEL_FEATURE = "whitelabel"


def workspace_is_white_label(*, workspace: Workspace | None) -> bool:
    """A client of an agency always is; any other workspace is when its plan gives it
    the white-label feature and the feature is on."""
    if workspace is None:
        return False
    if workspace.agency_id is not None:
        return True
    return feature_state(workspace=workspace, key=WHITE_LABEL_FEATURE) == ON
