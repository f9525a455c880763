from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_exists, tenant_context

from cms.services import site_initialize
from shared_apps.accounts.services import tenant_user_sync_from_identity
from shared_apps.billing.services import subscription_create_free
from shared_apps.platform.services import audit_record
from tenants.branding import branding_problems
from tenants.errors import (
    SnapshotUnavailableError,
    TemplateSchemaMissingError,
    WorkspaceErrorCode,
    WorkspaceSlugError,
    WorkspaceStatusError,
)
from tenants.models import Agency, Domain, Membership, Snapshot, Workspace
from tenants.roles import ROLE_WAGTAIL_ACCESS
from tenants.selectors import (
    template_schema_exists,
    workspace_default_host,
    workspace_primary_host,
    workspace_slug_problem,
)
from tenants.snapshots import snapshot_files_copy_in_workspace


@transaction.atomic
def workspace_provision(
    *,
    name: str,
    slug: str,
    owner,
    description: str = "",
    branding: dict | None = None,
    actor=None,
    agency: Agency | None = None,
    snapshot: Snapshot | None = None,
) -> Workspace:
    """Create a workspace by cloning the template schema (or a ready `snapshot`'s
    schema), then seed it. It starts on the Free plan (billing owns `plan_code`: it
    mirrors the workspace's subscription). With `agency` it is that agency's client.

    One transaction: PostgreSQL DDL is transactional, so a failure anywhere (the clone,
    the seed) leaves no row, no domain and no schema behind.
    """
    name = (name or "").strip()
    slug = (slug or "").strip().lower()
    if not name or len(name) > 120:
        raise WorkspaceSlugError(
            "Give the workspace a name of up to 120 characters.",
            fields={"name": ["Give the workspace a name of up to 120 characters."]},
        )
    problem = workspace_slug_problem(slug=slug)
    if problem:
        raise WorkspaceSlugError(
            problem, code=WorkspaceErrorCode.SLUG_TAKEN, fields={"slug": [problem]}
        )
    if branding and (problems := branding_problems(branding)):
        raise WorkspaceSlugError("Some branding values are invalid.", fields=problems)
    if snapshot is not None:
        if snapshot.status != Snapshot.Status.READY or not schema_exists(snapshot.schema_name):
            raise SnapshotUnavailableError()
        if snapshot.agency_id is not None and snapshot.agency_id != getattr(agency, "pk", None):
            raise SnapshotUnavailableError()
        source_schema = snapshot.schema_name
    elif template_schema_exists():
        source_schema = settings.TENANT_BASE_SCHEMA
    else:
        raise TemplateSchemaMissingError()

    workspace = Workspace(
        name=name,
        slug=slug,
        schema_name=Workspace.schema_name_for_slug(slug),
        description=description.strip(),
        branding=branding or {},
        agency=agency,
        snapshot_id=snapshot.pk if snapshot is not None else None,
    )
    workspace.save()
    Domain.objects.create(
        domain=workspace_default_host(slug=slug),
        tenant=workspace,
        is_primary=True,
        is_verified=True,
        status=Domain.Status.VERIFIED,
        verified_at=timezone.now(),
    )
    # The template's django_migrations rows are cloned with it, so unlike
    # django-tenants' own create_schema there is no `migrate --fake` to run after.
    CloneSchema().clone_schema(source_schema, workspace.schema_name, "DATA")
    if snapshot is not None:  # its own copies of the snapshot's files, never shared paths
        snapshot_files_copy_in_workspace(snapshot=snapshot, workspace=workspace)

    membership = Membership.objects.create(
        identity=owner,
        workspace=workspace,
        role=Membership.Role.OWNER,
        joined_at=timezone.now(),
    )
    _seed_workspace_schema(workspace=workspace, owner_membership=membership)
    subscription_create_free(workspace=workspace)
    audit_record(
        action="workspace.provisioned",
        actor=actor or owner,
        workspace_id=workspace.pk,
        target=workspace,
        data={
            "slug": slug,
            "owner": owner.email,
            "agency": str(agency.pk) if agency is not None else None,
            "snapshot": str(snapshot.pk) if snapshot is not None else None,
        },
    )
    return workspace


def _seed_workspace_schema(*, workspace: Workspace, owner_membership: Membership) -> None:
    # Crosses schemas: the new workspace's Wagtail site and its owner's tenant-local
    # mirror live in the workspace schema; the rows that describe them live in public.
    with tenant_context(workspace):
        site_initialize(
            site_name=workspace.name,
            hostname=workspace_primary_host(workspace=workspace),
            port=site_port(),
        )
        membership_mirror_sync_in_workspace(membership=owner_membership)


def membership_mirror_sync_in_workspace(*, membership: Membership):
    """Make (or update) the tenant-local user that stands for a member in their workspace."""
    identity = membership.identity
    access = ROLE_WAGTAIL_ACCESS[membership.role]
    with tenant_context(membership.workspace):
        return tenant_user_sync_from_identity(
            identity_uuid=identity.uuid,
            email=identity.email,
            first_name=identity.first_name,
            last_name=identity.last_name,
            staff_role=membership.role,
            permission_overrides=membership.permission_overrides,
            is_superuser=access["superuser"],
            group_names=access["groups"],
        )


def site_port() -> int:
    """The port Wagtail sites answer on: the public URL's, or the scheme's default."""
    if settings.PUBLIC_URL_PORT:
        return settings.PUBLIC_URL_PORT
    return 443 if settings.PUBLIC_URL_SCHEME == "https" else 80


@transaction.atomic
def workspace_suspend(
    *, workspace: Workspace, actor=None, reason: str = "", request: HttpRequest | None = None
) -> Workspace:
    return _workspace_status_change(
        workspace=workspace,
        to=Workspace.Status.SUSPENDED,
        allowed_from={Workspace.Status.ACTIVE},
        actor=actor,
        reason=reason,
        request=request,
    )


@transaction.atomic
def workspace_unsuspend(
    *, workspace: Workspace, actor=None, reason: str = "", request: HttpRequest | None = None
) -> Workspace:
    return _workspace_status_change(
        workspace=workspace,
        to=Workspace.Status.ACTIVE,
        allowed_from={Workspace.Status.SUSPENDED},
        actor=actor,
        reason=reason,
        request=request,
    )


@transaction.atomic
def workspace_archive(
    *, workspace: Workspace, actor=None, reason: str = "", request: HttpRequest | None = None
) -> Workspace:
    return _workspace_status_change(
        workspace=workspace,
        to=Workspace.Status.ARCHIVED,
        allowed_from={Workspace.Status.ACTIVE, Workspace.Status.SUSPENDED},
        actor=actor,
        reason=reason,
        request=request,
    )


def _workspace_status_change(
    *, workspace, to, allowed_from, actor, reason, request=None
) -> Workspace:
    workspace = Workspace.objects.select_for_update().get(pk=workspace.pk)
    if workspace.status not in allowed_from:
        raise WorkspaceStatusError(
            f"The workspace is {workspace.get_status_display().lower()}; "
            f"it cannot become {Workspace.Status(to).label.lower()}."
        )
    previous = workspace.status
    workspace.status = to
    # The reason says why a workspace is not active; the reason for making it active
    # again is kept in the audit trail only.
    workspace.status_reason = "" if to == Workspace.Status.ACTIVE else reason[:255]
    workspace.status_changed_at = timezone.now()
    workspace.save(update_fields=["status", "status_reason", "status_changed_at", "updated_at"])
    audit_record(
        action=f"workspace.{Workspace.Status(to).value}",
        actor=actor,
        workspace_id=workspace.pk,
        target=workspace,
        data={"from": previous, "reason": reason},
        request=request,
    )
    return workspace


@transaction.atomic
def workspace_delete(*, workspace: Workspace, confirm_slug: str, actor=None) -> None:
    """Delete the workspace row, its domains and memberships, and drop its schema."""
    if confirm_slug != workspace.slug:
        raise WorkspaceStatusError(
            "Type the workspace's slug exactly to confirm deletion.",
            code=WorkspaceErrorCode.CONFIRMATION_MISMATCH,
            status=400,
            fields={"confirm_slug": ["Does not match the workspace's slug."]},
        )
    workspace_id, slug, schema_name = workspace.pk, workspace.slug, workspace.schema_name
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: rows written earlier in
        # this transaction leave pending checks, and PostgreSQL refuses to drop tables
        # with pending trigger events. Run the checks now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    workspace.delete(force_drop=schema_exists(schema_name))
    audit_record(
        action="workspace.deleted",
        actor=actor,
        workspace_id=workspace_id,
        data={"slug": slug, "schema": schema_name},
    )
