"""Helpers for the billing tests: set workspaces up through the real services.

`install_fake_stripe` stands in for the Stripe side in the billing page's tests (the
Stripe side has its own tests, against a fake Stripe API).
"""

import importlib
import sys
import types
from dataclasses import dataclass, field

from django.utils import timezone

from shared_apps.billing.entitlements import entitlements_restore
from shared_apps.billing.models import Plan, Subscription, WorkspaceFeature
from shared_apps.billing.services import workspace_plan_change

FREE, PROFESSIONAL, ENTERPRISE = "free", "professional", "enterprise"


def plan(code: str) -> Plan:
    return Plan.objects.get(code=code)


def choose(workspace, *keys: str, plan_code: str = FREE, interval: str = "month", actor=None):
    """The owner picks a plan and features, as the billing page does."""
    return workspace_plan_change(
        workspace=workspace,
        plan=plan(plan_code),
        interval=interval,
        feature_keys=keys,
        actor=actor,
    )


def subscription_of(workspace) -> Subscription:
    return Subscription.objects.select_related("plan", "price").get(workspace=workspace)


def stripe_confirms_payment(workspace, *, status: str = Subscription.Status.ACTIVE) -> Subscription:
    """What the Stripe side does when Checkout completes or an invoice is paid: record
    the subscription and its state, then ask billing to restore what is due."""
    subscription = subscription_of(workspace)
    subscription.stripe_customer_id = subscription.stripe_customer_id or "cus_test"
    subscription.stripe_subscription_id = subscription.stripe_subscription_id or "sub_test"
    subscription.status = status
    subscription.grace_until = None
    subscription.save()
    entitlements_restore(workspace=workspace)
    return subscription_of(workspace)


def payment_fails(workspace, *, grace_until) -> Subscription:
    """Stripe's dunning: past due, with a grace period."""
    subscription = subscription_of(workspace)
    subscription.status = Subscription.Status.PAST_DUE
    subscription.grace_until = grace_until
    subscription.save()
    return subscription


def states(workspace) -> dict[str, str]:
    return dict(
        WorkspaceFeature.objects.filter(workspace=workspace, enabled=True).values_list(
            "key", "state"
        )
    )


def set_state(workspace, key: str, state: str) -> None:
    row = WorkspaceFeature.objects.get(workspace=workspace, key=key)
    row.state = state
    row.read_only_since = timezone.now() if state == WorkspaceFeature.State.READ_ONLY else None
    row.save()


STRIPE_MODULE = "shared_apps.billing.stripe_billing"


@dataclass
class FakeStripe:
    """Stands in for shared_apps.billing.stripe_billing (its own tests cover it)."""

    calls: list[tuple[str, dict]] = field(default_factory=list)

    def checkout_session_create(self, *, subscription, actor, success_url, cancel_url) -> str:
        self.calls.append(
            ("checkout", {"subscription": subscription, "actor": actor,
                          "success_url": success_url, "cancel_url": cancel_url})
        )  # fmt: skip
        return "https://checkout.stripe.test/c/pay_123"

    def subscription_quantity_sync(self, *, subscription, actor=None) -> None:
        self.calls.append(("sync", {"subscription": subscription, "actor": actor}))

    def portal_session_url(self, *, subscription, return_url) -> str:
        self.calls.append(("portal", {"subscription": subscription, "return_url": return_url}))
        return "https://billing.stripe.test/p/session_123"

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


def _stripe_module(monkeypatch):
    try:
        return importlib.import_module(STRIPE_MODULE)
    except ModuleNotFoundError as error:
        if error.name != STRIPE_MODULE:
            raise
        module = types.ModuleType(STRIPE_MODULE)
        monkeypatch.setitem(sys.modules, STRIPE_MODULE, module)
        return module


def install_fake_stripe(monkeypatch) -> FakeStripe:
    """Record the billing views' Stripe calls (whether or not the real module exists)."""
    fake = FakeStripe()
    module = _stripe_module(monkeypatch)
    for name in ("checkout_session_create", "subscription_quantity_sync", "portal_session_url"):
        monkeypatch.setattr(module, name, getattr(fake, name), raising=False)
    return fake


def remove_stripe(monkeypatch) -> None:
    """A deployment without the Stripe side: importing it fails."""
    monkeypatch.setitem(sys.modules, STRIPE_MODULE, None)
