"""Wagtail's caches carry the schema in their keys: two workspaces never read each
other's site-root paths, renditions or cached output."""

from django.conf import settings
from django.core.cache import cache, caches
from django_tenants.utils import tenant_context
from wagtail.images.models import Rendition
from wagtail.models import Site
from wagtail.models.sites import SITE_ROOT_PATHS_CACHE_KEY, SITE_ROOT_PATHS_CACHE_VERSION

from tests.cms.factories import image_create
from tests.helpers import host_of


def _cached_root_paths():
    return cache.get(SITE_ROOT_PATHS_CACHE_KEY, version=SITE_ROOT_PATHS_CACHE_VERSION)


def test_every_cache_alias_keys_by_schema():
    for alias, config in settings.CACHES.items():
        assert config["KEY_FUNCTION"] == "django_tenants.cache.make_key", alias


def test_site_root_paths_are_cached_per_workspace(alpha, beta):
    with tenant_context(alpha):
        Site.get_site_root_paths()
        alpha_paths = _cached_root_paths()
    with tenant_context(beta):
        assert _cached_root_paths() is None  # alpha's entry is not beta's
        Site.get_site_root_paths()
        beta_paths = _cached_root_paths()

    assert [p[2] for p in alpha_paths] == [f"http://{host_of(alpha)}"]
    assert [p[2] for p in beta_paths] == [f"http://{host_of(beta)}"]
    with tenant_context(alpha):
        assert _cached_root_paths() == alpha_paths


def test_pages_served_after_each_other_use_their_own_site(client, alpha, beta):
    for _ in range(2):  # the second round is served from the warm cache
        alpha_html = client.get("/", HTTP_HOST=host_of(alpha)).content.decode()
        beta_html = client.get("/", HTTP_HOST=host_of(beta)).content.decode()
        assert f'<link rel="canonical" href="http://{host_of(alpha)}/">' in alpha_html
        assert f'<link rel="canonical" href="http://{host_of(beta)}/">' in beta_html


def test_renditions_use_a_schema_keyed_cache(alpha, beta):
    assert Rendition.cache_backend is caches["renditions"]
    with tenant_context(alpha):
        image = image_create()
        rendition = image.get_rendition("fill-100x100")
        key = rendition.get_cache_key()
        assert caches["renditions"].get(key) is not None
    with tenant_context(beta):
        # The same key (image ids repeat across schemas) finds nothing here.
        assert caches["renditions"].get(key) is None


def test_default_cache_entries_are_per_workspace(alpha, beta):
    with tenant_context(alpha):
        cache.set("fragment:home", "alpha's fragment")
    with tenant_context(beta):
        assert cache.get("fragment:home") is None
    with tenant_context(alpha):
        assert cache.get("fragment:home") == "alpha's fragment"
