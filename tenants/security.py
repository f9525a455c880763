"""Security actions on identities and workspaces, including the ones that cross planes.

An identity signs in on the platform (public schema); in each workspace it works in it
is represented by a tenant-local mirror with sessions of its own in that schema. Ending
"every session" of an identity therefore has to reach into each of those schemas.
"""

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django_tenants.utils import tenant_context

from config.errors import PermissionDeniedError
from shared_apps.accounts.models import User
from shared_apps.accounts.services import user_session_epoch_bump
from shared_apps.mfa.errors import TwoFactorError, TwoFactorErrorCode
from shared_apps.mfa.selectors import REQUIRE_TWO_FACTOR, identity_has_two_factor
from shared_apps.platform.services import audit_record
from tenants.models import Membership, Workspace
from tenants.selectors import membership_get, memberships_for_identity


def identity_sign_out_everywhere_in_workspaces(*, identity: User) -> int:
    """End the sessions of the identity's staff mirror in every workspace it belongs to.

    Returns how many workspaces were visited.
    """
    visited = 0
    for membership in memberships_for_identity(identity=identity):
        # Crosses schemas: the mirror and its sessions live in the workspace's schema,
        # and a session there is checked against the mirror's own session hash, so the
        # identity's epoch in public means nothing on a workspace host.
        with tenant_context(membership.workspace):
            User.objects.filter(identity_id=identity.uuid).update(
                session_epoch=F("session_epoch") + 1
            )
        visited += 1
    return visited


@transaction.atomic
def identity_sign_out_everywhere(*, identity: User, request: HttpRequest | None = None) -> int:
    """End every session of a platform identity: on the platform and, through its
    mirrors, on every workspace host. Returns how many workspaces were reached."""
    user_session_epoch_bump(user=identity)
    workspaces = identity_sign_out_everywhere_in_workspaces(identity=identity)
    audit_record(
        action="auth.signed_out_everywhere",
        actor=identity,
        target=identity,
        data={"workspaces": workspaces},
        request=request,
    )
    return workspaces


@transaction.atomic
def workspace_two_factor_requirement_set(
    *,
    workspace: Workspace,
    required: bool,
    actor: User,
    request: HttpRequest | None = None,
) -> Workspace:
    """Require (or stop requiring) two-factor sign-in of the workspace's staff.

    Owner only: it decides who can get in at all, which is the owner's call, not an
    admin's (an admin could otherwise lower the bar that protects the owner's data).
    The single-sign-on hop enforces it with shared_apps.mfa.selectors.
    """
    membership = membership_get(identity=actor, workspace=workspace)
    if membership is None or membership.role != Membership.Role.OWNER:
        raise PermissionDeniedError("Only an owner of this workspace can change this.")
    if required and not identity_has_two_factor(identity=actor):
        # Otherwise the owner would lock themselves out of their own workspace.
        raise TwoFactorError(
            "Turn on two-factor authentication for your own account first.",
            code=TwoFactorErrorCode.REQUIRED,
        )
    # Lock the row: settings is one JSON document that other services also update.
    workspace = Workspace.objects.select_for_update().get(pk=workspace.pk)
    previous = bool(workspace.settings.get(REQUIRE_TWO_FACTOR, False))
    workspace.settings = {**workspace.settings, REQUIRE_TWO_FACTOR: bool(required)}
    # A save (not an update) so that the routing cache forgets the cached workspace.
    workspace.save(update_fields=["settings", "updated_at"])
    audit_record(
        action="workspace.two_factor_required" if required else "workspace.two_factor_optional",
        actor=actor,
        workspace_id=workspace.pk,
        target=workspace,
        data={"from": previous, "to": bool(required)},
        request=request,
    )
    return workspace
