from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from shared_apps.accounts.errors import AccountError, AccountErrorCode
from shared_apps.accounts.models import User
from shared_apps.accounts.selectors import (
    social_account_can_disconnect,
    social_account_get_for_identity,
    user_get_by_email,
)
from shared_apps.platform.services import audit_record
from tenants.mail import mail_send
from tenants.selectors import SiteIdentity, current_workspace


@transaction.atomic
def user_sign_up(*, email: str, password: str, first_name: str = "", last_name: str = "") -> User:
    """Create a user who signs in with a password: an identity in public, a customer in
    a workspace schema. The ambient schema decides which."""
    email = User.objects.normalize_email((email or "").strip()).lower()
    if user_get_by_email(email=email) is not None:
        raise AccountError(
            "An account with this email already exists.",
            code=AccountErrorCode.EMAIL_TAKEN,
            status=409,
            fields={"email": ["An account with this email already exists."]},
        )
    user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip())
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise AccountError(
            " ".join(exc.messages),
            code=AccountErrorCode.PASSWORD_INVALID,
            fields={"password": list(exc.messages)},
        ) from exc
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def tenant_user_sync_from_identity(
    *,
    identity_uuid,
    email: str,
    first_name: str,
    last_name: str,
    staff_role: str,
    permission_overrides: dict,
    is_superuser: bool,
    group_names: list[str],
) -> User:
    """The tenant-local mirror of a staff identity. It has no usable password: staff
    arrive through the SSO hop, never by typing a password on a workspace host."""
    mirror = User.objects.filter(identity_id=identity_uuid).first()
    if mirror is None:
        # A customer who later joins the staff keeps their row, now linked.
        mirror = User.objects.filter(email__iexact=email).first() or User(email=email.lower())
        mirror.identity_id = identity_uuid
        mirror.set_unusable_password()
    mirror.email = email.lower()
    mirror.first_name = first_name
    mirror.last_name = last_name
    mirror.staff_role = staff_role
    mirror.permission_overrides = permission_overrides
    mirror.is_superuser = is_superuser
    mirror.is_staff = True
    mirror.is_active = True
    mirror.save()
    mirror.groups.set(Group.objects.filter(name__in=group_names))
    return mirror


def password_reset_send(*, email: str, site: SiteIdentity) -> bool:
    """Mail a reset link if an active account with a usable password has this email.

    `site.base_url` comes from the workspace's verified primary host (or the platform's),
    never from the request's Host header. Returns whether a mail was sent; callers show
    the same message either way so the form does not reveal who has an account.

    A staff mirror never gets one: its own password (a customer who later joined the
    staff keeps it) does not sign staff in. Staff reset their identity's password, on
    the platform or, for a white-labelled workspace, through
    tenants.staff_sign_in.staff_password_reset_send_in_workspace.
    """
    user = user_get_by_email(email=email)
    if user is None or not user.is_active or user.is_staff_mirror or not user.has_usable_password():
        return False
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    password_reset_mail_send(user=user, reset_url=f"{site.base_url}{path}", site=site)
    return True


def password_reset_mail_send(*, user: User, reset_url: str, site: SiteIdentity) -> None:
    """The reset mail itself, in `site`'s brand: one template for every kind of account."""
    mail_send(
        to=user.email,
        subject=f"Reset your {site.name} password",
        template="accounts/email/password_reset",
        context={"user": user, "reset_url": reset_url},
        site=site,
    )


def user_password_reset_audit(*, user: User, request: HttpRequest | None = None) -> None:
    """Record a password set through a reset link (`auth.password_reset`). An identity
    is the actor; a tenant-local customer is named in the data instead, as in
    user_sign_out_everywhere (the trail lives in public, where it is not an identity)."""
    workspace = current_workspace()
    if workspace is None:
        audit_record(
            action="auth.password_reset",
            actor=user,
            target=user,
            data={"via": "reset_link"},
            request=request,
        )
        return
    audit_record(
        action="auth.password_reset",
        workspace_id=workspace.pk,
        data={"via": "reset_link", "user": str(user.uuid), "email": user.email},
        request=request,
    )


def user_session_epoch_bump(*, user: User) -> None:
    """End every session of this user in the current schema.

    The epoch is part of the session hash (User.get_session_auth_hash), which Django
    checks on every request: each existing session stops matching and is flushed the
    next time it is used. An F() update, so two bumps at once both count.
    """
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])


@transaction.atomic
def user_sign_out_everywhere(*, user: User, request: HttpRequest | None = None) -> None:
    """Sign out everywhere, for a tenant-local user (a customer, or a staff mirror on
    its workspace's host). A platform identity goes through
    tenants.security.identity_sign_out_everywhere, which also reaches its mirrors."""
    user_session_epoch_bump(user=user)
    workspace = current_workspace()
    audit_record(
        action="auth.signed_out_everywhere",
        # The audit trail lives in the public schema; a tenant-local user is not an
        # identity there, so it is named in the data instead of as the actor.
        workspace_id=workspace.pk if workspace is not None else None,
        data={
            "user": str(user.uuid),
            "email": user.email,
            "identity": _str_or_none(user.identity_id),
        },
        request=request,
    )


@transaction.atomic
def social_account_disconnect(
    *, identity: User, account_id: int, request: HttpRequest | None = None
) -> None:
    """Remove one of an identity's connected sign-in accounts (Google, Apple, Facebook).

    Refused when it is the identity's last way to sign in: no usable password (it
    signed up with a provider) and no other connected account.
    """
    # Locked, so that two disconnections at once cannot each count on the other
    # account still being there.
    identity = User.objects.select_for_update().get(pk=identity.pk)
    account = social_account_get_for_identity(identity=identity, account_id=account_id)
    if not social_account_can_disconnect(identity=identity, account=account):
        raise AccountError(
            "This account is your only way to sign in: connect another one first.",
            code=AccountErrorCode.SOCIAL_LAST_SIGN_IN_METHOD,
            status=409,
        )
    provider, uid = account.provider, account.uid
    account.delete()
    audit_record(
        action="auth.social_account_disconnected",
        actor=identity,
        target=identity,
        data={"provider": provider, "uid": uid},
        request=request,
    )


def _str_or_none(value) -> str | None:
    return str(value) if value is not None else None
