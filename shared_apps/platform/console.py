"""Services behind the platform owner's console (Django admin on platform hosts).

The console's admin pages and actions call these (or the owning app's services, which
audit on their own: workspace lifecycle in tenants.services, two-factor reset in
shared_apps.mfa.services, secrets in shared_apps.platform.vault). Each one here is
atomic, keyword-only, takes the acting platform owner and their request, and writes
one audit row named `console.<what happened>`.

This module sits apart from shared_apps.platform.services because it reaches into
accounts, billing, mfa and tenants, all of which import `audit_record` from there.
"""

import secrets
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from shared_apps.accounts.models import User
from shared_apps.accounts.services import password_reset_send, user_session_epoch_bump
from shared_apps.billing.models import Plan
from shared_apps.billing.services import plan_update as billing_plan_update
from shared_apps.mfa.selectors import totp_device_for_identity
from shared_apps.mfa.services import totp_device_reset
from shared_apps.platform.errors import ConsoleActionError, PlatformErrorCode
from shared_apps.platform.services import audit_record
from tenants.security import identity_sign_out_everywhere_in_workspaces
from tenants.selectors import site_identity_platform

REASON_MAX_LENGTH = 255


def _reason_required(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ConsoleActionError(
            "Give a reason: it is kept in the audit log.",
            code=PlatformErrorCode.REASON_REQUIRED,
            fields={"reason": ["Give a reason."]},
        )
    return reason[:REASON_MAX_LENGTH]


def _not_yourself(*, identity: User, actor: User, what: str) -> None:
    if identity.pk == actor.pk:
        raise ConsoleActionError(f"You cannot {what} your own account from the console.")


# Identities ---------------------------------------------------------------------------


@transaction.atomic
def identity_disable(
    *, identity: User, actor: User, reason: str, request: HttpRequest | None = None
) -> int:
    """Stop an identity from signing in, and end every session it has: on the platform
    and, through its mirrors, on every workspace host. Returns how many workspaces'
    sessions were ended.

    Its workspace mirrors need no change: staff reach a workspace only through the
    single-sign-on hop, which an inactive identity cannot start.
    """
    reason = _reason_required(reason)
    _not_yourself(identity=identity, actor=actor, what="disable")
    identity = User.objects.select_for_update().get(pk=identity.pk)
    was_active = identity.is_active
    identity.is_active = False
    identity.save(update_fields=["is_active"])
    user_session_epoch_bump(user=identity)
    workspaces = identity_sign_out_everywhere_in_workspaces(identity=identity)
    audit_record(
        action="console.identity_disabled",
        actor=actor,
        target=identity,
        data={
            "identity": identity.email,
            "reason": reason,
            "was_active": was_active,
            "workspaces_signed_out": workspaces,
        },
        request=request,
    )
    return workspaces


@transaction.atomic
def identity_enable(
    *, identity: User, actor: User, reason: str = "", request: HttpRequest | None = None
) -> None:
    identity = User.objects.select_for_update().get(pk=identity.pk)
    if identity.is_active:
        return
    identity.is_active = True
    identity.save(update_fields=["is_active"])
    audit_record(
        action="console.identity_enabled",
        actor=actor,
        target=identity,
        data={"identity": identity.email, "reason": (reason or "").strip()[:REASON_MAX_LENGTH]},
        request=request,
    )


@transaction.atomic
def identity_password_reset_force(
    *, identity: User, actor: User, reason: str = "", request: HttpRequest | None = None
) -> bool:
    """Make the identity's password stop working, end its sessions everywhere, and mail
    it a link to choose a new one. Returns whether a mail goes out (only to an active
    identity; a disabled one is told nothing until it is enabled again).

    The password is replaced with a long random one that nobody knows rather than
    Django's "unusable" marker, because password_reset_send (rightly) mails only
    accounts with a usable password: an unusable one marks workspace mirrors and
    identities that sign in with a provider only. The old password is dead either way.
    """
    _not_yourself(identity=identity, actor=actor, what="force a password reset of")
    identity = User.objects.select_for_update().get(pk=identity.pk)
    identity.set_password(secrets.token_urlsafe(48))
    identity.save(update_fields=["password"])
    user_session_epoch_bump(user=identity)
    workspaces = identity_sign_out_everywhere_in_workspaces(identity=identity)
    mails = identity.is_active
    audit_record(
        action="console.identity_password_reset_forced",
        actor=actor,
        target=identity,
        data={
            "identity": identity.email,
            "reason": (reason or "").strip()[:REASON_MAX_LENGTH],
            "mail_sent": mails,
            "workspaces_signed_out": workspaces,
        },
        request=request,
    )
    if mails:
        email = identity.email
        # After commit: the link's token is made from the new password hash, and no
        # mail may leave for a change that was rolled back.
        transaction.on_commit(
            lambda: password_reset_send(email=email, site=site_identity_platform())
        )
    return mails


@transaction.atomic
def identity_two_factor_reset(
    *, identity: User, actor: User, request: HttpRequest | None = None
) -> None:
    """Remove the identity's authenticator app (lost phone and recovery codes). The
    mfa service writes the audit row (`mfa.reset`)."""
    device = totp_device_for_identity(identity=identity)
    if device is None:
        raise ConsoleActionError(f"{identity.email} has no authenticator app to remove.")
    totp_device_reset(device=device, actor=actor, request=request)


# Plans --------------------------------------------------------------------------------

# What a plan offers goes through billing's own service (it audits `billing.plan_updated`
# and gives subscribers a change leaves over the limit their grace period); how the plan
# is presented is edited here.
# Offer fields change what subscribers may use, so they go through billing's
# plan_update (grace for workspaces the change leaves over the new offer).
_PLAN_OFFER_FIELDS = ("feature_limit", "features", "is_active", "is_whitelabel")
_PLAN_PRESENTATION_FIELDS = ("name", "description", "sort_order")


@transaction.atomic
def plan_edit(
    *, plan: Plan, changes: dict[str, Any], actor: User, request: HttpRequest | None = None
) -> Plan:
    """Apply the console's plan form. Prices are not edited here: a price change is a
    new version (billing's plan_price_change)."""
    unknown = set(changes) - {*_PLAN_OFFER_FIELDS, *_PLAN_PRESENTATION_FIELDS}
    if unknown:
        raise ConsoleActionError(
            f"These plan fields cannot be changed here: {', '.join(sorted(unknown))}.",
            code=PlatformErrorCode.PLAN_INVALID,
        )
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    offer = {f: changes[f] for f in _PLAN_OFFER_FIELDS if f in changes}
    if offer:
        plan = billing_plan_update(plan=plan, actor=actor, request=request, **offer)
    diff = {
        field: [getattr(plan, field), changes[field]]
        for field in _PLAN_PRESENTATION_FIELDS
        if field in changes and getattr(plan, field) != changes[field]
    }
    if diff:
        for field, (_, value) in diff.items():
            setattr(plan, field, value)
        plan.save(update_fields=[*diff, "updated_at"])
        audit_record(
            action="console.plan_changed",
            actor=actor,
            target=plan,
            data={"plan": plan.code, "changes": diff},
            request=request,
        )
    return plan
