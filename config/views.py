"""Error handlers for both URL confs: JSON in the one error shape under /api/, the
branded page elsewhere."""

from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from config.errors import ErrorCode, error_body


def page_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(ErrorCode.NOT_FOUND, "Not found."), status=404)
    return render(request, "404.html", status=404)


def permission_denied(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body(ErrorCode.PERMISSION_DENIED, "You do not have permission to do that."),
            status=403,
        )
    user = getattr(request, "user", None)
    is_staff = bool(getattr(user, "is_staff_mirror", False)) and user.is_authenticated
    workspace = getattr(request, "workspace", None)
    return render(
        request,
        "errors/403.html",
        {"layout": "layouts/dashboard.html" if is_staff and workspace else "layouts/public.html"},
        status=403,
    )


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body(ErrorCode.SERVER_ERROR, "Something went wrong on our side."), status=500
        )
    # No request context: whatever broke may be what a context processor needs (the
    # session, the user, the database). The brand comes from the routed workspace or
    # agency already in memory, so the page still wears it without a query.
    from tenants.theme import brand_context_safe

    workspace = getattr(request, "workspace", None) or _tenant_workspace()
    context = brand_context_safe(workspace=workspace, agency=getattr(request, "agency", None))
    return HttpResponseServerError(render_to_string("500.html", context))


def _tenant_workspace():
    from tenants.models import Workspace

    tenant = getattr(connection, "tenant", None)
    return tenant if isinstance(tenant, Workspace) else None
