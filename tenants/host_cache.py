"""The host → workspace cache that lets a warm request skip the control plane entirely.

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


def forget_hosts(hosts) -> None:
    keys = [_key(host) for host in hosts if host]
    if keys:
        with schema_context(get_public_schema_name()):
            cache.delete_many(keys)
