"""Invitations, roles, removal and ownership: the services and their rules."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tenants.utils import tenant_context

from config.errors import PermissionDeniedError
from shared_apps.accounts.models import User
from shared_apps.platform.models import AuditEvent
from tenants.errors import TeamError
from tenants.models import Invitation, Membership
from tenants.teams import (
    invitation_accept,
    invitation_create,
    invitation_get_by_token,
    invitation_resend,
    invitation_revoke,
    membership_permissions_set,
    membership_remove,
    membership_role_change,
    ownership_transfer,
)
from tests.factories import IdentityFactory
from tests.helpers import add_member


def _membership(identity, workspace):
    return Membership.objects.get(identity=identity, workspace=workspace)


def _mirror(identity, workspace):
    with tenant_context(workspace):
        return User.objects.get(identity_id=identity.uuid)


def test_an_admin_invites_and_the_mail_links_to_the_platform(alpha):
    admin = add_member(alpha, "admin")

    invitation, token = invitation_create(
        workspace=alpha, email="New@Example.test", role="editor", actor=admin
    )

    assert invitation.email == "new@example.test"
    assert invitation.token_hash != token  # only a hash is stored
    assert len(mail.outbox) == 1
    assert f"http://localhost/invitations/{token}/" in mail.outbox[0].body
    assert "Alpha Co" in mail.outbox[0].subject
    assert AuditEvent.objects.filter(action="team.invited", workspace_id=alpha.pk).exists()


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_editors_and_viewers_cannot_invite(alpha, role):
    member = add_member(alpha, role)

    with pytest.raises(PermissionDeniedError):
        invitation_create(workspace=alpha, email="x@example.test", role="viewer", actor=member)


def test_only_an_owner_can_invite_an_owner(alpha, owner):
    admin = add_member(alpha, "admin")

    with pytest.raises(PermissionDeniedError):
        invitation_create(workspace=alpha, email="x@example.test", role="owner", actor=admin)
    invitation_create(workspace=alpha, email="x@example.test", role="owner", actor=owner)


def test_members_and_open_invitations_are_not_invited_twice(alpha, owner):
    editor = add_member(alpha, "editor", email="ed@example.test")
    invitation_create(workspace=alpha, email="fresh@example.test", role="viewer", actor=owner)

    with pytest.raises(TeamError, match="already a member"):
        invitation_create(workspace=alpha, email=editor.email, role="viewer", actor=owner)
    with pytest.raises(TeamError, match="resend"):
        invitation_create(workspace=alpha, email="FRESH@example.test", role="viewer", actor=owner)


def test_accepting_creates_the_membership_and_the_mirror(alpha, owner):
    _, token = invitation_create(
        workspace=alpha, email="joiner@example.test", role="editor", actor=owner
    )
    joiner = IdentityFactory(email="joiner@example.test")

    membership = invitation_accept(token=token, identity=joiner)

    assert (membership.role, membership.invited_by, membership.joined_at is not None) == (
        "editor",
        owner,
        True,
    )
    mirror = _mirror(joiner, alpha)
    assert mirror.staff_role == "editor"
    assert mirror.is_active and not mirror.has_usable_password()


def test_an_invitation_works_once(alpha, owner):
    _, token = invitation_create(
        workspace=alpha, email="once@example.test", role="viewer", actor=owner
    )
    invitation_accept(token=token, identity=IdentityFactory(email="once@example.test"))

    with pytest.raises(TeamError, match="already been used"):
        invitation_accept(token=token, identity=User.objects.get(email="once@example.test"))


def test_an_expired_invitation_is_refused(alpha, owner):
    invitation, token = invitation_create(
        workspace=alpha, email="late@example.test", role="viewer", actor=owner
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    with pytest.raises(TeamError, match="expired"):
        invitation_accept(token=token, identity=IdentityFactory(email="late@example.test"))


def test_an_invitation_is_for_its_address_only(alpha, owner):
    _, token = invitation_create(
        workspace=alpha, email="meant@example.test", role="viewer", actor=owner
    )

    with pytest.raises(TeamError, match=r"meant@example\.test"):
        invitation_accept(token=token, identity=IdentityFactory(email="other@example.test"))


def test_revoked_and_resent_links_stop_working(alpha, owner):
    invitation, first = invitation_create(
        workspace=alpha, email="re@example.test", role="viewer", actor=owner
    )
    second = invitation_resend(invitation=invitation, actor=owner)

    with pytest.raises(TeamError, match="not valid"):
        invitation_get_by_token(token=first)
    invitation_revoke(invitation=invitation, actor=owner)
    with pytest.raises(TeamError, match="withdrawn"):
        invitation_accept(token=second, identity=IdentityFactory(email="re@example.test"))
    assert len(mail.outbox) == 2


def test_role_change_reaches_the_mirror(alpha, owner):
    editor = add_member(alpha, "editor")

    membership_role_change(membership=_membership(editor, alpha), role="viewer", actor=owner)

    assert _membership(editor, alpha).role == "viewer"
    assert _mirror(editor, alpha).staff_role == "viewer"
    assert AuditEvent.objects.filter(action="team.role_changed", data__to="viewer").exists()


def test_admins_cannot_make_or_unmake_owners(alpha, owner):
    admin = add_member(alpha, "admin")
    editor = add_member(alpha, "editor")

    with pytest.raises(PermissionDeniedError):
        membership_role_change(membership=_membership(editor, alpha), role="owner", actor=admin)
    with pytest.raises(PermissionDeniedError):
        membership_role_change(membership=_membership(owner, alpha), role="viewer", actor=admin)


def test_the_last_owner_cannot_be_demoted_or_leave(alpha, owner):
    with pytest.raises(TeamError, match="at least one owner"):
        membership_role_change(membership=_membership(owner, alpha), role="admin", actor=owner)
    with pytest.raises(TeamError, match="at least one owner"):
        membership_remove(membership=_membership(owner, alpha), actor=owner)

    co_owner = add_member(alpha, "owner")
    membership_role_change(membership=_membership(owner, alpha), role="admin", actor=co_owner)
    assert _membership(owner, alpha).role == "admin"


def test_removing_a_member_deactivates_the_mirror(alpha, owner):
    editor = add_member(alpha, "editor")
    epoch = _mirror(editor, alpha).session_epoch

    membership_remove(membership=_membership(editor, alpha), actor=owner)

    assert not Membership.objects.filter(identity=editor, workspace=alpha).exists()
    mirror = _mirror(editor, alpha)
    assert not mirror.is_active
    assert mirror.staff_role == ""
    assert mirror.session_epoch == epoch + 1
    assert AuditEvent.objects.filter(action="team.removed", data__member=editor.email).exists()


def test_a_member_can_leave(alpha):
    viewer = add_member(alpha, "viewer")

    membership_remove(membership=_membership(viewer, alpha), actor=viewer)

    assert AuditEvent.objects.filter(action="team.left", actor=viewer).exists()


def test_ownership_transfer(alpha, owner):
    admin = add_member(alpha, "admin")

    ownership_transfer(workspace=alpha, to_membership=_membership(admin, alpha), actor=owner)

    assert _membership(admin, alpha).role == "owner"
    assert _membership(owner, alpha).role == "admin"
    assert _mirror(owner, alpha).staff_role == "admin"


def test_only_an_owner_can_transfer_ownership(alpha):
    admin = add_member(alpha, "admin")
    editor = add_member(alpha, "editor")

    with pytest.raises(PermissionDeniedError):
        ownership_transfer(workspace=alpha, to_membership=_membership(editor, alpha), actor=admin)


def test_permission_overrides_adjust_a_role(alpha, owner):
    editor = add_member(alpha, "editor")
    membership_permissions_set(
        membership=_membership(editor, alpha), overrides={"team.manage": True}, actor=owner
    )

    invitation_create(workspace=alpha, email="by-editor@example.test", role="viewer", actor=editor)

    assert _mirror(editor, alpha).permission_overrides == {"team.manage": True}


@pytest.mark.parametrize(
    "overrides", [{"billing.manage": True}, {"nonsense": True}, {"team.manage": "yes"}]
)
def test_invalid_or_owner_only_overrides_are_refused(alpha, owner, overrides):
    editor = add_member(alpha, "editor")

    with pytest.raises(TeamError) as caught:
        membership_permissions_set(
            membership=_membership(editor, alpha), overrides=overrides, actor=owner
        )

    assert set(caught.value.fields) == set(overrides)
    assert _membership(editor, alpha).permission_overrides == {}
