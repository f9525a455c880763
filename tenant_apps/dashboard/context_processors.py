from tenant_apps.dashboard.modules import dashboard_modules


def modules(request):
    """The dashboard navigation for staff on a workspace host (nothing elsewhere)."""
    # Pages rendered by the routing middleware (suspended workspace) have no user yet.
    user = getattr(request, "user", None)
    if getattr(request, "workspace", None) is None or user is None or not user.is_authenticated:
        return {}
    return {"modules": dashboard_modules(user=user)}
