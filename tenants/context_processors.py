from django.conf import settings

from tenants.branding import branding_with_defaults
from tenants.selectors import platform_url


def workspace(request):
    """What every layout needs to wear the right brand. Reads only the routed workspace
    already on the request: no queries."""
    current = getattr(request, "workspace", None)
    return {
        "workspace": current,
        "brand": branding_with_defaults(current.branding if current else None),
        "brand_name": current.name if current else settings.PLATFORM_NAME,
        "platform_name": settings.PLATFORM_NAME,
        # The workspace switcher's way back to every workspace the identity belongs to.
        "platform_dashboard_url": platform_url(path="/dashboard/"),
    }
