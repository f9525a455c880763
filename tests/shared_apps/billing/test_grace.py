"""Failed payments and narrowed plans: surplus features go read-only after the grace
period (the hourly dispatcher), never deleted; paying again restores them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from config.celery import app
from shared_apps.billing.entitlements import entitlements_restore, entitlements_restrict
from shared_apps.billing.gate import feature_state
from shared_apps.billing.models import Subscription, WorkspaceFeature
from shared_apps.billing.services import plan_update
from shared_apps.billing.tasks import subscriptions_enforce_grace
from shared_apps.platform.models import AuditEvent
from tests.shared_apps.billing.support import (
    FREE,
    PROFESSIONAL,
    choose,
    payment_fails,
    plan,
    states,
    stripe_confirms_payment,
    subscription_of,
)

TWELVE = [
    "bio_sites", "pages", "custom_domain", "courses", "community", "store",
    "marketplace", "crm", "email_marketing", "social_scheduling", "ai", "analytics",
]  # fmt: skip


@pytest.fixture
def eager_tasks():
    """The dispatcher's fan-out runs in this process (and this test's transaction)."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def paying_alpha(alpha, owner):
    choose(alpha, *TWELVE, plan_code=PROFESSIONAL, actor=owner)
    stripe_confirms_payment(alpha)
    assert set(states(alpha).values()) == {"active"}
    return alpha


def _read_only(workspace) -> set[str]:
    return {key for key, state in states(workspace).items() if state == "read_only"}


@pytest.mark.usefixtures("eager_tasks")
def test_within_grace_everything_keeps_working(paying_alpha):
    payment_fails(paying_alpha, grace_until=timezone.now() + timedelta(days=7))

    assert subscriptions_enforce_grace() == 0
    assert _read_only(paying_alpha) == set()
    assert feature_state(workspace=paying_alpha, key="ai") == "on"


@pytest.mark.usefixtures("eager_tasks")
def test_after_grace_the_surplus_over_the_free_plan_goes_read_only(paying_alpha):
    payment_fails(paying_alpha, grace_until=timezone.now() - timedelta(minutes=1))

    assert subscriptions_enforce_grace() == 1

    # The Free plan's 10 (earliest enabled; together: in catalog order) stay; the rest pause.
    assert _read_only(paying_alpha) == {"ai", "analytics"}
    assert feature_state(workspace=paying_alpha, key="ai") == "read_only"
    assert feature_state(workspace=paying_alpha, key="crm") == "on"
    assert WorkspaceFeature.objects.filter(workspace=paying_alpha, enabled=True).count() == 12
    event = AuditEvent.objects.get(action="billing.features_restricted")
    assert event.data["reason"] == "grace_period_ended"
    assert sorted(event.data["restricted"]) == ["ai", "analytics"]


@pytest.mark.usefixtures("eager_tasks")
def test_enforcement_happens_once_per_grace_period(paying_alpha):
    payment_fails(paying_alpha, grace_until=timezone.now() - timedelta(minutes=1))
    subscriptions_enforce_grace()

    assert subscriptions_enforce_grace() == 0  # nothing due any more
    assert entitlements_restrict(workspace=paying_alpha, reason="again").changed is False
    assert AuditEvent.objects.filter(action="billing.features_restricted").count() == 1


def test_paying_again_restores_everything(paying_alpha):
    payment_fails(paying_alpha, grace_until=timezone.now() - timedelta(minutes=1))
    entitlements_restrict(workspace=paying_alpha, reason="grace_period_ended")

    stripe_confirms_payment(paying_alpha)

    assert _read_only(paying_alpha) == set()
    assert feature_state(workspace=paying_alpha, key="ai") == "on"
    assert AuditEvent.objects.filter(action="billing.features_restored").exists()


def test_restore_out_of_order_restores_nothing_while_still_unpaid(paying_alpha):
    payment_fails(paying_alpha, grace_until=timezone.now() - timedelta(minutes=1))
    entitlements_restrict(workspace=paying_alpha, reason="grace_period_ended")

    # A stale "paid" notification processed after the failure changes nothing.
    assert entitlements_restore(workspace=paying_alpha).changed is False
    assert _read_only(paying_alpha) == {"ai", "analytics"}


def test_a_canceled_subscription_keeps_the_free_allowance(paying_alpha):
    subscription = subscription_of(paying_alpha)
    subscription.status = Subscription.Status.CANCELED
    subscription.save()

    entitlements_restrict(workspace=paying_alpha, reason="subscription_canceled")

    assert len(_read_only(paying_alpha)) == 2
    # The owner picks what to keep on the Free plan: those come back at once.
    choose(paying_alpha, "ai", "crm")
    assert states(paying_alpha) == {"ai": "active", "crm": "active"}
    assert subscription_of(paying_alpha).status == "free"


@pytest.mark.usefixtures("eager_tasks")
def test_a_lower_plan_limit_gives_grace_then_pauses_the_surplus(alpha, owner):
    choose(alpha, "crm", "store", "courses", "ai", actor=owner)

    plan_update(plan=plan(FREE), feature_limit=2, actor=owner)

    subscription = subscription_of(alpha)
    assert subscription.grace_until > timezone.now() + timedelta(days=6)
    assert _read_only(alpha) == set()  # grace
    subscriptions_enforce_grace()
    assert _read_only(alpha) == set()

    Subscription.objects.filter(pk=subscription.pk).update(
        grace_until=timezone.now() - timedelta(seconds=1)
    )
    assert subscriptions_enforce_grace() == 1
    assert _read_only(alpha) == {"crm", "ai"}  # courses and store were enabled first
    assert WorkspaceFeature.objects.filter(workspace=alpha, enabled=True).count() == 4


def test_a_feature_removed_from_a_plan_is_paused_after_grace_too(alpha, owner):
    choose(alpha, "crm", "ai", plan_code=PROFESSIONAL, actor=owner)
    stripe_confirms_payment(alpha)

    plan_update(plan=plan(PROFESSIONAL), features=["crm", "store"], actor=owner)
    Subscription.objects.filter(workspace=alpha).update(grace_until=timezone.now())
    entitlements_restrict(workspace=alpha, reason="plan_narrowed")

    assert _read_only(alpha) == {"ai"}
    assert feature_state(workspace=alpha, key="crm") == "on"


def test_a_plan_that_stops_offering_white_label_gives_grace(alpha, owner):
    choose(alpha, "whitelabel", "crm", plan_code="enterprise", actor=owner)
    stripe_confirms_payment(alpha)

    plan_update(plan=plan("enterprise"), is_whitelabel=False, actor=owner)

    assert subscription_of(alpha).grace_until > timezone.now()
    assert _read_only(alpha) == set()
    event = AuditEvent.objects.get(action="billing.plan_updated")
    assert (event.data["workspaces_in_grace"], event.data["to"]["is_whitelabel"]) == (1, False)


def test_narrowing_a_plan_never_extends_a_running_payment_grace(paying_alpha, owner):
    ends = timezone.now() + timedelta(days=2)
    payment_fails(paying_alpha, grace_until=ends)

    plan_update(plan=plan(PROFESSIONAL), feature_limit=5, actor=owner)

    assert subscription_of(paying_alpha).grace_until == ends
