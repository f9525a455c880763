"""Rendering a bio page: the one path the public page, its A/B variants and the editor's
live preview all take, so what the editor shows is what visitors get."""

from django.template.loader import render_to_string

from tenant_apps.bio_sites.models import BioSite
from tenant_apps.bio_sites.selectors import PublicComponent
from tenant_apps.bio_sites.themes import theme_get


def bio_page_html(
    *,
    request,
    site: BioSite,
    components: list[PublicComponent],
    theme_key: str | None = None,
    preview: bool = False,
) -> str:
    """The page's HTML. `theme_key` overrides the site's theme (a variant's); `preview`
    marks the editor's copy (no analytics, links not followed)."""
    theme = theme_get(theme_key or site.theme)
    return render_to_string(
        "bio_sites/page.html",
        {
            "site": site,
            "components": components,
            "theme": theme,
            "theme_variables": theme.css_variables(),
            "preview": preview,
            # The page is shared by every visitor: nobody's CSRF token or flash
            # messages may end up in it.
            "csrf_token": "",
            "messages": (),
        },
        request=request,
    )
