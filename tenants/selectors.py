import re
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Prefetch, QuerySet
from django_tenants.utils import schema_exists

from tenants.branding import branding_with_defaults
from tenants.host_cache import cached_workspace_for_host
from tenants.models import (
    SLUG_MAX_LENGTH,
    SLUG_MIN_LENGTH,
    SLUG_PATTERN,
    Domain,
    Membership,
    Workspace,
)

# Slugs that would shadow a platform host, confuse people or collide with infrastructure.
RESERVED_SLUGS = frozenset(
    [
        "about",
        "account",
        "accounts",
        "admin",
        "administrator",
        "api",
        "app",
        "apps",
        "assets",
        "auth",
        "billing",
        "blog",
        "cdn",
        "dashboard",
        "demo-platform",
        "dev",
        "docs",
        "email",
        "ftp",
        "help",
        "home",
        "imap",
        "info",
        "login",
        "logout",
        "mail",
        "media",
        "mewayz",
        "new",
        "news",
        "pop",
        "pop3",
        "platform",
        "postmaster",
        "public",
        "root",
        "security",
        "settings",
        "signin",
        "signout",
        "signup",
        "smtp",
        "sso",
        "stage",
        "staging",
        "static",
        "status",
        "store",
        "support",
        "system",
        "template",
        "test",
        "webmail",
        "www",
        "workspace",
        "workspaces",
    ]
)


def workspace_slug_problem(*, slug: str) -> str | None:
    """Why a slug cannot be used for a new workspace, or None when it is free."""
    if len(slug) < SLUG_MIN_LENGTH or len(slug) > SLUG_MAX_LENGTH:
        return f"Use {SLUG_MIN_LENGTH} to {SLUG_MAX_LENGTH} characters."
    if not re.fullmatch(SLUG_PATTERN, slug):
        return (
            "Use lowercase letters, digits and single hyphens, starting with a letter "
            "and not ending with a hyphen."
        )
    if slug in RESERVED_SLUGS:
        return "That address is reserved. Please choose another."
    if Workspace.objects.filter(slug=slug).exists() or schema_exists(
        Workspace.schema_name_for_slug(slug)
    ):
        return "That address is already taken."
    if Domain.objects.filter(domain=workspace_default_host(slug=slug)).exists():
        return "That address is already taken."
    return None


def workspace_default_host(*, slug: str) -> str:
    return f"{slug}.{settings.PLATFORM_DOMAIN}"


def _load_workspace_for_host(host: str) -> Workspace | None:
    domain = (
        Domain.objects.select_related("tenant")
        .filter(domain=host, is_verified=True)
        .exclude(tenant__status=Workspace.Status.ARCHIVED)
        .first()
    )
    return domain.tenant if domain else None


def workspace_get_for_host(*, host: str) -> Workspace | None:
    """The workspace a verified host routes to; cached, so warm requests cost no query."""
    return cached_workspace_for_host(host, _load_workspace_for_host)


def _verified_domains() -> QuerySet[Domain]:
    return Domain.objects.filter(is_verified=True).order_by("-is_primary", "created_at")


def workspace_primary_host(*, workspace: Workspace) -> str:
    """The host links are built from. Uses `verified_domains` when a selector prefetched it."""
    prefetched = getattr(workspace, "verified_domains", None)
    if prefetched is not None:
        domain = prefetched[0].domain if prefetched else None
    else:
        domain = (
            _verified_domains().filter(tenant=workspace).values_list("domain", flat=True).first()
        )
    return domain or workspace_default_host(slug=workspace.slug)


def absolute_url(*, host: str, path: str = "/") -> str:
    """Links in mail and redirects are built from known hosts, never the Host header."""
    port = settings.PUBLIC_URL_PORT
    default_port = {"http": 80, "https": 443}.get(settings.PUBLIC_URL_SCHEME)
    netloc = host if not port or port == default_port else f"{host}:{port}"
    return f"{settings.PUBLIC_URL_SCHEME}://{netloc}{path}"


def workspace_url(*, workspace: Workspace, path: str = "/") -> str:
    return absolute_url(host=workspace_primary_host(workspace=workspace), path=path)


def platform_url(*, path: str = "/") -> str:
    return absolute_url(host=settings.PLATFORM_DOMAIN, path=path)


def current_workspace() -> Workspace | None:
    """The workspace whose schema this request or task runs in (None on the platform)."""
    tenant = getattr(connection, "tenant", None)
    return tenant if isinstance(tenant, Workspace) else None


def memberships_for_identity(*, identity) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(identity=identity)
        .exclude(workspace__status=Workspace.Status.ARCHIVED)
        .select_related("workspace")
        .prefetch_related(
            Prefetch("workspace__domains", _verified_domains(), to_attr="verified_domains")
        )
        .order_by("workspace__name", "workspace_id")
    )


def membership_get(*, identity, workspace: Workspace) -> Membership | None:
    if not getattr(identity, "is_authenticated", False):
        return None
    return Membership.objects.filter(identity=identity, workspace=workspace).first()


def template_schema_exists() -> bool:
    return schema_exists(settings.TENANT_BASE_SCHEMA)


@dataclass(frozen=True)
class SiteIdentity:
    """Who mail speaks for: name, base URL of its links, and brand."""

    name: str
    base_url: str
    brand: dict


def site_identity_for_request(request) -> SiteIdentity:
    """The site a request is on, for mail: links go to the workspace's verified primary
    host, or the platform's, never to the request's Host header."""
    workspace = getattr(request, "workspace", None)
    if workspace is None:
        return SiteIdentity(
            settings.PLATFORM_NAME, platform_url(path=""), branding_with_defaults({})
        )
    return SiteIdentity(
        workspace.name,
        workspace_url(workspace=workspace, path=""),
        branding_with_defaults(workspace.branding),
    )
