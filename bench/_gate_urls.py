"""URLs for bench/feature_gate.py: one staff page, ungated and gated. The leading
underscore keeps `make bench` from running this module on its own."""

from django.http import HttpResponse
from django.urls import path

from config.urls_tenant import urlpatterns as tenant_urlpatterns
from shared_apps.billing.gate import feature_required
from tenants.roles import Permission, workspace_permission_required

BODY = b"<!doctype html><title>Contacts</title><p>12 contacts</p>"


@workspace_permission_required(Permission.CONTENT_VIEW)
def contacts_ungated(request):
    return HttpResponse(BODY)


@workspace_permission_required(Permission.CONTENT_VIEW)
@feature_required("crm")
def contacts_gated(request):
    return HttpResponse(BODY)


@workspace_permission_required(Permission.CONTENT_VIEW)
@feature_required("store")
def shop_gated(request):  # the bench workspace has no store: the gate must refuse
    return HttpResponse(BODY)


urlpatterns = [
    path("bench/ungated/", contacts_ungated),
    path("bench/gated/", contacts_gated),
    path("bench/gated-off/", shop_gated),
    *tenant_urlpatterns,
]
