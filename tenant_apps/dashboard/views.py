from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from cms.selectors import site_default
from tenant_apps.dashboard.modules import dashboard_modules


@login_required
def dashboard_home(request):
    return render(
        request,
        "dashboard/home.html",
        {"modules": dashboard_modules(), "active_module": "home", "site": site_default()},
    )
