"""Stripe Billing for the platform's own plans: the one module that talks to Stripe.

Outgoing: the customer, the Price of a plan's price version, Checkout for the first
subscription, the subscription item's quantity (= enabled paid features, prorated), the
Customer Portal and cancelling at period end. Every request that creates or changes
something carries an idempotency key derived from the operation (`idempotency_key`), so
a retried request never makes a second object.

Incoming: webhook events (stripe_tasks) are applied through
`subscription_apply_stripe_state`, `invoice_record` and `dunning_notice_send`.

Amounts cross the boundary only through `Money.to_minor_units` / `from_minor_units`.
The secret key comes from settings or the platform's secret vault, never from code.
"""

import hashlib
import json
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import stripe
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from config.errors import ApplicationError
from config.money import Money
from shared_apps.accounts.models import User
from shared_apps.billing.models import Invoice, PlanPrice, Subscription
from shared_apps.billing.selectors import PAYING_STATUSES, subscription_billable_quantity
from shared_apps.platform.models import AuditEvent
from shared_apps.platform.services import audit_record
from shared_apps.platform.vault import secret_get
from tenants.mail import mail_send
from tenants.models import Membership, Workspace
from tenants.selectors import site_identity_for_workspace

logger = logging.getLogger(__name__)

SECRET_KEY_NAME = "stripe_secret_key"
WEBHOOK_SECRET_NAME = "stripe_webhook_secret"


class StripeErrorCode(StrEnum):
    NOT_CONFIGURED = "stripe_not_configured"
    UNAVAILABLE = "stripe_unavailable"
    REFUSED = "stripe_refused"
    SIGNATURE_INVALID = "stripe_signature_invalid"
    CHECKOUT_NOT_ALLOWED = "billing_checkout_not_allowed"
    NOT_SUBSCRIBED = "billing_not_subscribed"


class StripeNotConfiguredError(ApplicationError):
    code = StripeErrorCode.NOT_CONFIGURED
    status = 503
    message = "Payments are not set up on this platform yet."


class StripeUnavailableError(ApplicationError):
    """Stripe could not be reached or answered 409/429/5xx: worth trying again later."""

    code = StripeErrorCode.UNAVAILABLE
    status = 503
    message = "The payment provider is not answering right now. Please try again shortly."


class StripeRefusedError(ApplicationError):
    """Stripe refused the request (bad parameters, key, idempotency clash): a bug to fix."""

    code = StripeErrorCode.REFUSED
    status = 502
    message = "The payment provider refused the request."


class BillingStripeError(ApplicationError):
    code = StripeErrorCode.CHECKOUT_NOT_ALLOWED


# --- the client --------------------------------------------------------------------


def stripe_secret_key() -> str:
    """Settings first, then the platform's secret vault."""
    if settings.STRIPE_SECRET_KEY:
        return settings.STRIPE_SECRET_KEY
    key = _vault_secret(SECRET_KEY_NAME)
    if not key:
        raise StripeNotConfiguredError()
    return key


def stripe_webhook_secret() -> str:
    if settings.STRIPE_WEBHOOK_SECRET:
        return settings.STRIPE_WEBHOOK_SECRET
    secret = _vault_secret(WEBHOOK_SECRET_NAME)
    if not secret:
        raise StripeNotConfiguredError()
    return secret


def _vault_secret(name: str) -> str | None:
    # The vault is a public table; a caller on a workspace host is in its schema.
    with schema_context(get_public_schema_name()):
        return secret_get(name)


def stripe_client() -> stripe.StripeClient:
    base = settings.STRIPE_API_BASE
    return stripe.StripeClient(
        stripe_secret_key(),
        base_addresses={"api": base} if base else None,
        max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
    )


def idempotency_key(operation: str, object_id: Any, version: Any) -> str:
    """The Idempotency-Key of one operation on one object.

    Stripe replays the first response for 24 hours to a request with the same key and
    the same parameters, so a retried request (a timeout, a worker crash, a double
    click) gets the object the first one made instead of a second. `version` must change
    whenever the operation is meant to happen again (a new price version, a new target
    quantity), or Stripe would answer with the old result.
    """
    return f"mewayz:{operation}:{object_id}:{version}"


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]


@contextmanager
def _stripe_errors(operation: str) -> Iterator[None]:
    """Stripe's exceptions become the project's one error type."""
    try:
        yield
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as exc:
        # APIError covers 409 (a concurrent request with the same key) and 5xx.
        logger.warning("stripe %s unavailable: %s", operation, exc)
        raise StripeUnavailableError() from exc
    except stripe.StripeError as exc:
        logger.error("stripe %s refused: %s", operation, exc)
        raise StripeRefusedError(f"The payment provider refused the request: {exc}") from exc


# --- outgoing calls ----------------------------------------------------------------


def workspace_owners(*, workspace: Workspace) -> list[User]:
    """The workspace's owners: who pays, and who hears about failed payments."""
    # Memberships and identities are public rows. On a workspace host the search path
    # starts with the workspace schema, whose accounts_user is its tenant-local table,
    # so the join must run in public.
    with schema_context(get_public_schema_name()):
        memberships = (
            Membership.objects.filter(
                workspace=workspace, role=Membership.Role.OWNER, identity__is_active=True
            )
            .select_related("identity")
            .order_by("created_at")
        )
        return [membership.identity for membership in memberships]


def customer_ensure(*, subscription: Subscription) -> str:
    """The workspace's Stripe customer id, made once."""
    if subscription.stripe_customer_id:
        return subscription.stripe_customer_id
    workspace = subscription.workspace
    owners = workspace_owners(workspace=workspace)
    params = {
        "name": workspace.name,
        "metadata": {"workspace_id": str(workspace.pk), "subscription_id": str(subscription.pk)},
    }
    if owners:
        params["email"] = owners[0].email
    # A retry gets the customer the first attempt made. Should the name or address
    # change in between, Stripe would refuse the key with other parameters for a day;
    # a second, unused customer is the lesser harm, so the parameters are the version.
    key = idempotency_key("customer_create", subscription.pk, _digest(params))
    with _stripe_errors("customer create"):
        customer = stripe_client().v1.customers.create(
            params=params, options={"idempotency_key": key}
        )
    Subscription.objects.filter(pk=subscription.pk, stripe_customer_id="").update(
        stripe_customer_id=customer.id, updated_at=timezone.now()
    )
    subscription.stripe_customer_id = customer.id
    audit_record(
        action="billing.stripe_customer_created",
        workspace_id=workspace.pk,
        target=subscription,
        data={"customer": customer.id},
    )
    return customer.id


def stripe_price_ensure(*, price: PlanPrice, interval: str) -> str:
    """The Stripe Price billing one feature of this price version per `interval`.

    Made lazily and stored. A PlanPrice version is never edited, so neither is its
    Stripe Price (Stripe prices are immutable too): a new version makes new prices.
    """
    field = (
        "stripe_price_yearly_id"
        if interval == Subscription.Interval.YEAR
        else "stripe_price_monthly_id"
    )
    if getattr(price, field):
        return getattr(price, field)
    amount = price.per_feature(interval)
    params = {
        "currency": amount.currency,
        # Licensed per-unit pricing: Stripe multiplies by the item's quantity.
        "unit_amount": amount.to_minor_units(),
        "recurring": {"interval": interval, "usage_type": "licensed"},
        "product_data": {"name": f"{settings.PLATFORM_NAME} {price.plan.name} (per feature)"},
        "nickname": f"{price.plan.name} v{price.version} per feature, {interval}ly",
        "metadata": {
            "plan": price.plan.code,
            "plan_price_id": str(price.pk),
            "version": str(price.version),
        },
    }
    with _stripe_errors("price create"):
        created = stripe_client().v1.prices.create(
            params=params,
            options={"idempotency_key": idempotency_key("price_create", price.pk, interval)},
        )
    PlanPrice.objects.filter(pk=price.pk, **{field: ""}).update(**{field: created.id})
    setattr(price, field, created.id)
    return created.id


def _is_paying(subscription: Subscription) -> bool:
    """Stripe bills this workspace through its linked subscription right now."""
    return bool(subscription.stripe_subscription_id) and subscription.status in PAYING_STATUSES


def _is_winding_down(subscription: Subscription) -> bool:
    """A Stripe subscription set to end at period end (cancelled, or the workspace moved
    to a free plan) whose paid period is still running: resumable, no new payment."""
    return (
        bool(subscription.stripe_subscription_item_id)
        and subscription.cancel_at_period_end
        and subscription.current_period_end is not None
        and subscription.current_period_end > timezone.now()
    )


def checkout_session_create(
    *, subscription: Subscription, actor, success_url: str, cancel_url: str
) -> str:
    """A Stripe Checkout page for the first subscription; returns its URL.

    The line item is the subscription's price version, its quantity the enabled paid
    features. The workspace id travels as client_reference_id and in the metadata of
    both the session and the subscription Checkout makes, so whichever webhook arrives
    first can find the workspace. `actor` is the platform identity paying.

    A Stripe subscription still running to the end of a period already paid for (the
    workspace cancelled, or moved to a free plan) is resumed with the new price and
    quantity instead, and `success_url` is returned: a second subscription would bill
    the same period twice.
    """
    if subscription.workspace.agency_id is not None:
        # The platform bills the agency for its clients (shared_apps.billing.agency_billing).
        raise BillingStripeError(
            f"This workspace's plan is managed by {subscription.workspace.agency.name}: "
            "it has no checkout of its own.",
            status=409,
        )
    amount = subscription.price.per_feature(subscription.interval)
    quantity = subscription_billable_quantity(subscription=subscription)
    if amount.amount <= 0:
        raise BillingStripeError("This plan is free: there is nothing to pay.")
    if quantity < 1:
        raise BillingStripeError("Turn on at least one feature before subscribing.")
    if _is_winding_down(subscription):
        _stripe_subscription_follow(subscription=subscription, actor=actor, resume=True)
        return success_url
    if _is_paying(subscription):
        raise BillingStripeError(
            "This workspace already has a subscription: change it on the billing page.",
            status=409,
        )
    workspace = subscription.workspace
    metadata = {"workspace_id": str(workspace.pk), "subscription_id": str(subscription.pk)}
    params = {
        "mode": "subscription",
        "customer": customer_ensure(subscription=subscription),
        "client_reference_id": str(workspace.pk),
        "line_items": [
            {
                "price": stripe_price_ensure(
                    price=subscription.price, interval=subscription.interval
                ),
                "quantity": quantity,
            }
        ],
        "success_url": success_url,
        "cancel_url": cancel_url,
        "metadata": metadata,
        "subscription_data": {"metadata": metadata},
    }
    # The same request (a double click, a retry) gets the same session; a different
    # quantity, price or return address is a different session. The Stripe subscription
    # this workspace had before (after a cancellation) is part of the version, so
    # subscribing again is never answered with the old, completed session.
    version = _digest([params, subscription.stripe_subscription_id])
    with _stripe_errors("checkout session create"):
        session = stripe_client().v1.checkout.sessions.create(
            params=params,
            options={
                "idempotency_key": idempotency_key("checkout_create", subscription.pk, version)
            },
        )
    audit_record(
        action="billing.checkout_started",
        actor=actor,
        workspace_id=workspace.pk,
        target=subscription,
        data={
            "session": session.id,
            "plan": subscription.plan.code,
            "price_version": subscription.price.version,
            "interval": subscription.interval,
            "quantity": quantity,
            "unit_amount": str(amount.amount),
            "currency": amount.currency,
        },
    )
    return session.url


def subscription_quantity_sync(*, subscription: Subscription, actor=None) -> bool:
    """Make Stripe bill what the workspace chose, prorated: the item's quantity (enabled
    paid features) and price (plan, price version, interval); on a free plan, the Stripe
    subscription ends with the period already paid for. Returns whether Stripe was asked
    to change anything.

    Before Checkout completes there is no item yet (Checkout carries price and quantity),
    so nothing is sent.
    """
    return _stripe_subscription_follow(subscription=subscription, actor=actor, resume=False)


# Stripe subscription statuses that nothing can change any more.
STRIPE_ENDED_STATUSES = frozenset(["canceled", "incomplete_expired"])


@transaction.atomic
def _stripe_subscription_follow(*, subscription: Subscription, actor, resume: bool) -> bool:
    subscription = (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("workspace", "plan", "price")
        .get(pk=subscription.pk)
    )
    if not subscription.stripe_subscription_item_id:
        return False
    # The row does not record which Stripe price the item bills, so a plan, version or
    # interval change is only seen against Stripe's current state: one read.
    current = stripe_subscription_retrieve(subscription.stripe_subscription_id)
    if current["status"] in STRIPE_ENDED_STATUSES:
        return False  # nothing left to follow: the next paid plan starts with Checkout
    item = current["items"]["data"][0]
    quantity = subscription_billable_quantity(subscription=subscription)
    params: dict[str, Any] = {}
    if quantity == 0:
        # A free plan: no refund and no further charge; Stripe ends it at period end.
        if not current.get("cancel_at_period_end"):
            params["cancel_at_period_end"] = True
    else:
        price_id = stripe_price_ensure(price=subscription.price, interval=subscription.interval)
        change = {}
        if stripe_id(item["price"]) != price_id:
            change["price"] = price_id
        if item.get("quantity") != quantity:
            change["quantity"] = quantity
        if change:
            params["items"] = [{"id": item["id"], **change}]
            # A feature added mid-period is charged for the rest of the period (on the
            # next invoice); one removed is credited. Same for a price change.
            params["proration_behavior"] = "create_prorations"
        if resume and current.get("cancel_at_period_end"):
            params["cancel_at_period_end"] = False
    if not params:
        return False
    # `updated_at` changes with every save of the row, so 3 -> 4 -> 3 -> 4 within
    # Stripe's 24-hour key window are four requests, while a retry of this one replays.
    version = f"{_digest(params)}@{subscription.updated_at.timestamp()}"
    with _stripe_errors("subscription update"):
        updated = stripe_client().v1.subscriptions.update(
            subscription.stripe_subscription_id,
            params=params,
            options={
                "idempotency_key": idempotency_key("subscription_update", subscription.pk, version)
            },
        )
    # Stripe's answer is its state now; the webhook that follows confirms it.
    subscription_apply_stripe_state(
        subscription=subscription, stripe_subscription=updated.to_dict(), state_at=None
    )
    audit_record(
        action=_follow_action(params),
        actor=actor,
        workspace_id=subscription.workspace_id,
        target=subscription,
        data={
            "stripe_subscription": subscription.stripe_subscription_id,
            "from": {"price": stripe_id(item["price"]), "quantity": item.get("quantity")},
            "to": {
                "price": (params.get("items") or [{}])[0].get("price", stripe_id(item["price"])),
                "quantity": quantity or item.get("quantity"),
            },
            "cancel_at_period_end": subscription.cancel_at_period_end,
            "proration": params.get("proration_behavior", ""),
        },
    )
    return True


def _follow_action(params: dict) -> str:
    if params.get("cancel_at_period_end") is True:
        return "billing.cancel_requested"
    if params.get("cancel_at_period_end") is False:
        return "billing.subscription_resumed"
    return "billing.quantity_changed"


def portal_session_url(*, subscription: Subscription, return_url: str) -> str:
    """A Customer Portal session (cards, invoices, billing details); returns its URL."""
    if not subscription.stripe_customer_id:
        raise BillingStripeError(
            "There is no billing account yet: subscribe to a paid plan first.",
            code=StripeErrorCode.NOT_SUBSCRIBED,
        )
    # Portal sessions are short-lived and cheap: a retry within the same minute gets the
    # same session, a later visit a fresh one.
    minute = int(timezone.now().timestamp() // 60)
    with _stripe_errors("portal session create"):
        session = stripe_client().v1.billing_portal.sessions.create(
            params={"customer": subscription.stripe_customer_id, "return_url": return_url},
            options={
                "idempotency_key": idempotency_key(
                    "portal_create", subscription.pk, f"{_digest(return_url)}@{minute}"
                )
            },
        )
    return session.url


@transaction.atomic
def subscription_cancel(*, subscription: Subscription, actor) -> None:
    """Cancel at the end of the paid period: what was paid for keeps working until then.

    Stripe then ends the subscription and sends customer.subscription.deleted.
    """
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if not _is_paying(subscription):
        raise BillingStripeError(
            "There is no paid subscription to cancel.", code=StripeErrorCode.NOT_SUBSCRIBED
        )
    if subscription.cancel_at_period_end:
        return
    version = f"{subscription.stripe_subscription_id}@{subscription.updated_at.timestamp()}"
    with _stripe_errors("subscription cancel"):
        stripe_client().v1.subscriptions.update(
            subscription.stripe_subscription_id,
            params={"cancel_at_period_end": True},
            options={
                "idempotency_key": idempotency_key("subscription_cancel", subscription.pk, version)
            },
        )
    subscription.cancel_at_period_end = True
    subscription.save(update_fields=["cancel_at_period_end", "updated_at"])
    audit_record(
        action="billing.cancel_requested",
        actor=actor,
        workspace_id=subscription.workspace_id,
        target=subscription,
        data={
            "stripe_subscription": subscription.stripe_subscription_id,
            "ends_at": _iso(subscription.current_period_end),
        },
    )


def stripe_subscription_retrieve(stripe_subscription_id: str) -> dict:
    """Stripe's current state of a subscription, as a plain dict like a webhook's object."""
    with _stripe_errors("subscription retrieve"):
        return stripe_client().v1.subscriptions.retrieve(stripe_subscription_id).to_dict()


# --- applying Stripe's state -------------------------------------------------------

# Stripe's subscription statuses onto ours.
STRIPE_STATUS = {
    "active": Subscription.Status.ACTIVE,
    "trialing": Subscription.Status.ACTIVE,
    "incomplete": Subscription.Status.INCOMPLETE,
    # Stripe is still retrying (past_due) or gave up retrying (unpaid): either way the
    # workspace is behind and our grace period decides when paid features pause.
    "past_due": Subscription.Status.PAST_DUE,
    "unpaid": Subscription.Status.PAST_DUE,
    # A trial that ended without a payment method: nothing is being paid.
    "paused": Subscription.Status.PAST_DUE,
    "incomplete_expired": Subscription.Status.CANCELED,
    "canceled": Subscription.Status.CANCELED,
}


def grace_days() -> int:
    return getattr(settings, "BILLING_GRACE_DAYS", 7)


def stripe_datetime(timestamp: int | None) -> datetime | None:
    """Stripe's Unix seconds as an aware datetime."""
    return datetime.fromtimestamp(timestamp, tz=UTC) if timestamp else None


def stripe_id(value: Any) -> str:
    """An id, whether Stripe sent the id or the expanded object."""
    if isinstance(value, dict):
        return value.get("id") or ""
    return value or ""


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def subscription_apply_stripe_state(
    *, subscription: Subscription, stripe_subscription: dict, state_at: datetime | None
) -> None:
    """Make our row say what Stripe's subscription says. The caller holds the row lock
    and passes Stripe's *current* object (just fetched, or just returned by an update).
    `state_at` is the Stripe time of the event that asked (None: keep the last one)."""
    # Imported here: entitlements may call back into billing (quantity sync).
    from shared_apps.billing.entitlements import entitlements_restore, entitlements_restrict

    now = timezone.now()
    before = subscription.status
    status = _status_for(subscription, stripe_subscription)
    items = (stripe_subscription.get("items") or {}).get("data") or []
    # One item: the plan's per-feature price, quantity = enabled paid features.
    item = items[0] if items else {}
    subscription.stripe_subscription_id = stripe_subscription["id"]
    subscription.stripe_customer_id = (
        stripe_id(stripe_subscription.get("customer")) or subscription.stripe_customer_id
    )
    if item:
        subscription.stripe_subscription_item_id = item["id"]
        subscription.billed_quantity = item.get("quantity") or 0
    # Since API version 2025-03-31 the period lives on each item; older webhook
    # endpoints still send it on the subscription.
    subscription.current_period_end = stripe_datetime(
        item.get("current_period_end") or stripe_subscription.get("current_period_end")
    )
    subscription.cancel_at_period_end = bool(stripe_subscription.get("cancel_at_period_end"))
    subscription.status = status
    if status == Subscription.Status.PAST_DUE and before != Subscription.Status.PAST_DUE:
        # Dunning starts: paid features keep working for the grace period. Set once per
        # episode (later failed attempts do not extend it); a grace already running (a
        # plan narrowed under the workspace) is kept.
        if subscription.grace_until is None or subscription.grace_until <= now:
            subscription.grace_until = now + timedelta(days=grace_days())
    elif status == Subscription.Status.ACTIVE and before == Subscription.Status.PAST_DUE:
        subscription.grace_until = None  # paid: the episode is over
    if state_at is not None and (
        subscription.stripe_state_at is None or state_at > subscription.stripe_state_at
    ):
        subscription.stripe_state_at = state_at
    subscription.save(
        update_fields=[
            "stripe_subscription_id",
            "stripe_customer_id",
            "stripe_subscription_item_id",
            "billed_quantity",
            "current_period_end",
            "cancel_at_period_end",
            "status",
            "grace_until",
            "stripe_state_at",
            "updated_at",
        ]
    )
    if status == before:
        return
    audit_record(
        action="billing.subscription_status_changed",
        workspace_id=subscription.workspace_id,
        target=subscription,
        data={
            "from": before,
            "to": status,
            "stripe_subscription": subscription.stripe_subscription_id,
            "stripe_status": stripe_subscription.get("status"),
            "grace_until": _iso(subscription.grace_until),
        },
    )
    if status == Subscription.Status.ACTIVE:
        # Paid (again, or for the first time): features waiting for the first payment
        # or paused for non-payment come back.
        entitlements_restore(workspace=subscription.workspace)
    elif status == Subscription.Status.CANCELED:
        # Stripe ends a subscription at the end of the period already paid for (or
        # after its own retries gave up): that period was the grace.
        entitlements_restrict(workspace=subscription.workspace, reason="subscription_canceled")


def _status_for(subscription: Subscription, stripe_subscription: dict) -> str:
    if subscription.price.per_feature(subscription.interval).amount <= 0:
        # The workspace moved to a free plan; its old Stripe subscription only runs out
        # the period already paid for, and says nothing about what it may use.
        return Subscription.Status.FREE
    status = STRIPE_STATUS.get(stripe_subscription.get("status"))
    if status is None:  # a status Stripe added later: keep ours rather than guess
        logger.warning("unknown Stripe subscription status %r", stripe_subscription.get("status"))
        return subscription.status
    return status


# Stripe never moves an invoice out of these, so an older event saying "open" about a
# paid invoice is stale.
INVOICE_FINAL_STATUSES = frozenset(["paid", "void", "uncollectible"])


def invoice_subscription_id(stripe_invoice: dict) -> str:
    # API versions since 2025-03-31 say it in parent.subscription_details; older webhook
    # endpoints send `subscription`.
    details = (stripe_invoice.get("parent") or {}).get("subscription_details") or {}
    return stripe_id(details.get("subscription")) or stripe_id(stripe_invoice.get("subscription"))


def _amount(minor_units: int | None, currency: str):
    return Money.from_minor_units(minor_units or 0, currency).amount


def invoice_record(*, workspace: Workspace, stripe_invoice: dict) -> Invoice:
    """Store or update a Stripe invoice for the dashboard's list."""
    currency = stripe_invoice["currency"]
    lines = (stripe_invoice.get("lines") or {}).get("data") or []
    # The subscription period billed is on the line; the invoice's own period_start/end
    # describe the period before it.
    period = (lines[0].get("period") if lines else None) or {
        "start": stripe_invoice.get("period_start"),
        "end": stripe_invoice.get("period_end"),
    }
    fields = {
        "number": stripe_invoice.get("number") or "",
        "status": stripe_invoice.get("status") or "",
        "currency": currency,
        "amount_due": _amount(stripe_invoice.get("amount_due"), currency),
        "amount_paid": _amount(stripe_invoice.get("amount_paid"), currency),
        "hosted_invoice_url": stripe_invoice.get("hosted_invoice_url") or "",
        "invoice_pdf": stripe_invoice.get("invoice_pdf") or "",
        "period_start": stripe_datetime(period.get("start")),
        "period_end": stripe_datetime(period.get("end")),
        "created_at_stripe": stripe_datetime(stripe_invoice.get("created")),
    }
    invoice, created = Invoice.objects.select_for_update().get_or_create(
        stripe_invoice_id=stripe_invoice["id"], defaults={"workspace": workspace, **fields}
    )
    if created:
        return invoice
    if invoice.status in INVOICE_FINAL_STATUSES and fields["status"] not in INVOICE_FINAL_STATUSES:
        return invoice  # an older state, delivered late
    for name, value in fields.items():
        setattr(invoice, name, value)
    invoice.save(update_fields=[*fields, "updated_at"])
    return invoice


def dunning_notice_send(*, subscription: Subscription, invoice: Invoice, attempt: int) -> bool:
    """Tell the owners a payment failed, once per invoice attempt. Returns whether it did.

    The audit row is both the money record and the "already told" marker: it is written
    in the same transaction as the status change, and the mail leaves only on commit.
    """
    already = AuditEvent.objects.filter(
        action="billing.payment_failed",
        target_type=Invoice._meta.label_lower,
        target_id=str(invoice.pk),
        data__attempt=attempt,
    ).exists()
    if already:
        return False
    workspace = subscription.workspace
    owners = workspace_owners(workspace=workspace)
    amount = Money(invoice.amount_due, invoice.currency)
    audit_record(
        action="billing.payment_failed",
        workspace_id=workspace.pk,
        target=invoice,
        data={
            "invoice": invoice.stripe_invoice_id,
            "attempt": attempt,
            "amount_due": str(amount.amount),
            "currency": amount.currency,
            "grace_until": _iso(subscription.grace_until),
            "recipients": len(owners),
        },
    )
    context = {
        "workspace": workspace,
        "invoice": invoice,
        "amount_due": amount,
        "attempt": attempt,
        "grace_until": subscription.grace_until,
        "pay_url": invoice.hosted_invoice_url,
    }
    recipients = [owner.email for owner in owners]
    site = site_identity_for_workspace(workspace=workspace)

    def send() -> None:
        mail_send(
            to=recipients,
            subject=f"Payment failed for {workspace.name}: please update your card",
            template="billing/email/payment_failed",
            context=context,
            site=site,
        )

    transaction.on_commit(send)
    return True


def workspace_id_from_metadata(stripe_object: dict) -> uuid.UUID | None:
    """The workspace a Checkout session or subscription was made for (our metadata)."""
    raw = stripe_object.get("client_reference_id") or (stripe_object.get("metadata") or {}).get(
        "workspace_id"
    )
    try:
        return uuid.UUID(str(raw)) if raw else None
    except ValueError:
        return None
