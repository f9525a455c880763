from django.http import HttpRequest
from ninja import Router

from shared_apps.billing.gate import api_feature_required
from shared_apps.billing.schemas import FeatureOut
from shared_apps.billing.selectors import feature_rows_for_workspace, plans_available
from tenants.roles import Permission, user_require

workspace_router = Router(tags=["billing"])


# Not paginated: the catalog is a fixed, short list (18 features), always read whole.
@workspace_router.get(
    "/features",
    response=list[FeatureOut],
    summary="The feature catalog with each feature's state in this workspace",
)
@api_feature_required("api_access")
def features_list(request: HttpRequest):
    """Staff of the workspace only. Part of the API access feature: without it the
    answer is a 403 with code `feature_disabled`."""
    user_require(user=request.user, permission=Permission.CONTENT_VIEW)
    return feature_rows_for_workspace(workspace=request.workspace, plans=plans_available())
