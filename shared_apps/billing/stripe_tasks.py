"""Processing stored Stripe webhook events, in the public schema (billing rows are public).

One task per event. It is idempotent: the event row is locked and a processed (or
ignored) event is never processed again, so a duplicate delivery, a re-queued task and
a retry all have one effect. Stripe does not deliver in order, so subscription state is
never taken from the event: each handler fetches the subscription's current state from
Stripe, and an event older than the state already applied (`stripe_state_at`) is
skipped without a call. An event delivered days late still applies when nothing newer
has been seen.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from config.celery import app
from shared_apps.billing.models import StripeEvent, Subscription
from shared_apps.billing.selectors import PAYING_STATUSES
from shared_apps.billing.stripe_billing import (
    StripeNotConfiguredError,
    StripeUnavailableError,
    dunning_notice_send,
    invoice_record,
    invoice_subscription_id,
    stripe_datetime,
    stripe_id,
    stripe_subscription_retrieve,
    subscription_apply_stripe_state,
    workspace_id_from_metadata,
)
from shared_apps.platform.services import audit_record
from tenants.task_routing import enqueue_on_commit

logger = logging.getLogger(__name__)

Status = StripeEvent.Status
# Stripe or the database did not answer, or no key is configured yet: the same event
# will likely go through later. (An IntegrityError would not: it is a bug.)
TRANSIENT_ERRORS = (
    StripeUnavailableError,
    StripeNotConfiguredError,
    OperationalError,
    InterfaceError,
)
MAX_RETRIES = 8


@app.task(bind=True, max_retries=MAX_RETRIES)
def stripe_event_process(self, event_pk: int) -> str | None:
    """Apply one stored webhook event; returns its status (None if it is gone)."""
    try:
        return stripe_event_handle(event_pk=event_pk)
    except TRANSIENT_ERRORS as exc:
        # 30 s, 1 min, 2 min … capped at an hour: Stripe outages are usually short.
        countdown = min(30 * 2**self.request.retries, 3600)
        raise self.retry(exc=exc, countdown=countdown) from exc


@app.task
def stripe_events_requeue() -> int:
    """Beat: queue again events stored but never processed (their task was lost)."""
    cutoff = timezone.now() - settings.STRIPE_EVENT_REQUEUE_AFTER
    stuck = list(
        StripeEvent.objects.filter(status=Status.RECEIVED, received_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:500]
    )
    for event_pk in stuck:
        enqueue_on_commit(stripe_event_process, event_pk=event_pk)
    return len(stuck)


def stripe_event_handle(*, event_pk: int) -> str | None:
    """Run the event's handler once. Transient errors propagate (the task retries);
    anything else marks the event failed with the error, for people to look at."""
    try:
        with transaction.atomic():
            event = StripeEvent.objects.select_for_update().filter(pk=event_pk).first()
            if event is None:
                return None
            if event.status in (Status.PROCESSED, Status.IGNORED):
                return event.status
            handler = HANDLERS.get(event.type)
            event.status = handler(event) if handler else Status.IGNORED
            event.attempts += 1
            event.processed_at = timezone.now()
            event.error = ""
            event.save(update_fields=["status", "attempts", "processed_at", "error"])
            return event.status
    except Exception as exc:
        # The handler's writes were rolled back; record the attempt on its own.
        StripeEvent.objects.filter(pk=event_pk).update(
            status=Status.FAILED, attempts=F("attempts") + 1, error=repr(exc)[:2000]
        )
        if isinstance(exc, TRANSIENT_ERRORS):
            raise
        logger.exception("Stripe event %s failed", event_pk)
        return Status.FAILED


# --- handlers: each returns PROCESSED or IGNORED -----------------------------------


def _event_object(event: StripeEvent) -> dict:
    return event.payload["data"]["object"]


def _event_created(event: StripeEvent) -> datetime:
    return event.created_at_stripe or stripe_datetime(event.payload["created"])


def _subscription_locked(*, stripe_subscription_id: str, workspace_id=None):
    """Our row for a Stripe subscription, locked, so events about it apply one at a time."""
    rows = Subscription.objects.select_for_update(of=("self",)).select_related(
        "workspace", "plan", "price"
    )
    subscription = rows.filter(stripe_subscription_id=stripe_subscription_id).first()
    if subscription is not None or workspace_id is None:
        return subscription
    # Not linked yet: the checkout or subscription event, whichever came first, links it.
    subscription = rows.filter(workspace_id=workspace_id).first()
    if (
        subscription is not None
        and subscription.stripe_subscription_id
        and subscription.status in PAYING_STATUSES
    ):
        # The workspace already pays through another Stripe subscription (two checkouts
        # completed): never let a second one take its row over. People must refund it.
        logger.error(
            "workspace %s: Stripe subscription %s is not the linked %s",
            workspace_id,
            stripe_subscription_id,
            subscription.stripe_subscription_id,
        )
        audit_record(
            action="billing.stripe_subscription_unlinked",
            workspace_id=workspace_id,
            target=subscription,
            data={
                "stripe_subscription": stripe_subscription_id,
                "linked": subscription.stripe_subscription_id,
            },
        )
        return None
    return subscription


def _is_stale(subscription: Subscription, event: StripeEvent) -> bool:
    # Strictly older only: events of the same second are applied (from a fresh fetch).
    return (
        subscription.stripe_state_at is not None
        and _event_created(event) < subscription.stripe_state_at
    )


def _subscription_refresh(subscription: Subscription, event: StripeEvent) -> None:
    """Apply Stripe's current state of the subscription, unless we hold a newer one."""
    if _is_stale(subscription, event):
        return
    current = stripe_subscription_retrieve(subscription.stripe_subscription_id)
    subscription_apply_stripe_state(
        subscription=subscription, stripe_subscription=current, state_at=_event_created(event)
    )


def checkout_session_completed(event: StripeEvent) -> str:
    session = _event_object(event)
    if session.get("mode") != "subscription" or not session.get("subscription"):
        return Status.IGNORED
    stripe_subscription_id = stripe_id(session["subscription"])
    subscription = _subscription_locked(
        stripe_subscription_id=stripe_subscription_id,
        workspace_id=workspace_id_from_metadata(session),
    )
    if subscription is None:
        return Status.IGNORED
    # The session only says that it completed; the subscription's status and item come
    # from Stripe now (always fetched here: this event is what links the ids).
    current = stripe_subscription_retrieve(stripe_subscription_id)
    subscription_apply_stripe_state(
        subscription=subscription, stripe_subscription=current, state_at=_event_created(event)
    )
    audit_record(
        action="billing.checkout_completed",
        workspace_id=subscription.workspace_id,
        target=subscription,
        data={
            "session": session.get("id"),
            "stripe_subscription": stripe_subscription_id,
            "customer": subscription.stripe_customer_id,
            "quantity": subscription.billed_quantity,
        },
    )
    return Status.PROCESSED


def subscription_changed(event: StripeEvent) -> str:
    """customer.subscription.created / updated / deleted / paused / resumed."""
    stripe_subscription = _event_object(event)
    subscription = _subscription_locked(
        stripe_subscription_id=stripe_subscription["id"],
        workspace_id=workspace_id_from_metadata(stripe_subscription),
    )
    if subscription is None or _is_stale(subscription, event):
        return Status.IGNORED
    # Found by its workspace when this event came before the checkout's: link it now.
    subscription.stripe_subscription_id = stripe_subscription["id"]
    _subscription_refresh(subscription, event)
    return Status.PROCESSED


def _invoice_subscription(stripe_invoice: dict):
    stripe_subscription_id = invoice_subscription_id(stripe_invoice)
    if not stripe_subscription_id:
        return None  # not one of our plan's invoices (a one-off invoice)
    return _subscription_locked(stripe_subscription_id=stripe_subscription_id)


def invoice_paid(event: StripeEvent) -> str:
    stripe_invoice = _event_object(event)
    subscription = _invoice_subscription(stripe_invoice)
    if subscription is None:
        return Status.IGNORED
    invoice = invoice_record(workspace=subscription.workspace, stripe_invoice=stripe_invoice)
    # Paying makes the subscription active again at Stripe: the refresh clears the grace
    # period and restores paid features (subscription_apply_stripe_state).
    _subscription_refresh(subscription, event)
    audit_record(
        action="billing.invoice_paid",
        workspace_id=subscription.workspace_id,
        target=invoice,
        data={
            "invoice": invoice.stripe_invoice_id,
            "amount_paid": str(invoice.amount_paid),
            "currency": invoice.currency,
        },
    )
    return Status.PROCESSED


def invoice_payment_failed(event: StripeEvent) -> str:
    """Dunning: the subscription falls past due, the grace period starts (once), and the
    owners are told with the invoice's payment link (once per attempt). After the grace
    period the billing dispatcher puts paid features into read-only mode."""
    stripe_invoice = _event_object(event)
    subscription = _invoice_subscription(stripe_invoice)
    if subscription is None:
        return Status.IGNORED
    invoice = invoice_record(workspace=subscription.workspace, stripe_invoice=stripe_invoice)
    _subscription_refresh(subscription, event)
    # A failure we hear of after the invoice was paid (or the subscription recovered)
    # needs no mail: only an unpaid invoice on a subscription that is behind does.
    if invoice.status == "open" and subscription.status == Subscription.Status.PAST_DUE:
        dunning_notice_send(
            subscription=subscription,
            invoice=invoice,
            attempt=stripe_invoice.get("attempt_count") or 1,
        )
    return Status.PROCESSED


HANDLERS: dict[str, Callable[[StripeEvent], str]] = {
    "checkout.session.completed": checkout_session_completed,
    "customer.subscription.created": subscription_changed,
    "customer.subscription.updated": subscription_changed,
    "customer.subscription.deleted": subscription_changed,
    "customer.subscription.paused": subscription_changed,
    "customer.subscription.resumed": subscription_changed,
    "invoice.paid": invoice_paid,
    "invoice.payment_failed": invoice_payment_failed,
}
