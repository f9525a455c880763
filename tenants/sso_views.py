from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from config.errors import ApplicationError, NotFoundError
from tenants.agency_selectors import agency_client_get
from tenants.errors import SsoError
from tenants.routing import host_from_request
from tenants.selectors import workspace_for_identity
from tenants.sso import agency_client_hop_url, sso_hop_url, sso_token_redeem


@login_required
@require_POST
def workspace_open(request, workspace_id):
    """Platform host: hop to one of my workspaces (its dashboard by default). An agency's
    dashboard host: hop into one of the agency's clients."""
    if getattr(request, "agency", None) is not None:
        return _agency_client_open(request, workspace_id)
    workspace = workspace_for_identity(identity=request.user, workspace_id=workspace_id)
    try:
        url = sso_hop_url(
            identity=request.user, workspace=workspace, next_path=request.POST.get("next")
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("workspaces:dashboard")
    return redirect(url)


def _agency_client_open(request, workspace_id):
    agency = request.agency
    client = agency_client_get(agency=agency, client_id=workspace_id)  # 404 outside it
    try:
        url = agency_client_hop_url(
            identity=request.user,
            agency=agency,
            workspace=client,
            next_path=request.POST.get("next"),
            request=request,
        )
    except NotFoundError as error:
        raise Http404(error.message) from error
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("workspaces:dashboard")
    return redirect(url)


@require_GET
def sso_accept(request):
    """Workspace host: redeem a hop token and sign the member's mirror in here."""
    try:
        landing = sso_token_redeem(
            token=request.GET.get("token", ""),
            host=host_from_request(request),
            workspace=request.workspace,
            request=request,
        )
    except SsoError as error:
        return render(request, "tenants/sso_refused.html", {"error": error}, status=error.status)
    login(request, landing.user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect(landing.next_path)
