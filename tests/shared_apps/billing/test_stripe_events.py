"""Processing Stripe's webhook events: checkout, subscription changes, invoices, dunning.

Events are built from the fake Stripe API's objects after the fake moved them the way
Stripe would, delivered signed through the endpoint, and processed by the Celery task
(run in-process when the endpoint's transaction commits).
"""

# ruff: noqa: F811  (pytest passes the imported fixtures as same-named arguments)

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from shared_apps.billing.models import Invoice, StripeEvent, Subscription, WorkspaceFeature
from shared_apps.billing.stripe_tasks import stripe_event_process, stripe_events_requeue
from shared_apps.platform.models import AuditEvent
from tests.fakes.stripe_api import (  # noqa: F401  (fixtures, injected by name)
    event_payload,
    stripe_api,
    stripe_api_server,
    stripe_subscribed,
    stripe_subscription,
    stripe_tasks_eager,
    webhook_post,
)

DAY_SECONDS = 86400


@pytest.fixture
def deliver(client, platform_host, stripe_tasks_eager, django_capture_on_commit_callbacks):
    """Deliver an event as Stripe does and let its task run; returns the stored event."""

    def deliver(event: dict) -> StripeEvent:
        with django_capture_on_commit_callbacks(execute=True):
            response = webhook_post(client, event, host=platform_host)
        assert response.status_code == 200, response.content
        return StripeEvent.objects.get(event_id=event["id"])

    return deliver


def _subscription_gets(stripe_api, stripe_subscription_id: str) -> int:
    return len(stripe_api.requests_to("GET", f"/v1/subscriptions/{stripe_subscription_id}"))


# --- checkout -------------------------------------------------------------------------


def test_checkout_completion_links_the_workspace_to_its_stripe_subscription(
    stripe_api, stripe_subscription, alpha, owner, deliver
):
    from shared_apps.billing.stripe_billing import checkout_session_create

    checkout_session_create(
        subscription=stripe_subscription,
        actor=owner,
        success_url="http://alpha.localhost/done/",
        cancel_url="http://alpha.localhost/",
    )
    (session,) = stripe_api.of_type("checkout.session")
    stripe_object = stripe_api.checkout_complete(session["id"])
    event = event_payload("checkout.session.completed", stripe_api.get(session["id"]))

    stored = deliver(event)

    assert stored.status == StripeEvent.Status.PROCESSED
    stripe_subscription.refresh_from_db()
    item = stripe_object["items"]["data"][0]
    assert stripe_subscription.status == Subscription.Status.ACTIVE
    assert stripe_subscription.stripe_subscription_id == stripe_object["id"]
    assert stripe_subscription.stripe_subscription_item_id == item["id"]
    assert stripe_subscription.stripe_customer_id == session["customer"]
    assert stripe_subscription.billed_quantity == 3
    assert int(stripe_subscription.current_period_end.timestamp()) == item["current_period_end"]
    assert int(stripe_subscription.stripe_state_at.timestamp()) == event["created"]
    assert AuditEvent.objects.filter(
        action="billing.checkout_completed", workspace_id=alpha.pk
    ).exists()


def test_features_waiting_for_the_first_payment_turn_on_when_it_arrives(
    stripe_api, stripe_subscription, alpha, owner, deliver
):
    from shared_apps.billing.stripe_billing import checkout_session_create

    WorkspaceFeature.objects.filter(workspace=alpha, key="crm").update(
        state=WorkspaceFeature.State.PENDING
    )
    checkout_session_create(
        subscription=stripe_subscription,
        actor=owner,
        success_url="http://alpha.localhost/done/",
        cancel_url="http://alpha.localhost/",
    )
    (session,) = stripe_api.of_type("checkout.session")
    stripe_api.checkout_complete(session["id"])

    deliver(event_payload("checkout.session.completed", stripe_api.get(session["id"])))

    crm = WorkspaceFeature.objects.get(workspace=alpha, key="crm")
    assert crm.state == WorkspaceFeature.State.ACTIVE


def test_a_subscription_event_before_the_checkout_event_links_by_workspace(
    stripe_api, stripe_subscription, owner, deliver
):
    from shared_apps.billing.stripe_billing import checkout_session_create

    checkout_session_create(
        subscription=stripe_subscription,
        actor=owner,
        success_url="http://alpha.localhost/done/",
        cancel_url="http://alpha.localhost/",
    )
    (session,) = stripe_api.of_type("checkout.session")
    stripe_object = stripe_api.checkout_complete(session["id"])

    deliver(event_payload("customer.subscription.created", stripe_object))

    stripe_subscription.refresh_from_db()
    assert stripe_subscription.stripe_subscription_id == stripe_object["id"]
    assert stripe_subscription.status == Subscription.Status.ACTIVE


def test_a_second_paid_subscription_never_takes_over_the_workspace(
    stripe_api, stripe_subscribed, alpha, deliver
):
    # Another Checkout completed elsewhere for the same workspace
    other = dict(stripe_api.get(stripe_subscribed.stripe_subscription_id))
    other["id"] = "sub_fake_second"
    other["metadata"] = {"workspace_id": str(alpha.pk)}

    stored = deliver(event_payload("customer.subscription.created", other))

    assert stored.status == StripeEvent.Status.IGNORED
    linked = stripe_subscribed.stripe_subscription_id
    stripe_subscribed.refresh_from_db()
    assert stripe_subscribed.stripe_subscription_id == linked
    assert AuditEvent.objects.filter(
        action="billing.stripe_subscription_unlinked", workspace_id=alpha.pk
    ).exists()


# --- order and lateness ---------------------------------------------------------------


def test_an_older_update_delivered_after_a_newer_one_changes_nothing(
    stripe_api, stripe_subscribed, deliver
):
    now = int(time.time())
    sub_id = stripe_subscribed.stripe_subscription_id
    older = event_payload("customer.subscription.updated", stripe_api.get(sub_id), created=now - 60)
    stripe_api.subscription_set(sub_id, quantity=5)
    newer = event_payload("customer.subscription.updated", stripe_api.get(sub_id), created=now)

    deliver(newer)
    gets = _subscription_gets(stripe_api, sub_id)
    stale = deliver(older)

    stripe_subscribed.refresh_from_db()
    assert stripe_subscribed.billed_quantity == 5
    assert int(stripe_subscribed.stripe_state_at.timestamp()) == now
    assert stale.status == StripeEvent.Status.IGNORED
    assert _subscription_gets(stripe_api, sub_id) == gets  # skipped without asking Stripe


def test_an_event_applies_the_current_state_not_the_one_it_carries(
    stripe_api, stripe_subscribed, deliver
):
    # Two updates in the same second, delivered in the wrong order: the one processed
    # last carries the older state, but Stripe is asked for the current one
    now = int(time.time())
    sub_id = stripe_subscribed.stripe_subscription_id
    stripe_api.subscription_set(sub_id, quantity=4)
    first = event_payload("customer.subscription.updated", stripe_api.get(sub_id), created=now)
    stripe_api.subscription_set(sub_id, quantity=6)
    second = event_payload("customer.subscription.updated", stripe_api.get(sub_id), created=now)

    deliver(second)
    deliver(first)

    stripe_subscribed.refresh_from_db()
    assert stripe_subscribed.billed_quantity == 6


def test_an_event_delivered_days_late_still_applies_when_it_is_the_newest(
    stripe_api, stripe_subscribed, deliver
):
    sub_id = stripe_subscribed.stripe_subscription_id
    stripe_subscribed.stripe_state_at = timezone.now() - timedelta(days=5)
    stripe_subscribed.save()
    stripe_api.subscription_set(sub_id, status="canceled", canceled_at=int(time.time()))
    late = event_payload(
        "customer.subscription.deleted",
        stripe_api.get(sub_id),
        created=int(time.time()) - 3 * DAY_SECONDS,
    )

    stored = deliver(late)  # signed now, as each of Stripe's retries is

    assert stored.status == StripeEvent.Status.PROCESSED
    stripe_subscribed.refresh_from_db()
    assert stripe_subscribed.status == Subscription.Status.CANCELED


def test_cancellation_at_period_end_is_recorded_and_paid_time_keeps_working(
    stripe_api, stripe_subscribed, deliver
):
    sub_id = stripe_subscribed.stripe_subscription_id
    stripe_api.subscription_set(sub_id, cancel_at_period_end=True)

    deliver(event_payload("customer.subscription.updated", stripe_api.get(sub_id)))

    stripe_subscribed.refresh_from_db()
    assert stripe_subscribed.cancel_at_period_end
    assert stripe_subscribed.status == Subscription.Status.ACTIVE


# --- idempotency ----------------------------------------------------------------------


def test_the_same_event_delivered_100_times_has_one_effect(
    stripe_api, stripe_subscribed, alpha, deliver
):
    invoice = stripe_api.invoice_create(stripe_subscribed.stripe_subscription_id)
    event = event_payload("invoice.paid", stripe_api.invoice_pay(invoice["id"]))

    for _ in range(100):
        deliver(event)

    assert StripeEvent.objects.filter(event_id=event["id"]).count() == 1
    stored = StripeEvent.objects.get(event_id=event["id"])
    assert (stored.status, stored.attempts) == (StripeEvent.Status.PROCESSED, 1)
    assert Invoice.objects.filter(stripe_invoice_id=invoice["id"]).count() == 1
    assert (
        AuditEvent.objects.filter(action="billing.invoice_paid", workspace_id=alpha.pk).count() == 1
    )


def test_a_processed_event_run_again_does_nothing(stripe_api, stripe_subscribed, alpha, deliver):
    invoice = stripe_api.invoice_create(stripe_subscribed.stripe_subscription_id)
    stored = deliver(event_payload("invoice.paid", stripe_api.invoice_pay(invoice["id"])))
    requests = len(stripe_api.requests)

    result = stripe_event_process.apply(kwargs={"event_pk": stored.pk}).get()

    assert result == StripeEvent.Status.PROCESSED
    assert len(stripe_api.requests) == requests
    assert (
        AuditEvent.objects.filter(action="billing.invoice_paid", workspace_id=alpha.pk).count() == 1
    )


def test_an_unknown_event_type_is_ignored(stripe_api, deliver):
    stored = deliver(event_payload("charge.refunded", {"id": "ch_fake1", "object": "charge"}))

    assert stored.status == StripeEvent.Status.IGNORED


# --- invoices and dunning -------------------------------------------------------------


def test_a_paid_invoice_is_stored_in_decimal_and_the_subscription_is_active(
    stripe_api, stripe_subscribed, alpha, deliver
):
    invoice = stripe_api.invoice_create(stripe_subscribed.stripe_subscription_id)
    paid = stripe_api.invoice_pay(invoice["id"])

    deliver(event_payload("invoice.paid", paid))

    row = Invoice.objects.get(stripe_invoice_id=invoice["id"])
    assert row.workspace_id == alpha.pk
    assert (row.status, row.number, row.currency) == ("paid", paid["number"], "usd")
    assert row.amount_due == row.amount_paid == Decimal("3.00")  # 3 features at $1.00
    assert row.hosted_invoice_url == paid["hosted_invoice_url"]
    assert row.invoice_pdf == paid["invoice_pdf"]
    assert int(row.period_end.timestamp()) == paid["lines"]["data"][0]["period"]["end"]
    stripe_subscribed.refresh_from_db()
    assert stripe_subscribed.status == Subscription.Status.ACTIVE


def test_a_payment_failure_starts_dunning(stripe_api, stripe_subscribed, alpha, owner, deliver):
    invoice = stripe_api.invoice_create(stripe_subscribed.stripe_subscription_id)
    failed = stripe_api.invoice_payment_fail(invoice["id"])

    deliver(event_payload("invoice.payment_failed", failed))

    stripe_subscribed.refresh_from_db()
    assert stripe_subscribed.status == Subscription.Status.PAST_DUE
    expected_grace = timezone.now() + timedelta(days=7)
    assert abs(stripe_subscribed.grace_until - expected_grace) < timedelta(minutes=1)
    assert Invoice.objects.get(stripe_invoice_id=invoice["id"]).status == "open"
    (message,) = mail.outbox
    assert message.to == [owner.email]
    assert failed["hosted_invoice_url"] in message.body
    assert failed["hosted_invoice_url"] in message.alternatives[0][0]
    assert alpha.name in message.subject
    audit = AuditEvent.objects.get(action="billing.payment_failed", workspace_id=alpha.pk)
    assert (audit.data["attempt"], audit.data["amount_due"]) == (1, "3.00")


def test_paid_features_keep_working_during_the_grace_period(
    stripe_api, stripe_subscribed, alpha, deliver
):
    from shared_apps.billing.entitlements import ON, entitlements_load

    invoice = stripe_api.invoice_create(stripe_subscribed.stripe_subscription_id)

    deliver(event_payload("invoice.payment_failed", stripe_api.invoice_payment_fail(invoice["id"])))

    assert entitlements_load(workspace_id=alpha.pk).state("courses") == ON


def test_the_grace_period_follows_the_setting(stripe_api, stripe_subscribed, deliver, settings):
    settings.BILLING_GRACE_DAYS = 3
    invoice = stripe_api.invoice_create(stripe_subscribed.stripe_subscription_id)

    deliver(event_payload("invoice.payment_failed", stripe_api.invoice_payment_fail(invoice["id"])))

    stripe_subscribed.refresh_from_db()
    expected_grace = timezone.now() + timedelta(days=3)
    assert abs(stripe_subscribed.grace_until - expected_grace) < timedelta(minutes=1)


def test_the_owner_is_told_once_per_attempt(stripe_api, stripe_subscribed, deliver):
    invoice = stripe_api.invoice_create(stripe_subscribed.stripe_subscription_id)
    failed = stripe_api.invoice_payment_fail(invoice["id"])
    deliver(event_payload("invoice.payment_failed", failed))
    stripe_subscribed.refresh_from_db()
    grace_until = stripe_subscribed.grace_until

    # The same attempt reported again under another event id: no second mail
    deliver(event_payload("invoice.payment_failed", failed))
    assert len(mail.outbox) == 1

    # Stripe's next retry fails too: a second notice, and the grace period is not extended
    deliver(event_payload("invoice.payment_failed", stripe_api.invoice_payment_fail(invoice["id"])))
    assert len(mail.outbox) == 2
    stripe_subscribed.refresh_from_db()
    assert stripe_subscribed.grace_until == grace_until


def test_paying_ends_dunning_and_restores_paused_features(
    stripe_api, stripe_subscribed, alpha, deliver
):
    invoice = stripe_api.invoice_create(stripe_subscribed.stripe_subscription_id)
    deliver(event_payload("invoice.payment_failed", stripe_api.invoice_payment_fail(invoice["id"])))
    # The grace period ran out and the billing dispatcher paused the paid features
    Subscription.objects.filter(pk=stripe_subscribed.pk).update(
        grace_until=timezone.now() - timedelta(hours=1)
    )
    WorkspaceFeature.objects.filter(workspace=alpha).update(
        state=WorkspaceFeature.State.READ_ONLY, read_only_since=timezone.now()
    )

    deliver(event_payload("invoice.paid", stripe_api.invoice_pay(invoice["id"])))

    stripe_subscribed.refresh_from_db()
    assert stripe_subscribed.status == Subscription.Status.ACTIVE
    assert stripe_subscribed.grace_until is None
    states = set(WorkspaceFeature.objects.filter(workspace=alpha).values_list("state", flat=True))
    assert states == {WorkspaceFeature.State.ACTIVE}
    assert Invoice.objects.get(stripe_invoice_id=invoice["id"]).status == "paid"


def test_a_failure_heard_of_after_the_payment_sends_no_notice(
    stripe_api, stripe_subscribed, deliver
):
    invoice = stripe_api.invoice_create(stripe_subscribed.stripe_subscription_id)
    now = int(time.time())
    failed = event_payload(
        "invoice.payment_failed", stripe_api.invoice_payment_fail(invoice["id"]), created=now - 60
    )
    paid = event_payload("invoice.paid", stripe_api.invoice_pay(invoice["id"]), created=now)

    deliver(paid)
    deliver(failed)

    assert mail.outbox == []
    stripe_subscribed.refresh_from_db()
    assert stripe_subscribed.status == Subscription.Status.ACTIVE
    assert stripe_subscribed.grace_until is None
    assert Invoice.objects.get(stripe_invoice_id=invoice["id"]).status == "paid"


def test_an_invoice_that_is_not_for_a_subscription_is_ignored(stripe_api, deliver):
    one_off = {"id": "in_fake_one_off", "object": "invoice", "currency": "usd", "parent": None}

    stored = deliver(event_payload("invoice.paid", one_off))

    assert stored.status == StripeEvent.Status.IGNORED
    assert not Invoice.objects.exists()


# --- failures and retries -------------------------------------------------------------


def test_a_stripe_outage_is_retried_until_the_event_applies(stripe_api, stripe_subscribed):
    invoice = stripe_api.invoice_create(stripe_subscribed.stripe_subscription_id)
    event = event_payload("invoice.paid", stripe_api.invoice_pay(invoice["id"]))
    stored = StripeEvent.objects.create(event_id=event["id"], type=event["type"], payload=event)
    stripe_api.fail_next(503)  # the subscription fetch

    # Eagerly, Celery runs the retry in place
    result = stripe_event_process.apply(kwargs={"event_pk": stored.pk}).get()

    assert result == StripeEvent.Status.PROCESSED
    stored.refresh_from_db()
    assert (stored.status, stored.attempts, stored.error) == ("processed", 2, "")


def test_a_permanent_error_marks_the_event_failed_for_people(stripe_api, stripe_subscribed):
    # Stripe has no such subscription (say, an object of another Stripe account)
    stripe_subscribed.stripe_subscription_id = "sub_fake_unknown"
    stripe_subscribed.save()
    event = event_payload(
        "customer.subscription.updated", {"id": "sub_fake_unknown", "object": "subscription"}
    )
    stored = StripeEvent.objects.create(event_id=event["id"], type=event["type"], payload=event)

    result = stripe_event_process.apply(kwargs={"event_pk": stored.pk}).get()

    assert result == StripeEvent.Status.FAILED
    stored.refresh_from_db()
    assert stored.attempts == 1
    assert "No such object" in stored.error


def test_events_whose_task_was_lost_are_queued_again(
    stripe_api, django_capture_on_commit_callbacks
):
    stuck = StripeEvent.objects.create(event_id="evt_fake_stuck", type="x", payload={})
    StripeEvent.objects.filter(pk=stuck.pk).update(received_at=timezone.now() - timedelta(hours=1))
    StripeEvent.objects.create(event_id="evt_fake_fresh", type="x", payload={})
    done = StripeEvent.objects.create(
        event_id="evt_fake_done", type="x", payload={}, status=StripeEvent.Status.PROCESSED
    )
    StripeEvent.objects.filter(pk=done.pk).update(received_at=timezone.now() - timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        count = stripe_events_requeue()

    assert count == 1
    assert len(callbacks) == 1


def test_the_worker_knows_the_stripe_task(celery_worker, settings):
    # Autodiscovery finds only tasks.py; CELERY_IMPORTS brings stripe_tasks to the worker
    assert settings.CELERY_BEAT_SCHEDULE["stripe-events-requeue"]["task"] == (
        stripe_events_requeue.name
    )

    result = stripe_event_process.delay(event_pk=0)

    assert result.get(timeout=30) is None  # no such event: nothing to do
