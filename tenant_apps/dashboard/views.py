from django.shortcuts import render

from cms.selectors import site_default
from tenants.roles import Permission, workspace_permission_required


@workspace_permission_required(Permission.CONTENT_VIEW)
def dashboard_home(request):
    return render(request, "dashboard/home.html", {"active_module": "home", "site": site_default()})
