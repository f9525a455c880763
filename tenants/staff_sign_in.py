"""Staff signing in on a workspace's own hosts, and joining it from an invitation there.

A white-labelled workspace's staff must never be sent to the platform's host, so its
sign-in page (shared_apps.accounts.views.SignInView) also accepts a staff member's
identity credentials, and its invitations are accepted on its own host (/join/<token>/,
tenants.invitation_views). Identities, memberships, invitations and authenticators are
public rows while the request runs in the workspace's schema: every function here that
reads or writes them opens the public schema itself (`accounts_user` exists in both
planes, so a query from the wrong one would read the wrong table).

What a sign-in here has in common with the single-sign-on hop (tenants.sso): the
membership is re-read, the workspace's "require two-factor" setting is enforced, the
tenant-local mirror is brought in step with the role and it is the mirror that is signed
in, on this host only. Unlike the hop, a password was typed here, so:

- an identity with an authenticator app continues to a code step on this host;
- failed passwords and codes also count against the identity's counters in the public
  key space (shared_apps.accounts.throttling), the same ones the platform's sign-in page
  uses: an identity that is staff of many workspaces does not get a fresh budget of
  guesses on each host. A refusal for that reason looks exactly like a wrong password,
  so it says nothing about who is staff here.

A white-labelled workspace's staff also reset their identity's password on its host
(`staff_password_reset_send_in_workspace`, `staff_password_reset_confirm_in_workspace`):
the link is Django's token over the identity (so it works once, and any password change
voids it) with the identity's uuid, never the mirror's id, and the reset ends in the
same sign-in as a typed password.
"""

import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django_tenants.utils import get_public_schema_name, schema_context

from config.errors import ApplicationError, ErrorCode
from shared_apps.accounts.errors import AccountError, AccountErrorCode
from shared_apps.accounts.models import User
from shared_apps.accounts.selectors import user_get_by_email
from shared_apps.accounts.services import password_reset_mail_send, user_sign_up
from shared_apps.accounts.throttling import (
    SIGN_IN_PER_ACCOUNT,
    TWO_FACTOR_PER_ACCOUNT,
    ThrottleState,
    email_subject,
    throttle_hit,
    throttle_reset,
    throttle_state,
)
from shared_apps.mfa.errors import TwoFactorError, TwoFactorErrorCode
from shared_apps.mfa.selectors import identity_has_two_factor, workspace_requires_two_factor
from shared_apps.mfa.services import VerifiedFactor, two_factor_verify
from shared_apps.platform.services import audit_record
from tenants.errors import TeamError, TeamErrorCode
from tenants.models import Invitation, Membership, Workspace
from tenants.routing import host_from_request
from tenants.security import identity_sign_out_everywhere_in_workspaces
from tenants.selectors import site_identity_for_workspace
from tenants.services import membership_mirror_sync_in_workspace
from tenants.teams import invitation_accept, invitation_check_open, invitation_get_by_token

PENDING_SESSION_KEY = "staff_two_factor_pending"


class SignInThrottledError(ApplicationError):
    code = ErrorCode.RATE_LIMITED
    status = 429

    def __init__(self, state: ThrottleState):
        super().__init__(state.message)
        self.retry_after = state.retry_after


@dataclass(frozen=True)
class StaffSignIn:
    """A staff member whose password (and membership) checked out on a workspace host.
    `identity` and `membership` are public rows, read in the public schema."""

    identity: User
    membership: Membership
    # Whether the identity has a confirmed authenticator: a code step is due.
    needs_code: bool


def _public():
    return schema_context(get_public_schema_name())


def _burn_a_password_hash(password: str) -> None:
    # Every refusal costs one password hash, like a real check: the answer's timing
    # must not tell an unknown email from a wrong password (Django's ModelBackend
    # does the same for unknown users).
    make_password(password)


def _sign_in(*, identity: User, membership: Membership) -> StaffSignIn:
    return StaffSignIn(
        identity=identity,
        membership=membership,
        needs_code=identity_has_two_factor(identity=identity),
    )


def staff_two_factor_requirement_check(*, workspace: Workspace, sign_in: StaffSignIn) -> None:
    """Raise TwoFactorError when the workspace requires a second factor the staff member
    has not set up: the rule the hop enforces (tenants.sso), worded without sending
    anyone to the platform (on a white-labelled host there is no platform to name)."""
    if workspace_requires_two_factor(workspace=workspace) and not sign_in.needs_code:
        raise TwoFactorError(
            f"{workspace.name} requires staff to sign in with two-factor authentication. "
            "Set up an authenticator app for your account, then sign in again.",
            code=TwoFactorErrorCode.REQUIRED,
            status=403,
        )


def staff_identity_authenticate_in_workspace(
    *, workspace: Workspace, email: str, password: str
) -> StaffSignIn | None:
    """The staff member `email` names, if the password is their identity's and they are
    a member of `workspace`; None otherwise, whatever the reason (unknown email, wrong
    password, not a member, a disabled identity, too many failures), so that the caller
    answers every refusal the same way.

    Raises TwoFactorError when the password was right but the workspace requires a
    second factor that the identity has not set up.

    Crosses schemas: identities and memberships live in public.
    """
    subject = email_subject(email)
    with _public():
        if not subject or throttle_state(limit=SIGN_IN_PER_ACCOUNT, subject=subject).blocked:
            _burn_a_password_hash(password)
            return None
        identity = User.objects.filter(email__iexact=subject, is_active=True).first()
        membership = (
            Membership.objects.filter(identity=identity, workspace_id=workspace.pk).first()
            if identity is not None
            else None
        )
        if membership is None:
            _burn_a_password_hash(password)
            return None
        # check_password may re-hash an old-style hash and save it: in public, here.
        if not identity.check_password(password):
            throttle_hit(limit=SIGN_IN_PER_ACCOUNT, subject=subject)
            return None
        membership.identity = identity
        membership.workspace = workspace
        sign_in = _sign_in(identity=identity, membership=membership)
    staff_two_factor_requirement_check(workspace=workspace, sign_in=sign_in)
    return sign_in


def staff_sign_in_complete_in_workspace(
    *,
    workspace: Workspace,
    sign_in: StaffSignIn,
    request: HttpRequest,
    second_factor: str = "",
    method: str = "password",
) -> User:
    """The last step before the session: clear the identity's failed attempts, audit,
    and return the tenant-local mirror (in step with the role) to sign in.

    Crosses schemas: the counters and the audit trail are public; the mirror is not.
    """
    with _public(), transaction.atomic():
        throttle_reset(limit=SIGN_IN_PER_ACCOUNT, subject=email_subject(sign_in.identity.email))
        audit_record(
            action="auth.signed_in",
            actor=sign_in.identity,
            workspace_id=workspace.pk,
            target=sign_in.membership,
            data={
                "host": host_from_request(request),
                "role": sign_in.membership.role,
                "method": method,
                "second_factor": second_factor,
            },
            request=request,
        )
    return membership_mirror_sync_in_workspace(membership=sign_in.membership)


# The code step, on the workspace host. The marker lives in the (still anonymous)
# session, like shared_apps.mfa.pending on the platform; it names the identity, not the
# mirror, and carries the identity's session hash, so a password change or "sign out
# everywhere" in the meantime voids it.


def staff_two_factor_pending_start(
    *, request: HttpRequest, workspace: Workspace, sign_in: StaffSignIn, redirect_to: str
) -> None:
    # A new session key: the marker proves a password was typed (session fixation).
    request.session.cycle_key()
    request.session[PENDING_SESSION_KEY] = {
        "identity": str(sign_in.identity.uuid),
        "workspace": str(workspace.pk),
        "hash": sign_in.identity.get_session_auth_hash(),
        "expires_at": int(time.time()) + settings.TWO_FACTOR_PENDING_SECONDS,
        "redirect_to": redirect_to,
    }
    with _public():
        audit_record(
            action="auth.sign_in_code_step",
            actor=sign_in.identity,
            workspace_id=workspace.pk,
            target=sign_in.membership,
            data={"host": host_from_request(request), "method": "password"},
            request=request,
        )


def staff_two_factor_pending_clear(*, request: HttpRequest) -> None:
    request.session.pop(PENDING_SESSION_KEY, None)


def staff_two_factor_pending_get_in_workspace(
    *, request: HttpRequest, workspace: Workspace
) -> tuple[StaffSignIn, str] | None:
    """The sign-in waiting for its code on this host, and where to go afterwards; None
    (and the marker dropped) when there is none, it expired, or anything it rests on
    changed: the password, the membership, the authenticator.

    Crosses schemas: the identity and its membership are re-read in public.
    """
    data = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(data, dict):
        return None
    sign_in = None
    if data.get("expires_at", 0) >= time.time() and data.get("workspace") == str(workspace.pk):
        with _public():
            membership = (
                Membership.objects.select_related("identity")
                .filter(
                    identity__uuid=data.get("identity"),
                    identity__is_active=True,
                    workspace_id=workspace.pk,
                )
                .first()
            )
            if membership is not None and membership.identity.get_session_auth_hash() == data.get(
                "hash"
            ):
                membership.workspace = workspace
                sign_in = _sign_in(identity=membership.identity, membership=membership)
    if sign_in is None or not sign_in.needs_code:
        staff_two_factor_pending_clear(request=request)
        return None
    return sign_in, data.get("redirect_to") or settings.LOGIN_REDIRECT_URL


def staff_two_factor_verify_in_workspace(
    *, sign_in: StaffSignIn, code: str, request: HttpRequest
) -> VerifiedFactor:
    """Check the second factor of a pending staff sign-in. Raises TwoFactorError for a
    wrong code and SignInThrottledError once there were too many.

    Crosses schemas: the authenticator and its counter are the identity's, in public:
    guesses on every host (the platform's too) count against one budget.
    """
    subject = f"identity:{sign_in.identity.uuid}"  # as shared_apps.mfa.views counts it
    with _public():
        state = throttle_state(limit=TWO_FACTOR_PER_ACCOUNT, subject=subject)
        if state.blocked:
            raise SignInThrottledError(state)
        try:
            verified = two_factor_verify(identity=sign_in.identity, code=code, request=request)
        except TwoFactorError:
            state = throttle_hit(limit=TWO_FACTOR_PER_ACCOUNT, subject=subject)
            if state.blocked:
                raise SignInThrottledError(state) from None
            raise
        throttle_reset(limit=TWO_FACTOR_PER_ACCOUNT, subject=subject)
    return verified


# Resetting the identity's password on a white-labelled workspace's own host.


def _identity_uid(identity: User) -> str:
    return urlsafe_base64_encode(force_bytes(str(identity.uuid)))


def _reset_sign_in(
    *, workspace: Workspace, uidb64: str, token: str, for_update: bool = False
) -> StaffSignIn | None:
    """The member a reset link names, while the link is good; run in public."""
    try:
        identity_uuid = uuid.UUID(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError):  # bad base64, bytes that are not text or not a uuid
        return None
    identities = User.objects.filter(uuid=identity_uuid, is_active=True)
    identity = (identities.select_for_update() if for_update else identities).first()
    if identity is None or not default_token_generator.check_token(identity, token):
        return None
    membership = Membership.objects.filter(identity=identity, workspace_id=workspace.pk).first()
    if membership is None:
        return None
    membership.identity = identity
    membership.workspace = workspace
    return _sign_in(identity=identity, membership=membership)


def staff_password_reset_send_in_workspace(*, workspace: Workspace, email: str) -> bool:
    """Mail the staff member `email` names a link, on this workspace's own host, to
    choose a new password for their identity; returns whether one was sent.

    White-labelled workspaces only: a normal workspace's staff reset on the platform.
    Nothing is sent for an unknown email, a disabled identity, someone who is not a
    member here or an identity without a usable password (Django's rule: one may have
    been disabled on purpose). Customers are not looked at: the caller's
    password_reset_send covers them. Callers answer the same page either way.

    Crosses schemas: the identity and its membership are public rows; the mail speaks
    for the workspace (its SiteIdentity) and links to its verified primary host.
    """
    site = site_identity_for_workspace(workspace=workspace)
    subject = email_subject(email)
    if not site.white_label or not subject:
        return False
    with _public():
        identity = User.objects.filter(email__iexact=subject, is_active=True).first()
        if (
            identity is None
            or not identity.has_usable_password()
            or not Membership.objects.filter(identity=identity, workspace_id=workspace.pk).exists()
        ):
            return False
        token = default_token_generator.make_token(identity)
    path = reverse(
        "workspace_staff:password_reset_confirm",
        urlconf=settings.ROOT_URLCONF,  # the workspace's URLs, whichever the caller runs on
        kwargs={"uidb64": _identity_uid(identity), "token": token},
    )
    password_reset_mail_send(user=identity, reset_url=f"{site.base_url}{path}", site=site)
    return True


def staff_password_reset_check_in_workspace(
    *, workspace: Workspace, uidb64: str, token: str
) -> StaffSignIn | None:
    """The staff member a reset link is for, while it is good here: None once it was
    used, expired or voided by a password change, when the identity is disabled or no
    longer a member, or when the workspace is no longer white-labelled.

    Crosses schemas: the identity and its membership are public rows.
    """
    if not site_identity_for_workspace(workspace=workspace).white_label:
        return None
    with _public():
        return _reset_sign_in(workspace=workspace, uidb64=uidb64, token=token)


def staff_password_reset_confirm_in_workspace(
    *, workspace: Workspace, uidb64: str, token: str, password: str, request: HttpRequest
) -> StaffSignIn | None:
    """Set the identity's password from a reset link and return the sign-in it leads to
    (the caller checks the workspace's two-factor rule and finishes it like a typed
    password). None, and nothing changed, when the link is no longer good. Raises
    AccountError for a password Django's validators refuse.

    The link then stops working (the token covers the password hash). Whoever else is
    signed in as this identity is signed out: on the platform by the new password hash,
    on workspace hosts by bumping the mirrors' session epochs (a reset is how someone
    takes an account back).

    Crosses schemas: the identity, its membership and the audit trail are public; the
    mirrors' epochs are in each workspace's schema.
    """
    if not site_identity_for_workspace(workspace=workspace).white_label:
        return None
    with _public(), transaction.atomic():
        # Locked: two submissions of one link must not both set a password.
        sign_in = _reset_sign_in(workspace=workspace, uidb64=uidb64, token=token, for_update=True)
        if sign_in is None:
            return None
        identity = sign_in.identity
        try:
            password_validation.validate_password(password, identity)
        except ValidationError as exc:
            raise AccountError(
                " ".join(exc.messages),
                code=AccountErrorCode.PASSWORD_INVALID,
                fields={"new_password1": list(exc.messages)},
            ) from exc
        identity.set_password(password)
        identity.save(update_fields=["password"])
        identity_sign_out_everywhere_in_workspaces(identity=identity)
        audit_record(
            action="auth.password_reset",
            actor=identity,
            workspace_id=workspace.pk,
            target=identity,
            data={"host": host_from_request(request), "via": "reset_link"},
            request=request,
        )
    return sign_in


# Joining from an invitation on the workspace's own host.


@dataclass(frozen=True)
class JoinInvitation:
    invitation: Invitation
    inviter_name: str
    # Whether the invitee already has an identity: they confirm its password instead of
    # creating one.
    has_identity: bool


def _invitation_open_for_workspace(*, workspace: Workspace, token: str) -> Invitation:
    invitation = invitation_get_by_token(token=token)
    if invitation.workspace_id != workspace.pk:
        # Another workspace's token is not valid here: the same answer as a made-up one.
        raise TeamError(
            "This invitation link is not valid. Ask for a new one.",
            code=TeamErrorCode.INVITATION_INVALID,
            status=404,
        )
    invitation_check_open(invitation=invitation)
    return invitation


def invitation_for_join_in_workspace(*, workspace: Workspace, token: str) -> JoinInvitation:
    """The open invitation `token` names for this workspace; raises TeamError (404 for
    an unknown token or another workspace's, 410 once used, revoked or expired).

    Crosses schemas: invitations and identities are public rows.
    """
    with _public():
        invitation = _invitation_open_for_workspace(workspace=workspace, token=token)
        inviter = invitation.invited_by
        return JoinInvitation(
            invitation=invitation,
            inviter_name=inviter.get_full_name() if inviter is not None else "",
            has_identity=user_get_by_email(email=invitation.email) is not None,
        )


def invitation_accept_as_new_identity_in_workspace(
    *,
    workspace: Workspace,
    token: str,
    first_name: str,
    last_name: str,
    password: str,
    request: HttpRequest,
) -> StaffSignIn:
    """Create the invitee's identity (the password checked by Django's validators) and
    accept the invitation with it, in one transaction: a refused password leaves no
    identity and an unused invitation. Raises AccountError or TeamError.

    Crosses schemas: the identity, the membership and the invitation are public rows
    (tenants.teams.invitation_accept also brings the mirror into this workspace).
    """
    with _public(), transaction.atomic():
        invitation = _invitation_open_for_workspace(workspace=workspace, token=token)
        identity = user_sign_up(
            email=invitation.email, password=password, first_name=first_name, last_name=last_name
        )
        membership = invitation_accept(token=token, identity=identity, request=request)
        membership.workspace = workspace
        return _sign_in(identity=identity, membership=membership)


def invitation_accept_with_password_in_workspace(
    *, workspace: Workspace, token: str, password: str, request: HttpRequest
) -> StaffSignIn | None:
    """Accept the invitation with the invitee's existing identity, proved by its
    password; None when the password is not right (counted like a failed sign-in).
    Raises TeamError for an invitation that cannot be accepted.

    Crosses schemas: as invitation_accept_as_new_identity_in_workspace.
    """
    with _public(), transaction.atomic():
        invitation = _invitation_open_for_workspace(workspace=workspace, token=token)
        subject = email_subject(invitation.email)
        identity = User.objects.filter(email__iexact=subject, is_active=True).first()
        if throttle_state(limit=SIGN_IN_PER_ACCOUNT, subject=subject).blocked:
            _burn_a_password_hash(password)
            return None
        if identity is None or not identity.check_password(password):
            if identity is None:
                _burn_a_password_hash(password)
            throttle_hit(limit=SIGN_IN_PER_ACCOUNT, subject=subject)
            return None
        membership = invitation_accept(token=token, identity=identity, request=request)
        membership.workspace = workspace
        return _sign_in(identity=identity, membership=membership)
