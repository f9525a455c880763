"""A workspace-host URLconf with gated example views and API endpoints, on top of the
real ones (the tests switch ROOT_URLCONF to it): the gate is tested through real HTTP,
real middleware and the workspace's host."""

from django.http import HttpResponse
from django.urls import path
from ninja import Router

from config.api import build_api
from config.urls_tenant import urlpatterns as tenant_urlpatterns
from shared_apps.billing.gate import api_feature_required, feature_required
from tenants.roles import Permission, workspace_permission_required


@workspace_permission_required(Permission.CONTENT_VIEW)
def contacts_plain(request):
    return HttpResponse(f"contacts ({request.method})")


# A module's page: the role rule first, then the feature (the same view as above, gated).
@workspace_permission_required(Permission.CONTENT_VIEW)
@feature_required("crm")
def contacts(request):
    return HttpResponse(f"contacts ({request.method})")


@workspace_permission_required(Permission.CONTENT_EDIT)
@feature_required("crm", write=True)
def contact_new(request):
    return HttpResponse("new contact form")


@feature_required("store")
def shop(request):  # a page customers see
    return HttpResponse("the shop")


router = Router()


@router.get("/contacts")
@api_feature_required("crm")
def contacts_api(request):
    return {"contacts": []}


@router.post("/contacts")
@api_feature_required("crm")
def contact_create_api(request):
    return {"created": True}


gate_test_api = build_api(
    title="Gate test API", namespace="gate_test_api", description="", routers={"/crm": router}
)

urlpatterns = [
    path("gated/plain/", contacts_plain),
    path("gated/crm/", contacts),
    path("gated/crm/new/", contact_new),
    path("gated/shop/", shop),
    path("gated-api/", gate_test_api.urls),
    *tenant_urlpatterns,
]
