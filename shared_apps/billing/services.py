"""Writes of plans, prices, kill switches, subscriptions and workspace features.

Every change is audited (`billing.*` actions) and drops the cached entitlements of the
workspaces it concerns, so the feature gate sees it on the next request.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from config.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from shared_apps.billing.catalog import FEATURES, STARTER_FEATURES
from shared_apps.billing.entitlements import entitlements_invalidate, entitlements_reconcile
from shared_apps.billing.errors import BillingError, BillingErrorCode
from shared_apps.billing.models import (
    FeatureKillSwitch,
    Plan,
    PlanPrice,
    Subscription,
    WorkspaceFeature,
)
from shared_apps.billing.selectors import (
    PAYING_STATUSES,
    Quote,
    plan_free,
    plan_offered_keys,
    plan_price_current,
    workspace_quote,
)
from shared_apps.platform.services import audit_record

_UNCHANGED = object()


@transaction.atomic
def subscription_create_free(*, workspace) -> Subscription:
    """Every workspace starts on the Free plan (called by provisioning). Idempotent."""
    existing = Subscription.objects.filter(workspace_id=workspace.pk).first()
    if existing is not None:
        return existing
    plan = plan_free()
    subscription = Subscription.objects.create(
        workspace=workspace,
        plan=plan,
        price=plan_price_current(plan=plan),
        interval=Subscription.Interval.MONTH,
        status=Subscription.Status.FREE,
    )
    _workspace_plan_code_sync(workspace=workspace, plan=plan)
    starter = set(STARTER_FEATURES) & plan_offered_keys(plan=plan)
    _features_write(workspace=workspace, selected=starter, pending=False)
    audit_record(
        action="billing.subscription_created",
        workspace_id=workspace.pk,
        target=subscription,
        data={"plan": plan.code, "features": sorted(starter)},
    )
    return subscription


def _workspace_plan_code_sync(*, workspace, plan: Plan) -> None:
    """`Workspace.plan_code` is a denormalised copy of the subscription's plan, written
    only here. It rides in the routing-cached workspace (the dashboard and the workspace
    API show the plan without a query) and lets the console filter by plan cheaply."""
    if workspace.plan_code != plan.code:
        workspace.plan_code = plan.code
        workspace.save(update_fields=["plan_code", "updated_at"])


def _money_amount(value, field: str) -> Decimal:
    if isinstance(value, float):
        raise TypeError("Prices are Decimal, never float.")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise BillingError(
            "Prices are amounts such as 1.50.",
            code=BillingErrorCode.PRICE_INVALID,
            fields={field: ["Enter an amount such as 1.50."]},
        ) from None
    if not amount.is_finite() or amount < 0:
        problem = "Enter an amount of zero or more."
    elif amount.as_tuple().exponent < -MONEY_DECIMAL_PLACES:
        problem = f"Use at most {MONEY_DECIMAL_PLACES} decimal places."
    elif amount >= Decimal(10) ** (MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES):
        problem = "That amount is too large."
    else:
        return amount
    raise BillingError(problem, code=BillingErrorCode.PRICE_INVALID, fields={field: [problem]})


@transaction.atomic
def plan_price_change(
    *, plan: Plan, price_monthly: Decimal, price_yearly: Decimal, actor, request=None
) -> PlanPrice:
    """Add a price version (never edit one in place). Subscribers keep the version they
    pay until renewal (`subscription_renew_price`); new subscriptions and plan changes
    use the new one. Returns the current version (unchanged if the prices are equal)."""
    monthly = _money_amount(price_monthly, "price_monthly")
    yearly = _money_amount(price_yearly, "price_yearly")
    plan = Plan.objects.select_for_update().get(pk=plan.pk)  # versions are numbered in turn
    current = plan_price_current(plan=plan)
    if (current.price_monthly, current.price_yearly) == (monthly, yearly):
        return current
    price = PlanPrice.objects.create(
        plan=plan,
        version=current.version + 1,
        currency=current.currency,
        price_monthly=monthly,
        price_yearly=yearly,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        action="billing.plan_price_changed",
        actor=actor,
        target=plan,
        data={
            "plan": plan.code,
            "version": price.version,
            "currency": price.currency,
            "from": {"monthly": str(current.price_monthly), "yearly": str(current.price_yearly)},
            "to": {"monthly": str(monthly), "yearly": str(yearly)},
        },
        request=request,
    )
    return price


@transaction.atomic
def plan_update(
    *,
    plan: Plan,
    actor,
    feature_limit=_UNCHANGED,
    features: Iterable[str] | None = None,
    is_active: bool | None = None,
    is_whitelabel: bool | None = None,
    request=None,
) -> Plan:
    """Change what a plan offers. `feature_limit=None` means unlimited; `features=[]`
    means the whole catalog; `is_whitelabel` decides whether it offers white label.
    Workspaces the change leaves over the limit, or with a feature the plan no longer
    offers, get `BILLING_GRACE_DAYS` of grace; then the hourly
    `subscriptions_enforce_grace` puts the surplus into read-only mode."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    before = {
        "feature_limit": plan.feature_limit,
        "features": list(plan.features),
        "is_whitelabel": plan.is_whitelabel,
    }
    old_offered, old_limit = plan_offered_keys(plan=plan), plan.feature_limit
    fields = []
    if feature_limit is not _UNCHANGED:
        if feature_limit is not None and (not isinstance(feature_limit, int) or feature_limit < 0):
            raise BillingError(
                "The feature limit is a whole number, or empty for no limit.",
                fields={"feature_limit": ["Enter a whole number, or leave empty for no limit."]},
            )
        plan.feature_limit = feature_limit
        fields.append("feature_limit")
    if features is not None:
        keys = sorted(set(features))
        unknown = [key for key in keys if key not in FEATURES]
        if unknown:
            raise BillingError(
                f"Unknown feature: {', '.join(unknown)}.",
                fields={"features": [f"Unknown feature: {', '.join(unknown)}."]},
            )
        plan.features = keys
        fields.append("features")
    if is_active is not None:
        plan.is_active = is_active
        fields.append("is_active")
    if is_whitelabel is not None:
        plan.is_whitelabel = is_whitelabel
        fields.append("is_whitelabel")
    if not fields:
        return plan
    plan.save(update_fields=[*fields, "updated_at"])
    narrower = not (plan_offered_keys(plan=plan) >= old_offered) or (
        plan.feature_limit is not None and (old_limit is None or plan.feature_limit < old_limit)
    )
    graced = _grace_start_for_plan(plan=plan) if narrower else 0
    audit_record(
        action="billing.plan_updated",
        actor=actor,
        target=plan,
        data={
            "plan": plan.code,
            "from": before,
            "to": {
                "feature_limit": plan.feature_limit,
                "features": list(plan.features),
                "is_whitelabel": plan.is_whitelabel,
            },
            "is_active": plan.is_active,
            "workspaces_in_grace": graced,
        },
        request=request,
    )
    return plan


def _grace_start_for_plan(*, plan: Plan) -> int:
    """Give every subscriber the change leaves with surplus features a grace period (one
    query to find them, one to update them; the gate's snapshot does not hold grace, so
    nothing cached changes)."""
    offered, limit = plan_offered_keys(plan=plan), plan.feature_limit
    now = timezone.now()
    grace_until = now + timedelta(days=settings.BILLING_GRACE_DAYS)
    chosen = Q(workspace__features__enabled=True)
    surplus = Subscription.objects.filter(plan=plan).annotate(
        chosen=Count("workspace__features", filter=chosen),
        not_offered=Count(
            "workspace__features", filter=chosen & ~Q(workspace__features__key__in=offered)
        ),
    )
    over = Q(not_offered__gt=0)
    if limit is not None:
        over |= Q(chosen__gt=limit)
    ids = list(surplus.filter(over).values_list("pk", flat=True))
    # A grace period already running (a failed payment's) is kept, never extended: the
    # surplus is then enforced when it ends.
    Subscription.objects.filter(pk__in=ids).filter(
        Q(grace_until__isnull=True) | Q(grace_until__lte=now)
    ).update(grace_until=grace_until, updated_at=now)
    return len(ids)


@transaction.atomic
def feature_kill_switch_set(
    *, key: str, disabled: bool, actor, reason: str = "", request=None
) -> FeatureKillSwitch:
    """Turn a feature off (or back on) for every workspace at once, for incidents. The
    gate answers "off" on the very next request everywhere; no data is touched."""
    if key not in FEATURES:
        raise BillingError(f"Unknown feature: {key}.", fields={"key": ["Unknown feature."]})
    switch, _ = FeatureKillSwitch.objects.select_for_update().get_or_create(
        key=key, defaults={"disabled": disabled}
    )
    switch.disabled = disabled
    switch.reason = reason[:255]
    switch.changed_by = actor if getattr(actor, "is_authenticated", False) else None
    # Its post_save signal drops every workspace's cached entitlements.
    switch.save(update_fields=["disabled", "reason", "changed_by", "changed_at"])
    audit_record(
        action="billing.feature_killed" if disabled else "billing.feature_revived",
        actor=actor,
        target=switch,
        data={"feature": key, "reason": reason},
        request=request,
    )
    return switch


@transaction.atomic
def subscription_renew_price(*, subscription: Subscription, actor=None) -> bool:
    """At renewal, move a subscriber onto its plan's current price version. Returns
    whether the version changed (the Stripe side then bills the new version's price)."""
    subscription = (
        Subscription.objects.select_for_update()
        .select_related("plan", "price")
        .get(pk=subscription.pk)
    )
    current = plan_price_current(plan=subscription.plan)
    if subscription.price_id == current.pk:
        return False
    previous = subscription.price
    subscription.price = current
    subscription.save(update_fields=["price", "updated_at"])
    audit_record(
        action="billing.price_renewed",
        actor=actor,
        workspace_id=subscription.workspace_id,
        target=subscription,
        data={
            "plan": subscription.plan.code,
            "from_version": previous.version,
            "to_version": current.version,
        },
    )
    return True


@dataclass(frozen=True)
class PlanChangeResult:
    subscription: Subscription
    quote: Quote
    enabled: tuple[str, ...]  # turned on (or waiting for the first payment)
    disabled: tuple[str, ...]  # turned off; their data is kept
    changed: bool
    # A paid plan without a paying Stripe subscription: send the owner to Checkout.
    needs_checkout: bool
    # A paying Stripe subscription whose price or quantity must follow (or end, on Free).
    needs_quantity_sync: bool


@transaction.atomic
def workspace_plan_change(
    *,
    workspace,
    plan: Plan,
    interval: str,
    feature_keys: Iterable[str],
    actor,
    request=None,
) -> PlanChangeResult:
    """Choose a plan, billing interval and features for a workspace.

    Turning a feature off sets it disabled and never deletes its data; turning it on
    again restores access to everything it had. On a paid plan without a paying Stripe
    subscription the subscription waits for Checkout (`incomplete`): features the
    workspace already had keep working, new ones wait for the first payment. With a
    paying subscription, changes apply now and the caller syncs Stripe's quantity.
    """
    subscription = (
        Subscription.objects.select_for_update()
        .select_related("plan", "price")
        .filter(workspace_id=workspace.pk)
        .first()
    ) or subscription_create_free(workspace=workspace)
    if not plan.is_active and plan.pk != subscription.plan_id:
        raise BillingError(
            f"The {plan.name} plan is no longer offered.",
            code=BillingErrorCode.PLAN_UNAVAILABLE,
            fields={"plan": ["This plan is no longer offered."]},
        )
    quote = workspace_quote(
        workspace=workspace,
        plan=plan,
        interval=interval,
        feature_keys=feature_keys,
        subscription=subscription,
    )
    previous = {
        "plan": subscription.plan.code,
        "interval": subscription.interval,
        "price_version": subscription.price.version,
        "status": subscription.status,
    }
    paying = bool(subscription.stripe_subscription_id) and subscription.status in PAYING_STATUSES
    # An agency's client is billed through its agency (shared_apps.billing.agency_billing):
    # it never checks out itself, and what the agency chose is on at once.
    billed_by_agency = getattr(workspace, "agency_id", None) is not None
    needs_checkout = quote.is_paid and not paying and not billed_by_agency
    if not quote.is_paid:
        status = Subscription.Status.FREE
    elif billed_by_agency:
        status = Subscription.Status.ACTIVE
    elif needs_checkout:
        status = Subscription.Status.INCOMPLETE
    else:
        status = subscription.status

    enabled, disabled = _features_write(
        workspace=workspace, selected=set(quote.feature_keys), pending=needs_checkout
    )
    fields = {
        "plan": quote.plan,
        "price": quote.price,
        "interval": quote.interval,
        "status": status,
    }
    if not quote.is_paid:
        fields["grace_until"] = None  # nothing left to collect: dunning is moot
    changed_fields = [
        name for name, value in fields.items() if getattr(subscription, name) != value
    ]
    for name in changed_fields:
        setattr(subscription, name, fields[name])
    if changed_fields:
        subscription.save(update_fields=[*changed_fields, "updated_at"])
    entitlements_reconcile(subscription=subscription)
    _workspace_plan_code_sync(workspace=workspace, plan=plan)
    entitlements_invalidate(workspace=workspace)

    changed = bool(changed_fields or enabled or disabled)
    if changed:
        audit_record(
            action="billing.plan_changed",
            actor=actor,
            workspace_id=workspace.pk,
            target=subscription,
            data={
                "from": previous,
                "to": {
                    "plan": plan.code,
                    "interval": quote.interval,
                    "price_version": quote.price.version,
                    "status": status,
                },
                "enabled": list(enabled),
                "disabled": list(disabled),
                "quantity": quote.quantity,
                "total": str(quote.total.amount),
                "currency": quote.total.currency,
                "needs_checkout": needs_checkout,
            },
            request=request,
        )
    return PlanChangeResult(
        subscription=subscription,
        quote=quote,
        enabled=enabled,
        disabled=disabled,
        changed=changed,
        needs_checkout=needs_checkout,
        # A paying subscription follows every change: its price and quantity, or its
        # end when the workspace moves to a free plan.
        needs_quantity_sync=paying and changed,
    )


def _features_write(*, workspace, selected: set[str], pending: bool):
    """Turn chosen features on (pending when they wait for a first payment) and the
    others off. Rows are kept, never deleted: a row's data belongs to its module."""
    now = timezone.now()
    rows = {
        row.key: row
        for row in WorkspaceFeature.objects.select_for_update().filter(workspace_id=workspace.pk)
    }
    to_create, to_update, enabled, disabled = [], [], [], []
    for key in FEATURES:  # catalog order, for readable audit rows
        row = rows.get(key)
        if key in selected:
            if row is None:
                row = WorkspaceFeature(workspace_id=workspace.pk, key=key, enabled=False)
                to_create.append(row)
            elif not row.enabled:
                to_update.append(row)
            elif row.state == WorkspaceFeature.State.PENDING and not pending:
                row.state = WorkspaceFeature.State.ACTIVE  # no payment needed any more
                to_update.append(row)
                continue
            else:
                continue
            row.enabled, row.enabled_at, row.disabled_at = True, now, None
            row.state = WorkspaceFeature.State.PENDING if pending else WorkspaceFeature.State.ACTIVE
            row.read_only_since = None
            enabled.append(key)
        elif row is not None and row.enabled:
            row.enabled, row.disabled_at = False, now
            row.state, row.read_only_since = WorkspaceFeature.State.ACTIVE, None
            to_update.append(row)
            disabled.append(key)
    if to_create:
        WorkspaceFeature.objects.bulk_create(to_create)
    if to_update:
        WorkspaceFeature.objects.bulk_update(
            to_update, ["enabled", "state", "enabled_at", "disabled_at", "read_only_since"]
        )
    return tuple(enabled), tuple(disabled)
