from django.http import HttpRequest
from ninja import Router

from shared_apps.accounts.schemas import UserOut

# Mounted on both APIs: the same code answers for an identity on the platform host and
# for a tenant-local user on a workspace host; the schema decides which table it reads.
platform_router = Router(tags=["identity"])
workspace_router = Router(tags=["me"])


@platform_router.get("", response=UserOut, summary="The signed-in identity")
def identity_current(request: HttpRequest):
    return request.auth


@workspace_router.get("", response=UserOut, summary="The signed-in user of this workspace")
def user_current(request: HttpRequest):
    return request.auth
