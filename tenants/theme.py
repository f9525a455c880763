"""The one theme mechanism: a site's brand as CSS custom properties plus its sanitised
custom CSS, served from the site's own host as /theme.css?v=<version>.

A "site" is whoever a host speaks for: a workspace, an agency, or the platform itself.
Everything here reads the routed objects already on the request (the workspace cached by
host routing carries its branding, files and agency), so a warm page costs no query:

    brand_context(workspace=…, agency=…) -> the template variables every layout reads
    theme_version(owner) -> a short hash of everything the theme CSS is made from
    theme_css(owner) -> the CSS, cached in the tenant-scoped cache under that hash

The version changes whenever the branding does, so browsers may keep /theme.css?v=…
forever (immutable) and a change shows on the next page load.
"""

import hashlib
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.html import escape

from tenants.branding import FONT_STACKS, branding_with_defaults, social_links_display
from tenants.css_sanitizer import CssSanitizeError, css_sanitize

logger = logging.getLogger(__name__)

THEME_CACHE_SECONDS = 7 * 24 * 3600
# Bumped when the shape of the generated CSS changes, so cached copies are not reused.
THEME_FORMAT = "2"


def _owner_key(owner) -> str:
    if owner is None:
        return "platform"
    return f"{owner._meta.model_name}:{owner.pk}"


def _file_name(owner, field: str) -> str:
    file = getattr(owner, field, None) if owner is not None else None
    return file.name if file else ""


def asset_version(owner, field: str) -> str | None:
    """The version of the owner's logo or favicon: recorded by the branding service, or
    (for a file stored some other way) derived from its stored name; None without one."""
    if owner is None:
        return None
    name = _file_name(owner, field)
    if not name:
        return None
    branding = owner.branding if isinstance(owner.branding, dict) else {}
    recorded = branding.get(f"{field}_version")
    return recorded or hashlib.sha256(name.encode()).hexdigest()[:12]


def theme_version(owner) -> str:
    """A short hash of everything the theme CSS is made from (and of whose it is, so two
    sites never share a cache entry)."""
    branding = owner.branding if owner is not None else {}
    material = json.dumps(
        [THEME_FORMAT, _owner_key(owner), branding if isinstance(branding, dict) else {}],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(material.encode()).hexdigest()[:16]


def theme_css_render(owner) -> str:
    """The theme CSS, uncached. Every value was checked (tenants.branding); the custom
    CSS is sanitised again here so a rule tightened later also covers stored CSS."""
    stored = owner.branding if owner is not None and isinstance(owner.branding, dict) else {}
    brand = branding_with_defaults(stored)
    lines = [
        ":root {",
        f"  --brand-primary: {brand['primary_color']};",
        f"  --brand-secondary: {brand['secondary_color']};",
        # The name the design system used before `secondary`.
        f"  --brand-accent: {brand['secondary_color']};",
        f"  --brand-bg: {brand['background_color']};",
        f"  --brand-text: {brand['text_color']};",
        f"  --brand-on-primary: {brand['on_primary']};",
        f"  --brand-font: {FONT_STACKS[brand['font']][1]};",
        f"  --brand-radius: {brand['radius']};",
        "}",
    ]
    css = "\n".join(lines) + "\n"
    custom = stored.get("custom_css")
    if isinstance(custom, str) and custom.strip():
        try:
            css += "\n/* Custom CSS */\n" + css_sanitize(custom)
        except CssSanitizeError as error:
            # Stored before a stricter rule: left out rather than served. The settings
            # page shows the same problems when the owner next opens it.
            logger.warning("Custom CSS of %s left out: %s", _owner_key(owner), error)
    return css


def theme_css(owner) -> tuple[str, str]:
    """(version, css), from the cache when it has them. The cache is tenant-scoped
    (django-tenants' key function) and the version names the owner too."""
    version = theme_version(owner)
    key = f"theme:css:{version}"
    css = cache.get(key)
    if css is None:
        css = theme_css_render(owner)
        cache.set(key, css, THEME_CACHE_SECONDS)
    return version, css


def _initial(name: str) -> str:
    for ch in name.strip():
        if ch.isalnum():
            return ch.upper()
    return "·"


def monogram_svg(*, name: str, brand: dict) -> str:
    """A square icon with the brand's initial on its primary colour: the favicon and app
    icon of a site without uploaded ones."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        f'<rect width="64" height="64" rx="14" fill="{brand["primary_color"]}"/>'
        '<text x="32" y="44" font-family="system-ui,-apple-system,Segoe UI,Roboto,sans-serif" '
        f'font-size="36" font-weight="700" fill="{brand["on_primary"]}" text-anchor="middle">'
        f"{escape(_initial(name))}</text></svg>"
    )


@dataclass(frozen=True)
class Site:
    """Whose brand a host wears."""

    owner: object  # Workspace, Agency, or None for the platform
    kind: str  # "workspace" | "agency" | "platform"
    name: str
    brand: dict
    white_label: bool


def site_for(*, workspace=None, agency=None) -> Site:
    # Imported here: white_label reads the billing gate, which imports tenants.selectors.
    from tenants.white_label import workspace_is_white_label

    if workspace is not None:
        brand = branding_with_defaults(workspace.branding)
        return Site(
            owner=workspace,
            kind="workspace",
            name=brand["display_name"] or workspace.name,
            brand=brand,
            white_label=workspace_is_white_label(workspace=workspace),
        )
    if agency is not None:
        brand = branding_with_defaults(agency.branding)
        return Site(
            owner=agency,
            kind="agency",
            name=brand["display_name"] or agency.name,
            brand=brand,
            white_label=True,  # an agency's own host never shows the platform
        )
    return Site(
        owner=None,
        kind="platform",
        name=settings.PLATFORM_NAME,
        brand=branding_with_defaults({}),
        white_label=False,
    )


def site_for_request(request) -> Site:
    return site_for(
        workspace=getattr(request, "workspace", None), agency=getattr(request, "agency", None)
    )


def home_dashboard_url(site: Site) -> str | None:
    """Where the dashboard's "All workspaces" link goes: the platform's dashboard for a
    normal workspace, the agency's for its clients, nowhere for an enterprise white
    label (its people know only this workspace's brand)."""
    if site.kind != "workspace":
        return None
    workspace = site.owner
    if workspace.agency_id is not None:
        from tenants.agency_selectors import agency_dashboard_url

        # `primary_host` rides along with the routing-cached workspace: no query.
        return agency_dashboard_url(agency=workspace.agency)
    if site.white_label:
        return None
    from tenants.selectors import platform_url

    return platform_url(path="/dashboard/")


def brand_context(*, workspace=None, agency=None, site: Site | None = None) -> dict:
    """What every layout, error page and the Wagtail admin read to wear a brand. Reads
    only the objects passed in: no queries on a routed request."""
    site = site or site_for(workspace=workspace, agency=agency)
    owner = site.owner
    version = theme_version(owner)
    logo_version = asset_version(owner, "logo")
    favicon_version = asset_version(owner, "favicon") or logo_version
    on_site = site.kind != "platform"
    return {
        "brand": site.brand,
        "brand_name": site.name,
        "brand_site_kind": site.kind,
        "white_label": site.white_label,
        # The platform's own pages do not advertise it; workspaces without white label do.
        "show_powered_by": site.kind == "workspace" and not site.white_label,
        "theme_css_url": f"/theme.css?v={version}",
        "brand_logo_url": f"/brand/logo?v={logo_version}" if on_site and logo_version else None,
        "brand_icon_url": (
            f"/favicon.ico?v={favicon_version}"
            if on_site and favicon_version
            else f"/brand/icon.svg?v={version}"
        ),
        "manifest_url": "/manifest.webmanifest",
        "social_links": social_links_display(site.brand),
        "home_dashboard_url": home_dashboard_url(site),
        "platform_name": site.name if site.white_label else settings.PLATFORM_NAME,
    }


def brand_context_safe(*, workspace=None, agency=None) -> dict:
    """For the 500 page: the brand if it can be had from memory, else a brand-less page
    that still never names the platform (fail closed: `white_label` true)."""
    try:
        return brand_context(workspace=workspace, agency=agency)
    except Exception:  # whatever broke the page may be what the brand needs
        logger.exception("Brand unavailable for the error page")
        return {"brand": None, "brand_name": "", "white_label": True, "show_powered_by": False}
