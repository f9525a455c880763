from django.http import HttpRequest
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate

from tenants.schemas import MembershipOut, WorkspaceOut
from tenants.selectors import current_workspace, memberships_for_identity

workspace_router = Router(tags=["workspace"])
platform_router = Router(tags=["workspaces"])


@workspace_router.get("", response=WorkspaceOut, summary="The workspace this host serves")
def workspace_current(request: HttpRequest):
    return current_workspace()


@platform_router.get(
    "", response=list[MembershipOut], summary="Workspaces the signed-in identity belongs to"
)
@paginate(PageNumberPagination, page_size=50)
def workspace_list(request: HttpRequest):
    return memberships_for_identity(identity=request.auth)
