"""Team management: invitations, roles, removal and ownership transfer.

Memberships live in the public schema; each change is mirrored into the workspace
schema (the member's tenant-local user) so that a workspace host can check roles
without reading the control plane. Every change is audited.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from config.errors import NotFoundError, PermissionDeniedError
from shared_apps.accounts.models import User
from shared_apps.platform.services import audit_record
from tenants.agency_selectors import agency_primary_host
from tenants.errors import TeamError, TeamErrorCode
from tenants.mail import mail_send
from tenants.models import Invitation, Membership, Workspace
from tenants.roles import OWNER_ONLY, Permission, membership_allows
from tenants.selectors import (
    absolute_url,
    invitations_open_for_workspace,
    membership_get,
    platform_url,
    site_identity_for_workspace,
    workspace_url,
)
from tenants.services import membership_mirror_sync_in_workspace
from tenants.white_label import workspace_is_white_label

ROLES = {choice.value for choice in Membership.Role}


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _require(*, actor, workspace: Workspace, permission: Permission) -> Membership:
    membership = membership_get(identity=actor, workspace=workspace)
    if not membership_allows(membership=membership, permission=permission):
        raise PermissionDeniedError()
    return membership


def _require_role(role: str) -> None:
    if role not in ROLES:
        raise TeamError(
            "Choose one of the roles: owner, admin, editor, viewer.",
            code=TeamErrorCode.ROLE_INVALID,
            fields={"role": ["Not a role."]},
        )


def _owners(workspace: Workspace):
    return Membership.objects.select_for_update().filter(
        workspace=workspace, role=Membership.Role.OWNER
    )


# --- invitations ------------------------------------------------------------------


@transaction.atomic
def invitation_create(
    *, workspace: Workspace, email: str, role: str, actor, request=None
) -> tuple[Invitation, str]:
    """Invite `email` with `role`; returns the invitation and the one copy of its token."""
    actor_membership = _require(actor=actor, workspace=workspace, permission=Permission.TEAM_MANAGE)
    _require_role(role)
    if role == Membership.Role.OWNER and actor_membership.role != Membership.Role.OWNER:
        raise PermissionDeniedError("Only an owner can invite another owner.")
    email = User.objects.normalize_email((email or "").strip()).lower()
    if Membership.objects.filter(workspace=workspace, identity__email__iexact=email).exists():
        raise TeamError(
            "That person is already a member of this workspace.",
            code=TeamErrorCode.ALREADY_MEMBER,
            status=409,
            fields={"email": ["Already a member."]},
        )
    if invitations_open_for_workspace(workspace=workspace).filter(email__iexact=email).exists():
        raise TeamError(
            "There is already an open invitation for that address: resend it instead.",
            code=TeamErrorCode.INVITATION_OPEN,
            status=409,
            fields={"email": ["Already invited."]},
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        workspace=workspace,
        email=email,
        role=role,
        token_hash=_token_hash(token),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS),
    )
    _invitation_send(invitation=invitation, token=token)
    audit_record(
        action="team.invited",
        actor=actor,
        workspace_id=workspace.pk,
        target=invitation,
        data={"email": email, "role": role},
        request=request,
    )
    return invitation, token


def invitation_accept_url(*, invitation: Invitation, token: str) -> str:
    """Where the invitee accepts: a host wearing the brand the invitation comes from.

    An agency's client: the agency's dashboard host, once it has a verified one. Any
    other white-labelled workspace (or an agency client before its agency has a host):
    the workspace's own primary host, which accepts at /join/<token>/. Everyone else:
    the platform's host, as always.
    """
    workspace = invitation.workspace
    if workspace.agency_id is not None:
        agency_host = agency_primary_host(agency=workspace.agency)
        if agency_host:
            return absolute_url(host=agency_host, path=f"/invitations/{token}/")
    if workspace_is_white_label(workspace=workspace):
        return workspace_url(workspace=workspace, path=f"/join/{token}/")
    return platform_url(path=f"/invitations/{token}/")


def _invitation_send(*, invitation: Invitation, token: str) -> None:
    mail_send(
        to=invitation.email,
        subject=f"You're invited to join {invitation.workspace.name}",
        template="tenants/email/invitation",
        context={
            "invitation": invitation,
            "workspace": invitation.workspace,
            "inviter": invitation.invited_by,
            "accept_url": invitation_accept_url(invitation=invitation, token=token),
            "expires_at": invitation.expires_at,
        },
        site=site_identity_for_workspace(workspace=invitation.workspace),
    )
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor, request=None) -> str:
    """A fresh link (the old one stops working) and a fresh expiry."""
    _require(actor=actor, workspace=invitation.workspace, permission=Permission.TEAM_MANAGE)
    _invitation_require_open(invitation, check_expiry=False)
    token = secrets.token_urlsafe(32)
    invitation.token_hash = _token_hash(token)
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS)
    invitation.save(update_fields=["token_hash", "expires_at"])
    _invitation_send(invitation=invitation, token=token)
    audit_record(
        action="team.invitation_resent",
        actor=actor,
        workspace_id=invitation.workspace_id,
        target=invitation,
        data={"email": invitation.email},
        request=request,
    )
    return token


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor, request=None) -> Invitation:
    _require(actor=actor, workspace=invitation.workspace, permission=Permission.TEAM_MANAGE)
    _invitation_require_open(invitation, check_expiry=False)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        action="team.invitation_revoked",
        actor=actor,
        workspace_id=invitation.workspace_id,
        target=invitation,
        data={"email": invitation.email},
        request=request,
    )
    return invitation


def invitation_get_by_token(*, token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("workspace", "invited_by")
        .filter(token_hash=_token_hash(token or ""))
        .first()
    )
    if invitation is None:
        raise TeamError(
            "This invitation link is not valid. Ask for a new one.",
            code=TeamErrorCode.INVITATION_INVALID,
            status=404,
        )
    return invitation


def _invitation_require_open(invitation: Invitation, *, check_expiry: bool = True) -> None:
    if invitation.revoked_at:
        raise TeamError(
            "This invitation was withdrawn.", code=TeamErrorCode.INVITATION_REVOKED, status=410
        )
    if invitation.accepted_at:
        raise TeamError(
            "This invitation has already been used.",
            code=TeamErrorCode.INVITATION_USED,
            status=410,
        )
    if check_expiry and invitation.expires_at <= timezone.now():
        raise TeamError(
            "This invitation has expired. Ask for a new one.",
            code=TeamErrorCode.INVITATION_EXPIRED,
            status=410,
        )


def invitation_check_open(*, invitation: Invitation) -> None:
    """Raise the reason an invitation cannot be accepted, if any."""
    _invitation_require_open(invitation)


@transaction.atomic
def invitation_accept(*, token: str, identity, request=None) -> Membership:
    invitation = invitation_get_by_token(token=token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _invitation_require_open(invitation)
    if identity.email.lower() != invitation.email.lower():
        raise TeamError(
            f"This invitation is for {invitation.email}. Sign in with that address to accept.",
            code=TeamErrorCode.INVITATION_EMAIL_MISMATCH,
            status=403,
        )
    if invitation.workspace.status == Workspace.Status.ARCHIVED:
        raise NotFoundError("This workspace no longer exists.")
    now = timezone.now()
    membership, created = Membership.objects.get_or_create(
        identity=identity,
        workspace=invitation.workspace,
        defaults={
            "role": invitation.role,
            "invited_by": invitation.invited_by,
            "invited_at": invitation.created_at,
            "joined_at": now,
        },
    )
    invitation.accepted_at = now
    invitation.accepted_by = identity
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    membership_mirror_sync_in_workspace(membership=membership)
    audit_record(
        action="team.joined",
        actor=identity,
        workspace_id=invitation.workspace_id,
        target=membership,
        data={"role": membership.role, "invitation": str(invitation.pk), "new": created},
        request=request,
    )
    return membership


# --- members ------------------------------------------------------------------------


@transaction.atomic
def membership_role_change(*, membership: Membership, role: str, actor, request=None) -> Membership:
    actor_membership = _require(
        actor=actor, workspace=membership.workspace, permission=Permission.TEAM_MANAGE
    )
    _require_role(role)
    touches_owner = Membership.Role.OWNER in (role, membership.role)
    if touches_owner and actor_membership.role != Membership.Role.OWNER:
        raise PermissionDeniedError("Only an owner can make or unmake an owner.")
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == Membership.Role.OWNER and role != Membership.Role.OWNER:
        _require_another_owner(membership)
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    membership_mirror_sync_in_workspace(membership=membership)
    audit_record(
        action="team.role_changed",
        actor=actor,
        workspace_id=membership.workspace_id,
        target=membership,
        data={"member": membership.identity.email, "from": previous, "to": role},
        request=request,
    )
    return membership


def _require_another_owner(membership: Membership) -> None:
    if not _owners(membership.workspace).exclude(pk=membership.pk).exists():
        raise TeamError(
            "A workspace needs at least one owner. Make someone else an owner first.",
            code=TeamErrorCode.LAST_OWNER,
            status=409,
        )


@transaction.atomic
def membership_remove(*, membership: Membership, actor, request=None) -> None:
    """Remove a member (or leave, when actor is the member). The last owner cannot go."""
    leaving = membership.identity_id == actor.pk
    if not leaving:
        actor_membership = _require(
            actor=actor, workspace=membership.workspace, permission=Permission.TEAM_MANAGE
        )
        if membership.role == Membership.Role.OWNER and actor_membership.role != "owner":
            raise PermissionDeniedError("Only an owner can remove an owner.")
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == Membership.Role.OWNER:
        _require_another_owner(membership)
    workspace, identity = membership.workspace, membership.identity
    membership.delete()
    _mirror_deactivate_in_workspace(workspace=workspace, identity=identity)
    audit_record(
        action="team.left" if leaving else "team.removed",
        actor=actor,
        workspace_id=workspace.pk,
        data={"member": identity.email},
        request=request,
    )


def _mirror_deactivate_in_workspace(*, workspace: Workspace, identity) -> None:
    # Crosses schemas: the former member's tenant-local user stays (it authored content)
    # but can no longer sign in, and every session it had ends now.
    with tenant_context(workspace):
        mirror = User.objects.filter(identity_id=identity.uuid).first()
        if mirror is not None:
            mirror.is_active = False
            mirror.is_superuser = False
            mirror.staff_role = ""
            mirror.permission_overrides = {}
            mirror.session_epoch += 1
            mirror.save(
                update_fields=[
                    "is_active",
                    "is_superuser",
                    "staff_role",
                    "permission_overrides",
                    "session_epoch",
                ]
            )
            mirror.groups.clear()


@transaction.atomic
def ownership_transfer(*, workspace: Workspace, to_membership: Membership, actor, request=None):
    """The acting owner hands ownership to another member and becomes an admin."""
    actor_membership = _require(
        actor=actor, workspace=workspace, permission=Permission.WORKSPACE_DELETE
    )
    if to_membership.workspace_id != workspace.pk or to_membership.pk == actor_membership.pk:
        raise TeamError("Choose another member of this workspace.", status=400)
    to_membership = Membership.objects.select_for_update().get(pk=to_membership.pk)
    to_membership.role = Membership.Role.OWNER
    to_membership.save(update_fields=["role"])
    actor_membership.role = Membership.Role.ADMIN
    actor_membership.save(update_fields=["role"])
    membership_mirror_sync_in_workspace(membership=to_membership)
    membership_mirror_sync_in_workspace(membership=actor_membership)
    audit_record(
        action="team.ownership_transferred",
        actor=actor,
        workspace_id=workspace.pk,
        target=to_membership,
        data={"from": actor.email, "to": to_membership.identity.email},
        request=request,
    )


@transaction.atomic
def membership_permissions_set(
    *, membership: Membership, overrides: dict, actor, request=None
) -> Membership:
    """Per-member adjustments of the role ({"permission": true|false})."""
    _require(actor=actor, workspace=membership.workspace, permission=Permission.TEAM_MANAGE)
    valid = {permission.value for permission in Permission} - {p.value for p in OWNER_ONLY}
    problems = {
        key: ["Unknown or owner-only permission."] for key in overrides if key not in valid
    } | {
        key: ["Use true or false."]
        for key, value in overrides.items()
        if not isinstance(value, bool)
    }
    if problems:
        raise TeamError(
            "Some permission overrides are invalid.",
            code=TeamErrorCode.OVERRIDES_INVALID,
            fields=problems,
        )
    membership.permission_overrides = dict(overrides)
    membership.save(update_fields=["permission_overrides"])
    membership_mirror_sync_in_workspace(membership=membership)
    audit_record(
        action="team.permissions_changed",
        actor=actor,
        workspace_id=membership.workspace_id,
        target=membership,
        data={"member": membership.identity.email, "overrides": overrides},
        request=request,
    )
    return membership
