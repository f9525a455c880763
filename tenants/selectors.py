import re
from dataclasses import dataclass
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.db import connection
from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat
from django.http import Http404
from django_tenants.utils import (
    get_public_schema_name,
    schema_context,
    schema_exists,
    tenant_context,
)

from shared_apps.accounts.models import User
from shared_apps.platform.selectors import audit_events_for_workspace as platform_audit_events
from tenants.branding import branding_with_defaults
from tenants.host_cache import cached_workspace_for_host
from tenants.models import (
    SLUG_MAX_LENGTH,
    SLUG_MIN_LENGTH,
    SLUG_PATTERN,
    AgencyHost,
    Domain,
    Invitation,
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
    # The workspace's primary host comes along in the same query and is cached on the
    # workspace (`primary_host`), so the routing middleware can redirect other hosts to
    # it without a control-plane query. Same rule as `workspace_primary_host`.
    primary_host = Subquery(
        _verified_domains().filter(tenant_id=OuterRef("tenant_id")).values("domain")[:1]
    )
    # An agency client's way back to its agency's dashboard rides along the same way.
    agency_host = Subquery(
        AgencyHost.objects.filter(agency_id=OuterRef("tenant__agency_id"), is_verified=True)
        .order_by("created_at")
        .values("host")[:1]
    )
    domain = (
        Domain.objects.select_related("tenant", "tenant__agency")
        .filter(domain=host, is_verified=True)
        .exclude(tenant__status=Workspace.Status.ARCHIVED)
        .annotate(primary_host=primary_host, agency_host=agency_host)
        .first()
    )
    if domain is None:
        return None
    workspace = domain.tenant
    workspace.primary_host = domain.primary_host or workspace_default_host(slug=workspace.slug)
    if workspace.agency is not None:
        workspace.agency.primary_host = domain.agency_host or ""
    # What the workspace may use rides along too, so the feature gate costs no query on a
    # warm request; billing drops these entries whenever it changes.
    from shared_apps.billing.entitlements import entitlements_attach

    entitlements_attach(workspace=workspace)
    return workspace


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


def memberships_for_identity(*, identity, agency=None) -> QuerySet[Membership]:
    """The identity's memberships; with `agency`, only in that agency's clients (what
    its dashboard host may list: other workspaces are the platform's to show)."""
    memberships = Membership.objects.filter(identity=identity)
    if agency is not None:
        memberships = memberships.filter(workspace__agency=agency)
    return (
        memberships.exclude(workspace__status=Workspace.Status.ARCHIVED)
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
    """Who a page or a mail speaks for: its name, the base URL of its links, its brand,
    the address mail comes from, and whether the platform may show itself (white label:
    never)."""

    name: str
    base_url: str
    brand: dict
    from_email: str
    white_label: bool = False


def _from_email(*, name: str, brand: dict, host: str | None) -> str:
    # A white-labelled sender must not fall back to the platform's address: without a
    # configured one it sends as no-reply@ its own primary host.
    address = brand.get("email_sender_address") or (
        f"no-reply@{host}" if host else parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    )
    return formataddr((brand.get("email_sender_name") or name, address))


def site_identity_platform() -> SiteIdentity:
    return SiteIdentity(
        name=settings.PLATFORM_NAME,
        base_url=platform_url(path=""),
        brand=branding_with_defaults({}),
        from_email=settings.DEFAULT_FROM_EMAIL,
    )


def site_identity_for_workspace(*, workspace: Workspace) -> SiteIdentity:
    # Imported here: white_label reads the billing gate, which imports this module.
    from tenants.white_label import workspace_is_white_label

    brand = branding_with_defaults(workspace.branding)
    host = workspace_primary_host(workspace=workspace)
    white_label = workspace_is_white_label(workspace=workspace)
    name = brand.get("display_name") or workspace.name
    return SiteIdentity(
        name=name,
        base_url=absolute_url(host=host, path=""),
        brand=brand,
        from_email=_from_email(name=name, brand=brand, host=host if white_label else None),
        white_label=white_label,
    )


def site_identity_for_request(request) -> SiteIdentity:
    """The site a request is on: links go to the workspace's verified primary host (or
    the agency's, or the platform's), never to the request's Host header."""
    workspace = getattr(request, "workspace", None)
    if workspace is not None:
        return site_identity_for_workspace(workspace=workspace)
    agency = getattr(request, "agency", None)
    if agency is not None:
        # Imported here: agency_selectors builds on this module.
        from tenants.agency_selectors import site_identity_for_agency

        return site_identity_for_agency(agency=agency)
    return site_identity_platform()


def workspace_for_identity(*, identity, workspace_id) -> Workspace:
    """A workspace the identity is a member of; anything else is a 404, not a 403."""
    membership = (
        Membership.objects.select_related("workspace")
        .filter(identity=identity, workspace_id=workspace_id)
        .exclude(workspace__status=Workspace.Status.ARCHIVED)
        .first()
    )
    if membership is None:
        raise Http404("No such workspace.")
    return membership.workspace


@dataclass(frozen=True)
class TeamMember:
    membership: Membership
    email: str
    name: str
    role: str
    joined_at: object
    last_active_at: object


def team_for_workspace(*, workspace: Workspace) -> list[TeamMember]:
    """Members with their last activity on this workspace's host.

    Crosses schemas: memberships and identities are public rows; the last activity is
    the tenant-local mirror's last sign-in. Each side is read in its own schema
    (accounts_user exists in both, so a join from the wrong one would read the wrong
    table).
    """
    with schema_context(get_public_schema_name()):
        memberships = list(
            Membership.objects.filter(workspace=workspace)
            .select_related("identity")
            .order_by("identity__email")
        )
    with tenant_context(workspace):
        last_seen = dict(
            User.objects.filter(identity_id__in=[m.identity.uuid for m in memberships]).values_list(
                "identity_id", "last_login"
            )
        )
    return [
        TeamMember(
            membership=m,
            email=m.identity.email,
            name=m.identity.get_full_name(),
            role=m.role,
            joined_at=m.joined_at,
            last_active_at=last_seen.get(m.identity.uuid),
        )
        for m in memberships
    ]


def invitations_open_for_workspace(*, workspace: Workspace) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(
            workspace=workspace, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("invited_by")
        .order_by("-created_at")
    )


def membership_get_in_workspace(*, workspace: Workspace, membership_id) -> Membership:
    """A membership of this workspace, or 404 (ids of other workspaces included)."""
    with schema_context(get_public_schema_name()):
        membership = (
            Membership.objects.select_related("identity", "workspace")
            .filter(workspace=workspace, pk=membership_id)
            .first()
        )
    if membership is None:
        raise Http404("No such member.")
    return membership


def invitation_get_in_workspace(*, workspace: Workspace, invitation_id) -> Invitation:
    invitation = (
        Invitation.objects.select_related("workspace")
        .filter(workspace=workspace, pk=invitation_id)
        .first()
    )
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation


def identity_for_mirror(*, user) -> User | None:
    """The public identity a tenant-local staff mirror stands for."""
    if not getattr(user, "identity_id", None):
        return None
    with schema_context(get_public_schema_name()):
        return User.objects.filter(uuid=user.identity_id, is_active=True).first()


def audit_events_for_workspace(*, workspace: Workspace, action_prefix: str = ""):
    with schema_context(get_public_schema_name()):
        queryset = platform_audit_events(workspace_id=workspace.pk)
        if action_prefix:
            queryset = queryset.filter(action__startswith=action_prefix)
        return queryset


def domains_for_workspace(*, workspace: Workspace) -> QuerySet[Domain]:
    """The workspace's hosts, primary first."""
    return (
        Domain.objects.filter(tenant=workspace)
        .select_related("tenant")
        .order_by("-is_primary", "-is_verified", "domain")
    )


def domain_get_for_workspace(*, workspace: Workspace, domain_id) -> Domain:
    """One of this workspace's hosts. Another workspace's host is a 404, exactly like a
    host that does not exist: its id says nothing to anyone else."""
    domain = domains_for_workspace(workspace=workspace).filter(pk=domain_id).first()
    if domain is None:
        raise Http404("No such host.")
    return domain


def custom_domain_ids_due_for_check(*, checked_before, unverified_since) -> list[int]:
    """Custom hosts the scheduled DNS re-check should look at: verified hosts last proved
    by DNS before `checked_before`, and unverified ones added (or last proved) after
    `unverified_since`. Hosts verified by an operator were never checked by DNS
    (`last_checked_at` is empty) and are left alone; so are default hosts and the hosts
    of archived workspaces."""
    return list(
        Domain.objects.exclude(tenant__status=Workspace.Status.ARCHIVED)
        .annotate(default_host=Concat(F("tenant__slug"), Value(f".{settings.PLATFORM_DOMAIN}")))
        .exclude(domain=F("default_host"))
        .filter(
            Q(is_verified=True, last_checked_at__lt=checked_before)
            | Q(is_verified=False, created_at__gte=unverified_since)
            | Q(is_verified=False, verified_at__gte=unverified_since)
        )
        .order_by("last_checked_at", "pk")
        .values_list("pk", flat=True)
    )
