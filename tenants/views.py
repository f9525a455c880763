from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from config.errors import ApplicationError
from config.forms import form_add_application_error
from tenants.forms import WorkspaceCreateForm
from tenants.selectors import (
    memberships_for_identity,
    workspace_default_host,
    workspace_primary_host,
    workspace_slug_problem,
    workspace_url,
)
from tenants.services import workspace_provision


@login_required
def platform_dashboard(request):
    if getattr(request, "agency", None) is not None:
        # An agency's dashboard host: the agency's own dashboard (tenants.agency_views).
        from tenants.agency_views import agency_home

        return agency_home(request)
    rows = [
        {
            "workspace": membership.workspace,
            "role": membership.get_role_display(),
            "host": workspace_primary_host(workspace=membership.workspace),
            "url": workspace_url(workspace=membership.workspace),
        }
        for membership in memberships_for_identity(identity=request.user)
    ]
    return render(request, "tenants/platform_dashboard.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def workspace_create(request):
    form = WorkspaceCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workspace = workspace_provision(
                name=form.cleaned_data["name"],
                slug=form.cleaned_data["slug"],
                description=form.cleaned_data["description"],
                owner=request.user,
            )
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            messages.success(request, f"{workspace.name} is ready.")
            return redirect("workspaces:dashboard")
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "tenants/workspace_create.html", {"form": form}, status=status)


@login_required
@require_GET
def workspace_slug_check(request):
    """HTMX: live availability of an address while the user types a name or slug."""
    raw = request.GET.get("slug") or request.GET.get("name") or ""
    slug = slugify(raw)[:40].strip("-")
    problem = workspace_slug_problem(slug=slug) if slug else "Choose an address."
    return render(
        request,
        "tenants/_slug_check.html",
        {"slug": slug, "problem": problem, "host": workspace_default_host(slug=slug)},
    )
