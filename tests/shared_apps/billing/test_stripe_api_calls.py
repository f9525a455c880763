"""Outgoing Stripe calls: the real SDK against the fake Stripe API on loopback."""

# ruff: noqa: F811  (pytest passes the imported fixtures as same-named arguments)

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shared_apps.billing.models import Plan, PlanPrice, Subscription, WorkspaceFeature
from shared_apps.billing.stripe_billing import (
    BillingStripeError,
    StripeNotConfiguredError,
    StripeUnavailableError,
    checkout_session_create,
    customer_ensure,
    portal_session_url,
    stripe_price_ensure,
    subscription_cancel,
    subscription_quantity_sync,
)
from shared_apps.platform.models import AuditEvent
from tests.fakes.stripe_api import (  # noqa: F401  (fixtures, injected by name)
    STRIPE_TEST_SECRET_KEY,
    stripe_api,
    stripe_api_server,
    stripe_subscribed,
    stripe_subscription,
)

SUCCESS_URL = "http://alpha.localhost/dashboard/billing/?checkout=done"
CANCEL_URL = "http://alpha.localhost/dashboard/billing/"


def _checkout(subscription, actor) -> str:
    return checkout_session_create(
        subscription=subscription, actor=actor, success_url=SUCCESS_URL, cancel_url=CANCEL_URL
    )


# --- customer -------------------------------------------------------------------------


def test_customer_is_created_with_the_workspace_and_its_owner(
    stripe_api, stripe_subscription, alpha, owner
):
    customer_id = customer_ensure(subscription=stripe_subscription)

    customer = stripe_api.get(customer_id)
    assert customer["object"] == "customer"
    assert customer["email"] == owner.email
    assert customer["name"] == alpha.name
    assert customer["metadata"]["workspace_id"] == str(alpha.pk)
    stripe_subscription.refresh_from_db()
    assert stripe_subscription.stripe_customer_id == customer_id


def test_customer_is_not_asked_for_again_once_stored(stripe_api, stripe_subscription):
    customer_ensure(subscription=stripe_subscription)
    sent = len(stripe_api.requests)

    customer_ensure(subscription=stripe_subscription)

    assert len(stripe_api.requests) == sent


def test_the_same_operation_twice_makes_one_customer(stripe_api, stripe_subscription):
    # Given a customer made at Stripe whose id never reached our database (a crash
    # between Stripe's answer and our save)
    first = customer_ensure(subscription=stripe_subscription)
    Subscription.objects.filter(pk=stripe_subscription.pk).update(stripe_customer_id="")
    stripe_subscription.refresh_from_db()

    # When the same operation runs again
    second = customer_ensure(subscription=stripe_subscription)

    # Then Stripe replays the first answer: one customer, the same key twice
    assert second == first
    assert len(stripe_api.of_type("customer")) == 1
    posts = stripe_api.requests_to("POST", "/v1/customers")
    assert len(posts) == 2
    assert posts[0].idempotency_key == posts[1].idempotency_key
    assert posts[0].idempotency_key.startswith(f"mewayz:customer_create:{stripe_subscription.pk}:")
    assert posts[1].replayed


def test_a_lost_response_is_retried_by_the_sdk_with_the_same_key(stripe_api, stripe_subscription):
    # Stripe made the price, but the answer never arrived (a 500 after processing)
    stripe_api.fail_next(500, after_processing=True, should_retry=True)

    price_id = stripe_price_ensure(price=stripe_subscription.price, interval="month")

    posts = stripe_api.requests_to("POST", "/v1/prices")
    assert [p.status for p in posts] == [500, 200]
    assert posts[0].idempotency_key == posts[1].idempotency_key
    assert posts[1].replayed
    assert [p["id"] for p in stripe_api.of_type("price")] == [price_id]


def test_stripe_outage_is_a_retryable_application_error(stripe_api, stripe_subscription):
    stripe_api.fail_next(503)

    with pytest.raises(StripeUnavailableError):
        customer_ensure(subscription=stripe_subscription)

    stripe_subscription.refresh_from_db()
    assert stripe_subscription.stripe_customer_id == ""


# --- the secret key -------------------------------------------------------------------


def test_secret_key_comes_from_the_vault_when_settings_have_none(
    stripe_api, stripe_subscription, settings
):
    from shared_apps.platform.vault import secret_set

    settings.STRIPE_SECRET_KEY = ""
    secret_set(name="stripe_secret_key", value=STRIPE_TEST_SECRET_KEY, actor=None)

    customer_ensure(subscription=stripe_subscription)

    assert stripe_api.requests[-1].api_key == STRIPE_TEST_SECRET_KEY
    assert stripe_api.requests[-1].status == 200


def test_settings_win_over_the_vault(stripe_api, stripe_subscription):
    from shared_apps.platform.vault import secret_set

    secret_set(name="stripe_secret_key", value="sk_test_someone_elses_account", actor=None)

    customer_ensure(subscription=stripe_subscription)

    assert stripe_api.requests[-1].api_key == STRIPE_TEST_SECRET_KEY


def test_no_key_anywhere_is_refused_before_any_request(stripe_api, stripe_subscription, settings):
    settings.STRIPE_SECRET_KEY = ""

    with pytest.raises(StripeNotConfiguredError):
        customer_ensure(subscription=stripe_subscription)

    assert stripe_api.requests == []


# --- prices ---------------------------------------------------------------------------


def test_price_is_made_per_interval_in_minor_units(stripe_api, stripe_subscription):
    price = stripe_subscription.price  # Professional v1: $1.00 a month, $10.00 a year

    monthly = stripe_price_ensure(price=price, interval="month")
    yearly = stripe_price_ensure(price=price, interval="year")

    assert stripe_api.get(monthly)["unit_amount"] == 100
    assert stripe_api.get(monthly)["recurring"]["interval"] == "month"
    assert stripe_api.get(yearly)["unit_amount"] == 1000
    assert stripe_api.get(yearly)["recurring"]["interval"] == "year"
    price.refresh_from_db()
    assert (price.stripe_price_monthly_id, price.stripe_price_yearly_id) == (monthly, yearly)


def test_price_is_made_once(stripe_api, stripe_subscription):
    stripe_price_ensure(price=stripe_subscription.price, interval="month")

    stripe_price_ensure(price=stripe_subscription.price, interval="month")

    assert len(stripe_api.requests_to("POST", "/v1/prices")) == 1


def test_fractional_prices_reach_stripe_as_whole_cents(stripe_api, db):
    enterprise = PlanPrice.objects.get(plan__code="enterprise", version=1)  # $1.50

    price_id = stripe_price_ensure(price=enterprise, interval="month")

    sent = stripe_api.requests_to("POST", "/v1/prices")[0].params
    assert sent["unit_amount"] == "150"
    assert sent["currency"] == "usd"
    assert stripe_api.get(price_id)["unit_amount"] == 150


def test_a_new_price_version_gets_its_own_stripe_price(stripe_api, stripe_subscription):
    v1 = stripe_subscription.price
    v2 = PlanPrice.objects.create(
        plan=v1.plan,
        version=2,
        currency="usd",
        price_monthly=Decimal("1.25"),
        price_yearly=Decimal("12.50"),
    )

    first = stripe_price_ensure(price=v1, interval="month")
    second = stripe_price_ensure(price=v2, interval="month")

    assert first != second
    assert stripe_api.get(second)["unit_amount"] == 125


# --- Checkout -------------------------------------------------------------------------


def test_checkout_bills_each_enabled_feature_at_the_version_price(
    stripe_api, stripe_subscription, alpha, owner
):
    url = _checkout(stripe_subscription, owner)

    (session,) = stripe_api.of_type("checkout.session")
    assert url == session["url"]
    assert url.startswith("https://checkout.stripe.com/")
    stripe_subscription.price.refresh_from_db()
    sent = stripe_api.requests_to("POST", "/v1/checkout/sessions")[0]
    assert sent.params["mode"] == "subscription"
    assert sent.params["line_items"] == [
        {"price": stripe_subscription.price.stripe_price_monthly_id, "quantity": "3"}
    ]
    assert sent.params["customer"] == stripe_subscription.stripe_customer_id
    assert sent.params["client_reference_id"] == str(alpha.pk)
    assert sent.params["subscription_data"]["metadata"]["workspace_id"] == str(alpha.pk)
    assert (sent.params["success_url"], sent.params["cancel_url"]) == (SUCCESS_URL, CANCEL_URL)
    assert sent.idempotency_key.startswith(f"mewayz:checkout_create:{stripe_subscription.pk}:")
    audit = AuditEvent.objects.get(action="billing.checkout_started", workspace_id=alpha.pk)
    assert audit.actor == owner
    assert audit.data["quantity"] == 3
    assert audit.data["unit_amount"] == "1.00"


def test_every_create_carries_an_operation_key(stripe_api, stripe_subscription, owner):
    _checkout(stripe_subscription, owner)

    posts = [r for r in stripe_api.requests if r.method == "POST"]
    assert [r.path for r in posts] == ["/v1/customers", "/v1/prices", "/v1/checkout/sessions"]
    assert all(r.idempotency_key.startswith("mewayz:") for r in posts)


def test_the_same_checkout_twice_is_one_session(stripe_api, stripe_subscription, owner):
    first = _checkout(stripe_subscription, owner)

    second = _checkout(stripe_subscription, owner)

    assert first == second
    assert len(stripe_api.of_type("checkout.session")) == 1


def test_a_different_feature_count_is_a_new_session(stripe_api, stripe_subscription, alpha, owner):
    first = _checkout(stripe_subscription, owner)
    WorkspaceFeature.objects.create(workspace=alpha, key="store", enabled=True)

    second = _checkout(stripe_subscription, owner)

    assert first != second
    assert (
        stripe_api.requests_to("POST", "/v1/checkout/sessions")[-1].params["line_items"][0][
            "quantity"
        ]
        == "4"
    )


def test_checkout_is_refused_while_a_subscription_is_live(stripe_api, stripe_subscribed, owner):
    sent = len(stripe_api.requests)

    with pytest.raises(BillingStripeError):
        _checkout(stripe_subscribed, owner)

    assert len(stripe_api.requests) == sent


def test_checkout_of_a_free_plan_is_refused(stripe_api, stripe_subscription, owner):
    free = Plan.objects.get(code="free")
    stripe_subscription.plan = free
    stripe_subscription.price = free.prices.get(version=1)
    stripe_subscription.save()

    with pytest.raises(BillingStripeError):
        _checkout(stripe_subscription, owner)

    assert stripe_api.requests == []


# --- quantity -------------------------------------------------------------------------


def test_enabling_a_feature_raises_the_quantity_with_proration(
    stripe_api, stripe_subscribed, alpha, owner
):
    WorkspaceFeature.objects.create(workspace=alpha, key="store", enabled=True)

    changed = subscription_quantity_sync(subscription=stripe_subscribed, actor=owner)

    assert changed
    path = f"/v1/subscriptions/{stripe_subscribed.stripe_subscription_id}"
    sent = stripe_api.requests_to("POST", path)
    assert sent[-1].params == {
        "items": [{"id": stripe_subscribed.stripe_subscription_item_id, "quantity": "4"}],
        "proration_behavior": "create_prorations",
    }
    assert sent[-1].idempotency_key.startswith(
        f"mewayz:subscription_update:{stripe_subscribed.pk}:"
    )
    at_stripe = stripe_api.get(stripe_subscribed.stripe_subscription_id)
    assert at_stripe["items"]["data"][0]["quantity"] == 4
    stripe_subscribed.refresh_from_db()
    assert stripe_subscribed.billed_quantity == 4
    audit = AuditEvent.objects.get(action="billing.quantity_changed", workspace_id=alpha.pk)
    assert audit.actor == owner
    assert (audit.data["from"]["quantity"], audit.data["to"]["quantity"]) == (3, 4)


def test_unchanged_quantity_changes_nothing_at_stripe(stripe_api, stripe_subscribed):
    changed = subscription_quantity_sync(subscription=stripe_subscribed)

    assert not changed
    assert stripe_api.requests_to("POST", "/v1/subscriptions/") == []


def test_a_plan_change_moves_the_item_to_the_new_price(stripe_api, stripe_subscribed, owner):
    # The workspace moved from Professional to Enterprise ($1.50 a feature)
    enterprise = Plan.objects.get(code="enterprise")
    stripe_subscribed.plan = enterprise
    stripe_subscribed.price = enterprise.prices.get(version=1)
    stripe_subscribed.save()

    changed = subscription_quantity_sync(subscription=stripe_subscribed, actor=owner)

    assert changed
    stripe_subscribed.price.refresh_from_db()
    new_price = stripe_subscribed.price.stripe_price_monthly_id
    sent = stripe_api.requests_to("POST", "/v1/subscriptions/")[-1]
    assert sent.params["items"] == [
        {"id": stripe_subscribed.stripe_subscription_item_id, "price": new_price}
    ]
    assert sent.params["proration_behavior"] == "create_prorations"
    item = stripe_api.get(stripe_subscribed.stripe_subscription_id)["items"]["data"][0]
    assert (item["price"]["id"], item["price"]["unit_amount"], item["quantity"]) == (
        new_price,
        150,
        3,
    )


def test_moving_to_a_free_plan_ends_stripe_billing_at_period_end(
    stripe_api, stripe_subscribed, owner
):
    free = Plan.objects.get(code="free")
    stripe_subscribed.plan = free
    stripe_subscribed.price = free.prices.get(version=1)
    stripe_subscribed.status = Subscription.Status.FREE
    stripe_subscribed.save()

    subscription_quantity_sync(subscription=stripe_subscribed, actor=owner)

    at_stripe = stripe_api.get(stripe_subscribed.stripe_subscription_id)
    assert at_stripe["cancel_at_period_end"] is True
    assert at_stripe["items"]["data"][0]["quantity"] == 3  # the paid period is not re-billed
    stripe_subscribed.refresh_from_db()
    assert stripe_subscribed.status == Subscription.Status.FREE  # Stripe's "active" aside
    assert stripe_subscribed.cancel_at_period_end


def test_subscribing_again_before_period_end_resumes_instead_of_a_second_subscription(
    stripe_api, stripe_subscribed, alpha, owner
):
    # Given a cancelled subscription whose paid period is still running
    subscription_cancel(subscription=stripe_subscribed, actor=owner)
    stripe_subscribed.refresh_from_db()
    stripe_subscribed.current_period_end = timezone.now() + timedelta(days=10)
    stripe_subscribed.status = Subscription.Status.INCOMPLETE  # the billing page's choice
    stripe_subscribed.save()
    WorkspaceFeature.objects.create(workspace=alpha, key="store", enabled=True)

    # When the owner subscribes again
    url = _checkout(stripe_subscribed, owner)

    # Then the same Stripe subscription carries on, with the new quantity
    assert url == SUCCESS_URL
    assert len(stripe_api.of_type("checkout.session")) == 1  # only the first one
    at_stripe = stripe_api.get(stripe_subscribed.stripe_subscription_id)
    assert at_stripe["cancel_at_period_end"] is False
    assert at_stripe["items"]["data"][0]["quantity"] == 4
    stripe_subscribed.refresh_from_db()
    assert stripe_subscribed.status == Subscription.Status.ACTIVE
    assert AuditEvent.objects.filter(
        action="billing.subscription_resumed", workspace_id=alpha.pk
    ).exists()


def test_back_and_forth_within_a_day_is_applied_every_time(stripe_api, stripe_subscribed, alpha):
    # 3 -> 2 -> 3: the second change must not be answered with a replay of an earlier one
    feature = WorkspaceFeature.objects.get(workspace=alpha, key="crm")
    feature.enabled = False
    feature.save()
    subscription_quantity_sync(subscription=stripe_subscribed)
    feature.enabled = True
    feature.save()

    subscription_quantity_sync(subscription=stripe_subscribed)

    updates = stripe_api.requests_to("POST", "/v1/subscriptions/")
    assert len({u.idempotency_key for u in updates}) == 2
    assert not any(u.replayed for u in updates)
    at_stripe = stripe_api.get(stripe_subscribed.stripe_subscription_id)
    assert at_stripe["items"]["data"][0]["quantity"] == 3


def test_quantity_waits_for_checkout_before_stripe_has_a_subscription(
    stripe_api, stripe_subscription, alpha
):
    WorkspaceFeature.objects.create(workspace=alpha, key="store", enabled=True)

    assert not subscription_quantity_sync(subscription=stripe_subscription)
    assert stripe_api.requests == []


# --- cancel and portal ----------------------------------------------------------------


def test_cancel_ends_the_subscription_at_period_end(stripe_api, stripe_subscribed, alpha, owner):
    subscription_cancel(subscription=stripe_subscribed, actor=owner)

    at_stripe = stripe_api.get(stripe_subscribed.stripe_subscription_id)
    assert at_stripe["cancel_at_period_end"] is True
    assert at_stripe["status"] == "active"  # paid time keeps working
    stripe_subscribed.refresh_from_db()
    assert stripe_subscribed.cancel_at_period_end
    assert AuditEvent.objects.filter(
        action="billing.cancel_requested", workspace_id=alpha.pk, actor=owner
    ).exists()


def test_cancelling_twice_asks_stripe_once(stripe_api, stripe_subscribed, owner):
    subscription_cancel(subscription=stripe_subscribed, actor=owner)

    subscription_cancel(subscription=stripe_subscribed, actor=owner)

    assert len(stripe_api.requests_to("POST", "/v1/subscriptions/")) == 1


def test_cancel_without_a_paid_subscription_is_refused(stripe_api, stripe_subscription, owner):
    with pytest.raises(BillingStripeError):
        subscription_cancel(subscription=stripe_subscription, actor=owner)


def test_portal_session_opens_for_the_workspace_customer(stripe_api, stripe_subscribed):
    url = portal_session_url(subscription=stripe_subscribed, return_url=CANCEL_URL)

    (session,) = stripe_api.of_type("billing_portal.session")
    assert url == session["url"]
    assert url.startswith("https://billing.stripe.com/")
    sent = stripe_api.requests_to("POST", "/v1/billing_portal/sessions")[0]
    assert sent.params == {
        "customer": stripe_subscribed.stripe_customer_id,
        "return_url": CANCEL_URL,
    }
    assert sent.idempotency_key.startswith(f"mewayz:portal_create:{stripe_subscribed.pk}:")


def test_portal_needs_a_customer(stripe_api, stripe_subscription):
    with pytest.raises(BillingStripeError):
        portal_session_url(subscription=stripe_subscription, return_url=CANCEL_URL)
