"""A white-labelled workspace's staff manage their identity's two-factor sign-in on the
workspace's own host (its /accounts/security/ page, tenants.staff_security_views).

Staff sign in there with their identity's password and a code from their authenticator
(tenants.staff_sign_in), so that host is also where they set the authenticator up, see
how many recovery codes are left, make new ones and turn it off: a white-labelled
workspace's staff must never need the platform's host. Everyone else keeps today's
split: staff of other workspaces manage two-factor on the platform, customers have none.

The request runs as the tenant-local mirror, in the workspace's schema; the
authenticator, the identity, its membership, the throttle counters and the audit trail
are public. Every function here therefore re-reads the identity and the membership in
the public schema (a removed member, or a mirror whose identity was disabled, is turned
away even while their session lasts) and runs shared_apps.mfa's services there, which
audit exactly as they do on the platform (mfa.enabled, mfa.recovery_codes_regenerated,
mfa.disabled).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django_tenants.utils import get_public_schema_name, schema_context

from config.errors import NotFoundError
from shared_apps.accounts.models import User
from shared_apps.accounts.throttling import (
    TWO_FACTOR_PER_ACCOUNT,
    throttle_hit,
    throttle_reset,
    throttle_state,
)
from shared_apps.mfa.errors import TwoFactorError
from shared_apps.mfa.models import TOTPDevice
from shared_apps.mfa.selectors import (
    recovery_codes_left,
    totp_device_for_identity,
    workspace_requires_two_factor,
)
from shared_apps.mfa.services import (
    Enrolment,
    recovery_codes_regenerate,
    totp_device_confirm,
    totp_device_disable,
    totp_device_enrol,
)
from tenants.models import Membership, Workspace
from tenants.selectors import site_identity_for_workspace
from tenants.staff_sign_in import SignInThrottledError


@dataclass(frozen=True)
class StaffTwoFactor:
    """What the workspace's security page shows of a staff member's second factor."""

    identity: User
    enabled: bool
    device: TOTPDevice | None
    recovery_codes_left: int
    # Whether this workspace lets no staff in without a second factor: turning it off
    # then locks the person out of it.
    required_here: bool


def _public():
    return schema_context(get_public_schema_name())


def _not_here() -> NotFoundError:
    # The same answer for a customer, a removed member and a workspace that is not
    # white-labelled: nothing about who is staff where.
    return NotFoundError("No such page.")


def _staff_identity(*, workspace: Workspace, user) -> User:
    """The active identity `user` (the signed-in mirror) stands for, if it is still a
    member of this white-labelled workspace. Call in the public schema."""
    identity_uuid = getattr(user, "identity_id", None)
    if not (getattr(user, "is_authenticated", False) and user.is_active and identity_uuid):
        raise _not_here()
    if not site_identity_for_workspace(workspace=workspace).white_label:
        raise _not_here()
    identity = User.objects.filter(uuid=identity_uuid, is_active=True).first()
    if (
        identity is None
        or not Membership.objects.filter(identity=identity, workspace_id=workspace.pk).exists()
    ):
        raise _not_here()
    return identity


def staff_two_factor_state_in_workspace(*, workspace: Workspace, user) -> StaffTwoFactor | None:
    """The signed-in staff member's second factor, when this host is where they manage
    it (a white-labelled workspace they are still a member of); None otherwise.

    Crosses schemas: the identity, its membership and its authenticator are public.
    """
    with _public():
        try:
            identity = _staff_identity(workspace=workspace, user=user)
        except NotFoundError:
            return None
        device = totp_device_for_identity(identity=identity)
        enabled = device is not None and device.is_confirmed
        return StaffTwoFactor(
            identity=identity,
            enabled=enabled,
            device=device if enabled else None,
            recovery_codes_left=recovery_codes_left(device=device) if enabled else 0,
            required_here=workspace_requires_two_factor(workspace=workspace),
        )


def staff_totp_enrol_in_workspace(*, workspace: Workspace, user) -> Enrolment:
    """Start (or resume) setting up the staff member's authenticator app, labelled with
    the workspace's display name (never the platform's). Raises NotFoundError when this
    host is not where they manage it, TwoFactorError when it is already on.

    Crosses schemas: the authenticator is the identity's, in public.
    """
    with _public():
        identity = _staff_identity(workspace=workspace, user=user)
        issuer = site_identity_for_workspace(workspace=workspace).name
        return totp_device_enrol(identity=identity, issuer=issuer)


def staff_totp_confirm_in_workspace(
    *, workspace: Workspace, user, code: str, request: HttpRequest
) -> list[str]:
    """Turn two-factor sign-in on with a first code from the app; the recovery codes
    exist in clear only in the return value. Raises NotFoundError or TwoFactorError.

    Crosses schemas: the authenticator and the audit row (mfa.enabled) are public.
    """
    with _public():
        identity = _staff_identity(workspace=workspace, user=user)
        return totp_device_confirm(identity=identity, code=code, request=request)


def _reauthenticated_in_public(
    *, workspace: Workspace, user, password: str, code: str, request: HttpRequest, action: Callable
):
    identity = _staff_identity(workspace=workspace, user=user)
    # As shared_apps.mfa.views counts it: one budget of guesses per identity, on the
    # platform's host and every workspace's (the counters are keyed in public).
    subject = f"identity:{identity.uuid}"
    state = throttle_state(limit=TWO_FACTOR_PER_ACCOUNT, subject=subject)
    if state.blocked:
        raise SignInThrottledError(state)
    try:
        result = action(identity=identity, password=password, code=code, request=request)
    except TwoFactorError:
        state = throttle_hit(limit=TWO_FACTOR_PER_ACCOUNT, subject=subject)
        if state.blocked:
            raise SignInThrottledError(state) from None
        raise
    throttle_reset(limit=TWO_FACTOR_PER_ACCOUNT, subject=subject)
    return result


def staff_recovery_codes_regenerate_in_workspace(
    *, workspace: Workspace, user, password: str = "", code: str = "", request: HttpRequest
) -> list[str]:
    """Replace the staff member's recovery codes, after their identity's password or a
    code from the app. Raises NotFoundError, TwoFactorError (wrong factor, not on) or
    SignInThrottledError.

    Crosses schemas: the authenticator, the counters and the audit row are public.
    """
    with _public():
        return _reauthenticated_in_public(
            workspace=workspace,
            user=user,
            password=password,
            code=code,
            request=request,
            action=recovery_codes_regenerate,
        )


def staff_totp_disable_in_workspace(
    *, workspace: Workspace, user, password: str = "", code: str = "", request: HttpRequest
) -> None:
    """Turn the staff member's two-factor sign-in off, after their identity's password
    or a code from the app. Raises as staff_recovery_codes_regenerate_in_workspace.

    Crosses schemas: as staff_recovery_codes_regenerate_in_workspace.
    """
    with _public():
        _reauthenticated_in_public(
            workspace=workspace,
            user=user,
            password=password,
            code=code,
            request=request,
            action=totp_device_disable,
        )
