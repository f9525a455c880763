"""The tenant-scoped cache of public bio pages.

Keys go through the default cache, whose key function (django_tenants.cache.make_key)
prefixes the schema, so two workspaces with the same slug never share an entry.

Each site has a version token, and a page is stored with the token it was rendered
under. Invalidating a site replaces its token after the writing transaction commits,
so a render that read the old rows can only ever be stored with the old token, which
no reader accepts again. A visit reads the token and the page in one round trip
(`page_cache_read`): on the most-served page every round trip counts.

A page with a running A/B test stores, with its HTML (the control's), the test's plan
(experiment_selectors.ExperimentPlan); every other variant's HTML is stored under
(slug, version, variant id), so starting, ending or editing a test retires them all.
"""

import uuid

from django.core.cache import cache
from django.db import transaction

# A page also expires at its next visibility-window boundary (see views); this is the
# upper bound for pages with no scheduled components.
PAGE_TIMEOUT_SECONDS = 24 * 60 * 60


def _version_key(slug: str) -> str:
    return f"bio:page-version:{slug}"


def page_cache_key(*, slug: str) -> str:
    return f"bio:page:{slug}"


def variant_cache_key(*, slug: str, version: str, variant_id: str) -> str:
    return f"bio:page:{slug}:{version}:{variant_id}"


def page_cache_read(*, slug: str, then=None) -> tuple[str, object | None]:
    """(the site's current version token, its cached entry when that entry was stored
    under this token, else None). `then(pipeline)` may add Redis commands to the same
    round trip (config.cache.RedisCache.get_many_with)."""
    keys = [_version_key(slug), page_cache_key(slug=slug)]
    found = cache.get_many_with(keys, then) if then is not None else cache.get_many(keys)
    version = found.get(_version_key(slug))
    if version is None:
        return page_cache_version(slug=slug), None
    stored = found.get(page_cache_key(slug=slug))
    if stored is None or stored[0] != version:
        return version, None
    return version, stored[1]


def page_cache_store(*, slug: str, version: str, entry, timeout: int) -> None:
    cache.set(page_cache_key(slug=slug), (version, entry), timeout=timeout)


def page_cache_version(*, slug: str) -> str:
    version = cache.get(_version_key(slug))
    if version is None:
        version = uuid.uuid4().hex
        # `add` so concurrent first visits agree on one token.
        cache.add(_version_key(slug), version, timeout=None)
        version = cache.get(_version_key(slug)) or version
    return version


def page_cache_invalidate(*, slug: str) -> None:
    """Retire every cached copy of the page at `slug` once the current transaction commits."""
    transaction.on_commit(lambda: cache.set(_version_key(slug), uuid.uuid4().hex, timeout=None))
