from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, QuerySet
from django_tenants.utils import get_public_schema_name, schema_context

from shared_apps.accounts.models import User
from shared_apps.billing.models import FeatureKillSwitch
from shared_apps.platform.models import AuditEvent, PlatformSetting, Secret
from tenants.models import Workspace

# One cache entry holds every setting ({key: value}): the table is small, a missing key
# is answered from the cache as well, and one delete forgets them all.
_SETTINGS_CACHE_KEY = "platform:settings:v1"


def audit_events_for_workspace(*, workspace_id) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(workspace_id=workspace_id).select_related("actor")


def _platform_settings() -> dict[str, Any]:
    values = cache.get(_SETTINGS_CACHE_KEY)
    if values is None:
        values = dict(PlatformSetting.objects.values_list("key", "value"))
        cache.set(_SETTINGS_CACHE_KEY, values, settings.PLATFORM_SETTINGS_CACHE_SECONDS)
    return values


def platform_setting_get(key: str, default: Any = None) -> Any:
    """A typed platform setting's value, or `default` when it is not set. Cached in
    Redis; every change through the services forgets the cache at once."""
    public = get_public_schema_name()
    if connection.schema_name == public:
        return _platform_settings().get(key, default)
    # Crosses schemas: cache keys carry the schema (django-tenants' key function) and
    # the services forget the public entry only, so a read from a workspace schema
    # goes to the public one too (the table itself is public as well).
    with schema_context(public):
        return _platform_settings().get(key, default)


def platform_settings_cache_forget() -> None:
    with schema_context(get_public_schema_name()):
        cache.delete(_SETTINGS_CACHE_KEY)


def secrets_not_on_key(*, key_id: str) -> QuerySet[Secret]:
    """Secrets encrypted with another key than `key_id` (after a new key was put first
    in VAULT_KEYS: the ones `vault_rotate` still has to re-encrypt)."""
    return Secret.objects.exclude(key_id=key_id)


@dataclass(frozen=True)
class WorkspaceStorage:
    """What a workspace's schema occupies in PostgreSQL: its tables with their indexes
    and TOAST data (pg_total_relation_size), summed over the schema."""

    schema_name: str
    database_bytes: int
    tables: int


def workspace_storage(*, schema_name: str) -> WorkspaceStorage:
    # Reads the catalog only (no search_path involved), so it needs no schema switch.
    # Uploaded media live in the file storage and are not counted here.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0), COUNT(*)
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND c.relkind IN ('r', 'm')
            """,
            [schema_name],
        )
        size, tables = cursor.fetchone()
    return WorkspaceStorage(schema_name=schema_name, database_bytes=int(size), tables=int(tables))


@dataclass(frozen=True)
class ConsoleOverview:
    workspaces_by_status: dict[str, int]
    identities: int
    identities_disabled: int
    secrets: int
    secrets_on_old_keys: int | None  # None: the vault has no key configured
    kill_switches_on: list[str]


def console_overview() -> ConsoleOverview:
    """The figures on the console's front page."""
    # The vault imports the services, which import this module.
    from shared_apps.platform.vault import primary_key_id, vault_is_configured

    by_status = dict(
        Workspace.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return ConsoleOverview(
        workspaces_by_status={
            label: by_status.get(value, 0) for value, label in Workspace.Status.choices
        },
        identities=User.objects.count(),
        identities_disabled=User.objects.filter(is_active=False).count(),
        secrets=Secret.objects.count(),
        secrets_on_old_keys=(
            secrets_not_on_key(key_id=primary_key_id()).count() if vault_is_configured() else None
        ),
        kill_switches_on=list(
            FeatureKillSwitch.objects.filter(disabled=True).values_list("key", flat=True)
        ),
    )
