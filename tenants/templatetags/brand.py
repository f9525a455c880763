"""Template helpers for the brand where no request context exists (mail)."""

from django import template
from django.conf import settings

from tenants.selectors import platform_url

register = template.Library()


@register.simple_tag
def mail_powered_by(site):
    """{"name", "url"} of the platform for the "Powered by" line of a mail sent for
    `site` (a tenants.selectors.SiteIdentity), or None: white-labelled sites never name
    the platform, and the platform's own mail does not advertise itself."""
    home = platform_url(path="")
    if site is None or getattr(site, "white_label", True) or site.base_url == home:
        return None
    return {"name": settings.PLATFORM_NAME, "url": platform_url(path="/")}
