"""The host → workspace (or agency) cache that lets a warm request skip the control
plane entirely.

Keys are written and deleted in the public schema's key space, whatever schema the
caller happens to be in (a Domain saved during provisioning runs inside the new
workspace's context), so a write and its invalidation always meet.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django_tenants.utils import get_public_schema_name, schema_context

_MISSING = "-"  # cached "no such host", so unknown hosts cannot hammer the database


def _key(host: str) -> str:
    return f"routing:host:{host}"


def _agency_key(host: str) -> str:
    # Its own key, so `cached_workspace_for_host` never hands out an agency.
    return f"routing:agency:{host}"


def cached_workspace_for_host(host: str, load: Callable[[str], object | None]):
    with schema_context(get_public_schema_name()):
        hit = cache.get(_key(host))
        if hit is not None:
            return None if hit == _MISSING else hit
        workspace = load(host)
        cache.set(
            _key(host),
            _MISSING if workspace is None else workspace,
            settings.ROUTING_NEGATIVE_CACHE_SECONDS
            if workspace is None
            else settings.ROUTING_CACHE_SECONDS,
        )
        return workspace


def cached_route_for_host(
    host: str,
    load_workspace: Callable[[str], object | None],
    load_agency: Callable[[str], object | None],
) -> tuple[object | None, object | None]:
    """(workspace, None), (None, agency) or (None, None) for a host: both answers come
    back in one cache round trip on a warm request; the agency is only looked up (and
    cached) for a host that is no workspace's."""
    with schema_context(get_public_schema_name()):
        hits = cache.get_many([_key(host), _agency_key(host)])
        workspace = hits.get(_key(host))
        if workspace is None:
            workspace = _load_and_set(_key(host), host, load_workspace)
        if workspace != _MISSING and workspace is not None:
            return workspace, None
        agency = hits.get(_agency_key(host))
        if agency is None:
            agency = _load_and_set(_agency_key(host), host, load_agency)
        return None, (None if agency in (None, _MISSING) else agency)


def _load_and_set(key: str, host: str, load: Callable[[str], object | None]):
    found = load(host)
    cache.set(
        key,
        _MISSING if found is None else found,
        settings.ROUTING_NEGATIVE_CACHE_SECONDS
        if found is None
        else settings.ROUTING_CACHE_SECONDS,
    )
    return _MISSING if found is None else found


def forget_hosts(hosts) -> None:
    keys = [key(host) for host in hosts if host for key in (_key, _agency_key)]
    if keys:
        with schema_context(get_public_schema_name()):
            cache.delete_many(keys)
