from tenants.selectors import platform_url
from tenants.theme import brand_context


def workspace(request):
    """What every layout needs to wear the right brand: the workspace (or agency) already
    on the request, its validated brand, whether the platform may show itself, and the
    URLs of the theme, icons and manifest. Reads only the routed objects: no queries.

    On a white-labelled host `platform_name` is the site's own name and
    `platform_dashboard_url` its own way home (or None), so a template that names "the
    platform" there still speaks for the site, never for us."""
    current = getattr(request, "workspace", None)
    context = brand_context(workspace=current, agency=getattr(request, "agency", None))
    context["workspace"] = current
    on_platform = context["brand_site_kind"] == "platform"
    context["powered_by_url"] = platform_url(path="/") if context["show_powered_by"] else None
    context["platform_dashboard_url"] = (
        platform_url(path="/dashboard/") if on_platform else context["home_dashboard_url"]
    )
    return context
