"""The tenant-scoped cache of public bio pages.

Keys go through the default cache, whose key function (django_tenants.cache.make_key)
prefixes the schema, so two workspaces with the same slug never share an entry.

Each site has a version token, and a page is stored with the token it was rendered
under. Invalidating a site replaces its token after the writing transaction commits,
so a render that read the old rows can only ever be stored with the old token, which
no reader accepts again. A visit reads the token and the page in one round trip
(`page_cache_read`): on the most-served page every round trip counts.

Each worker process also keeps the pages it served last in memory, keyed by schema and
slug with their token and expiry. A visit still reads the token from Redis (so an
invalidation reaches every process at once) but reads the page itself only when its
copy is missing, stale or expired: the page is the largest value on this path, and
moving it from Redis on every visit cost more than the rest of the request
(bench/bio_page.py).

A page with a running A/B test stores, with its HTML (the control's), the test's plan
(experiment_selectors.ExperimentPlan); every other variant's HTML is stored under
(slug, version, variant id), so starting, ending or editing a test retires them all.
"""

import threading
import time
import uuid
from collections import OrderedDict

from django.core.cache import cache
from django.db import connection, transaction

# A page also expires at its next visibility-window boundary (see views); this is the
# upper bound for pages with no scheduled components.
PAGE_TIMEOUT_SECONDS = 24 * 60 * 60


def _version_key(slug: str) -> str:
    return f"bio:page-version:{slug}"


def page_cache_key(*, slug: str) -> str:
    return f"bio:page:{slug}"


def variant_cache_key(*, slug: str, version: str, variant_id: str) -> str:
    return f"bio:page:{slug}:{version}:{variant_id}"


# Pages held in this process: (schema, slug) -> (version, expires at, entry).
LOCAL_PAGES_MAX = 256
_local_pages: OrderedDict = OrderedDict()
_local_lock = threading.Lock()


def _local_get(slug: str, version: str | None):
    key = (connection.schema_name, slug)
    with _local_lock:
        held = _local_pages.get(key)
        if held is None or held[0] != version or held[1] <= time.time():
            return None
        _local_pages.move_to_end(key)
        return held[2]


def _local_put(slug: str, version: str, expires_at: float, entry) -> None:
    with _local_lock:
        _local_pages[(connection.schema_name, slug)] = (version, expires_at, entry)
        _local_pages.move_to_end((connection.schema_name, slug))
        while len(_local_pages) > LOCAL_PAGES_MAX:
            _local_pages.popitem(last=False)


def page_cache_read(*, slug: str, then=None) -> tuple[str, object | None]:
    """(the site's current version token, its cached entry when that entry was stored
    under this token and has not expired, else None). `then(pipeline)` may add Redis
    commands to the same round trip (config.cache.RedisCache.get_many_with)."""
    keys = [_version_key(slug)]
    found = cache.get_many_with(keys, then) if then is not None else cache.get_many(keys)
    version = found.get(_version_key(slug))
    if version is None:
        return page_cache_version(slug=slug), None
    entry = _local_get(slug, version)
    if entry is not None:
        return version, entry
    stored = cache.get(page_cache_key(slug=slug))
    if stored is None or stored[0] != version or stored[1] <= time.time():
        return version, None
    _local_put(slug, version, stored[1], stored[2])
    return version, stored[2]


def page_cache_store(*, slug: str, version: str, entry, timeout: int) -> None:
    expires_at = time.time() + timeout
    cache.set(page_cache_key(slug=slug), (version, expires_at, entry), timeout=timeout)
    _local_put(slug, version, expires_at, entry)


def version_token(key: str) -> str:
    """The version token stored at `key`, made on first use (this module's scheme, also
    used by routing.py for the route map)."""
    version = cache.get(key)
    if version is None:
        version = uuid.uuid4().hex
        # `add` so concurrent first visits agree on one token.
        cache.add(key, version, timeout=None)
        version = cache.get(key) or version
    return version


def version_token_replace_on_commit(key: str) -> None:
    """Replace the token at `key` once the current transaction commits, retiring whatever
    was cached under the old one."""
    transaction.on_commit(lambda: cache.set(key, uuid.uuid4().hex, timeout=None))


def page_cache_version(*, slug: str) -> str:
    return version_token(_version_key(slug))


def page_cache_invalidate(*, slug: str) -> None:
    """Retire every cached copy of the page at `slug` once the current transaction commits."""
    version_token_replace_on_commit(_version_key(slug))
