"""Choosing a plan, interval and features: rows, subscription, audit; data is never lost."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone
from django_tenants.utils import tenant_context
from wagtail.models import Page

from shared_apps.billing.errors import BillingError
from shared_apps.billing.gate import feature_state
from shared_apps.billing.models import Plan, Subscription, WorkspaceFeature
from shared_apps.billing.services import feature_kill_switch_set, workspace_plan_change
from shared_apps.platform.models import AuditEvent
from tests.shared_apps.billing.support import (
    ENTERPRISE,
    FREE,
    PROFESSIONAL,
    choose,
    payment_fails,
    plan,
    states,
    stripe_confirms_payment,
    subscription_of,
)


def test_free_features_turn_on_at_once(alpha, owner):
    choose(alpha, actor=owner)  # from none (new workspaces start with the starter set)

    result = choose(alpha, "crm", "pages", actor=owner)

    assert result.enabled == ("pages", "crm")
    assert (result.needs_checkout, result.needs_quantity_sync) == (False, False)
    assert states(alpha) == {"crm": "active", "pages": "active"}
    assert feature_state(workspace=alpha, key="crm") == "on"
    assert subscription_of(alpha).status == Subscription.Status.FREE


def test_turning_a_feature_off_keeps_its_row_and_its_data(alpha, owner):
    choose(alpha, "pages", "crm", actor=owner)
    with tenant_context(alpha):
        pages_before = Page.objects.count()

    result = choose(alpha, "crm", actor=owner)

    assert result.disabled == ("pages",)
    row = WorkspaceFeature.objects.get(workspace=alpha, key="pages")
    assert row.enabled is False and row.disabled_at is not None
    assert feature_state(workspace=alpha, key="pages") == "off"
    with tenant_context(alpha):
        assert Page.objects.count() == pages_before  # the module's data is untouched


def test_turning_it_back_on_restores_the_same_row(alpha, owner):
    choose(alpha, "pages", actor=owner)
    row_id = WorkspaceFeature.objects.get(workspace=alpha, key="pages").pk
    choose(alpha, actor=owner)

    choose(alpha, "pages", actor=owner)

    row = WorkspaceFeature.objects.get(workspace=alpha, key="pages")
    assert (row.pk, row.enabled, row.state) == (row_id, True, "active")
    assert feature_state(workspace=alpha, key="pages") == "on"


def test_a_paid_plan_without_stripe_waits_for_checkout(alpha, owner):
    choose(alpha, "pages", "crm", actor=owner)

    result = choose(alpha, "pages", "crm", "store", plan_code=PROFESSIONAL, actor=owner)

    assert result.needs_checkout is True
    assert result.needs_quantity_sync is False
    subscription = subscription_of(alpha)
    assert (subscription.plan.code, subscription.status) == (PROFESSIONAL, "incomplete")
    # What it had keeps working; the new feature waits for the first payment.
    assert states(alpha) == {"pages": "active", "crm": "active", "store": "pending"}
    assert feature_state(workspace=alpha, key="store") == "off"
    assert feature_state(workspace=alpha, key="crm") == "on"
    alpha.refresh_from_db()
    assert alpha.plan_code == PROFESSIONAL


def test_the_first_payment_turns_pending_features_on(alpha, owner):
    choose(alpha, "crm", "store", plan_code=PROFESSIONAL, actor=owner)

    stripe_confirms_payment(alpha)

    assert states(alpha) == {"crm": "active", "store": "active"}
    assert feature_state(workspace=alpha, key="store") == "on"


def test_a_paying_subscription_changes_at_once_and_syncs_stripe(alpha, owner):
    choose(alpha, "crm", plan_code=PROFESSIONAL, actor=owner)
    stripe_confirms_payment(alpha)

    result = choose(alpha, "crm", "ai", plan_code=PROFESSIONAL, actor=owner)

    assert (result.needs_checkout, result.needs_quantity_sync) == (False, True)
    assert states(alpha) == {"crm": "active", "ai": "active"}
    assert subscription_of(alpha).status == "active"


def test_moving_to_free_ends_dunning_and_asks_stripe_to_stop(alpha, owner):
    choose(alpha, "crm", "ai", plan_code=PROFESSIONAL, actor=owner)
    stripe_confirms_payment(alpha)
    payment_fails(alpha, grace_until=timezone.now() + timedelta(days=3))

    result = choose(alpha, "crm", actor=owner)

    subscription = subscription_of(alpha)
    assert (subscription.plan.code, subscription.status, subscription.grace_until) == (
        FREE, "free", None
    )  # fmt: skip
    assert result.needs_quantity_sync is True  # Stripe ends the paid subscription
    assert result.disabled == ("ai",)


def test_enterprise_offers_white_label(alpha, owner):
    result = choose(alpha, "whitelabel", "crm", plan_code=ENTERPRISE, actor=owner)

    assert result.quote.quantity == 2
    with pytest.raises(BillingError):
        choose(alpha, "whitelabel", plan_code=PROFESSIONAL, actor=owner)


def test_invalid_choices_change_nothing(alpha, owner):
    choose(alpha, "crm", actor=owner)
    before = (states(alpha), subscription_of(alpha).plan.code, AuditEvent.objects.count())

    with pytest.raises(BillingError) as error:
        choose(alpha, "crm", "whitelabel", actor=owner)  # white label: Enterprise only

    assert "features" in error.value.fields
    assert (states(alpha), subscription_of(alpha).plan.code, AuditEvent.objects.count()) == before


def test_a_retired_plan_cannot_be_chosen_but_its_subscribers_may_stay(alpha, beta, owner):
    choose(alpha, "crm", plan_code=ENTERPRISE, actor=owner)
    Plan.objects.filter(code=ENTERPRISE).update(is_active=False)

    with pytest.raises(BillingError) as error:
        choose(beta, "crm", plan_code=ENTERPRISE, actor=owner)
    assert error.value.fields == {"plan": ["This plan is no longer offered."]}

    choose(alpha, "crm", "ai", plan_code=ENTERPRISE, actor=owner)
    assert set(states(alpha)) == {"crm", "ai"}


def test_a_killed_feature_already_on_may_stay_chosen(alpha, beta, owner):
    choose(alpha, "ai", "crm", actor=owner)
    feature_kill_switch_set(key="ai", disabled=True, actor=owner)

    choose(alpha, "ai", "crm", "pages", actor=owner)

    assert set(states(alpha)) == {"ai", "crm", "pages"}
    assert feature_state(workspace=alpha, key="ai") == "off"
    with pytest.raises(BillingError):  # but nobody may newly choose it
        choose(beta, "ai", actor=owner)


def test_every_change_is_audited_with_who_and_from_where(alpha, owner):
    request = RequestFactory().post("/dashboard/billing/", REMOTE_ADDR="203.0.113.9")

    workspace_plan_change(
        workspace=alpha,
        plan=plan(PROFESSIONAL),
        interval="year",
        feature_keys=["crm", "store"],
        actor=owner,
        request=request,
    )

    event = AuditEvent.objects.get(action="billing.plan_changed", workspace_id=alpha.pk)
    assert event.actor == owner
    assert event.ip_address == "203.0.113.9"
    assert event.data["to"]["plan"] == PROFESSIONAL
    assert (event.data["total"], event.data["quantity"]) == ("20.00", 2)
    assert event.data["enabled"] == ["store", "crm"]


def test_an_unchanged_choice_writes_nothing(alpha, owner):
    choose(alpha, "crm", actor=owner)
    count = AuditEvent.objects.count()

    result = choose(alpha, "crm", actor=owner)

    assert result.changed is False
    assert AuditEvent.objects.count() == count
