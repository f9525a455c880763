"""Which bio sites answer at the workspace's root (/) and at /<slug>/, and the views that
serve them there, falling through to Wagtail's page serving otherwise.

Both paths belong to Wagtail as well, so every page request of the workspace's site
asks this first: the answer is a small map (published slugs, the root slug) kept in the
tenant-scoped cache, so a warm visit costs one cache round trip and no query. The map is
stored with the version token it was built under (as page_cache does), and the token is
replaced after any BioSite write commits: a map built from rows read before the write
carries the old token, which no reader accepts again.

The token is bumped from post_save / post_delete receivers (connected in apps.py)
rather than from the services, because it is cache bookkeeping that must follow every
way a site changes (publish, rename, root, delete, restore from a revision).
"""

from dataclasses import dataclass

from django.core.cache import cache
from wagtail.views import serve as wagtail_serve

from tenant_apps.bio_sites.models import BioSite
from tenant_apps.bio_sites.page_cache import version_token, version_token_replace_on_commit
from tenant_apps.bio_sites.services import RESERVED_SLUGS
from tenant_apps.bio_sites.views import bio_page

_VERSION_KEY = "bio:routes-version"
# An upper bound only: the map is replaced whenever a site changes.
ROUTES_TIMEOUT_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class BioRoutes:
    published_slugs: frozenset[str]
    root_slug: str | None


_ROUTES_KEY = "bio:routes"


def bio_routes() -> BioRoutes:
    """The published slugs and the published root site's slug of the current workspace."""
    found = cache.get_many([_VERSION_KEY, _ROUTES_KEY])
    version, stored = found.get(_VERSION_KEY), found.get(_ROUTES_KEY)
    if version is not None and stored is not None and stored[0] == version:
        return stored[1]
    version = version or version_token(_VERSION_KEY)
    rows = BioSite.objects.filter(is_published=True).values_list("slug", "serves_root")
    slugs, root = set(), None
    for slug, serves_root in rows:
        slugs.add(slug)
        if serves_root:
            root = slug
    routes = BioRoutes(published_slugs=frozenset(slugs), root_slug=root)
    cache.set(_ROUTES_KEY, (version, routes), timeout=ROUTES_TIMEOUT_SECONDS)
    return routes


def bio_routes_invalidate() -> None:
    """Retire the map once the current transaction commits."""
    version_token_replace_on_commit(_VERSION_KEY)


def bio_site_changed(sender, **kwargs) -> None:
    """post_save / post_delete receiver for BioSite (connected in apps.py)."""
    bio_routes_invalidate()


def bio_root(request):
    """The workspace's root: its published root bio site, else its Wagtail home page."""
    root_slug = bio_routes().root_slug
    if root_slug is None:
        return wagtail_serve(request, "")
    return bio_page(request, slug=root_slug)


def bio_slug_or_page(request, slug: str):
    """/<slug>/: the published bio site at `slug`, else the Wagtail page at that path.

    Reserved slugs (paths the site itself uses) never reach the map: no site can hold
    one, and asking would only cost a cache read.
    """
    if slug not in RESERVED_SLUGS and slug in bio_routes().published_slugs:
        return bio_page(request, slug=slug)
    return wagtail_serve(request, f"{slug}/")


def bio_site_path(site: BioSite) -> str:
    """Where the site's page lives: the root for the root site, else /b/<slug>/."""
    return "/" if site.serves_root else f"/b/{site.slug}/"
