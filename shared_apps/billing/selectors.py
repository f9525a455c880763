"""Reads of plans, price versions, quotes, subscriptions, features and invoices.

Every price is a `config.money.Money`; a quote is exact: the per-feature price of the
price version that applies, times the number of chosen features.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from config.money import Money
from shared_apps.billing.catalog import FEATURE_GROUPS, FEATURES, Feature
from shared_apps.billing.errors import BillingError
from shared_apps.billing.models import (
    FeatureKillSwitch,
    Invoice,
    Plan,
    PlanPrice,
    Subscription,
    WorkspaceFeature,
)

# Statuses in which Stripe is billing the subscription (first payment made).
PAYING_STATUSES = frozenset({Subscription.Status.ACTIVE, Subscription.Status.PAST_DUE})
# The feature only a white-label plan offers.
WHITELABEL_FEATURE = "whitelabel"


def plan_price_current(*, plan: Plan) -> PlanPrice:
    """The newest price version: what a new subscriber (or a renewal) pays."""
    price = PlanPrice.objects.filter(plan=plan).order_by("-version").first()
    if price is None:
        raise PlanPrice.DoesNotExist(f"The {plan} plan has no price; add one in the console.")
    return price


def plan_free() -> Plan:
    """The plan every workspace starts on and falls back to when it stops paying."""
    return Plan.objects.get(code=Plan.Code.FREE)


def plans_available(*, current: Plan | None = None) -> list[Plan]:
    """Plans a workspace can choose: the active ones, and the one it is on (even if the
    platform owner has since retired it)."""
    condition = Q(is_active=True)
    if current is not None:
        condition |= Q(pk=current.pk)
    return list(Plan.objects.filter(condition).order_by("sort_order", "name"))


def plan_get_by_code(*, code: str) -> Plan | None:
    return Plan.objects.filter(code=code).first()


def plan_offered_keys(*, plan: Plan) -> frozenset[str]:
    """Features the plan lets a workspace enable. An empty `features` list means the
    whole catalog; white label only ever comes with a white-label plan."""
    keys = set(plan.features or FEATURES) & set(FEATURES)
    if not plan.is_whitelabel:
        keys.discard(WHITELABEL_FEATURE)
    return frozenset(keys)


def price_version_for(*, subscription: Subscription | None, plan: Plan, interval: str) -> PlanPrice:
    """The price version a change to (plan, interval) is billed at.

    A paying subscriber who stays on the same plan and interval keeps the version they
    signed up at until renewal (`services.subscription_renew_price`), even when they add
    features; anything else starts on the current version.
    """
    if (
        subscription is not None
        and subscription.plan_id == plan.pk
        and subscription.interval == interval
        and subscription.status in PAYING_STATUSES
    ):
        return subscription.price
    return plan_price_current(plan=plan)


def kill_switches_active() -> frozenset[str]:
    """Feature keys the platform owner has turned off everywhere."""
    return frozenset(FeatureKillSwitch.objects.filter(disabled=True).values_list("key", flat=True))


@dataclass(frozen=True)
class Quote:
    """The exact price of a plan, interval and set of features."""

    plan: Plan
    interval: str
    price: PlanPrice
    feature_keys: tuple[str, ...]  # catalog order
    per_feature: Money
    total: Money

    @property
    def quantity(self) -> int:
        return len(self.feature_keys)

    @property
    def is_paid(self) -> bool:
        """Whether this plan and interval need a Stripe subscription at all."""
        return self.per_feature.amount > 0

    @property
    def interval_label(self) -> str:
        return "year" if self.interval == Subscription.Interval.YEAR else "month"


def plan_quote(
    *,
    plan: Plan,
    interval: str,
    feature_keys: Iterable[str],
    price: PlanPrice | None = None,
    allow_killed: frozenset[str] = frozenset(),
) -> Quote:
    """Price a selection, or raise BillingError with a message per field.

    `price` is the version to bill at (default: the current one); `allow_killed` are
    keys a workspace already has on, which it may keep while a kill switch is on (it just
    cannot use them meanwhile), but nobody may newly choose a killed feature.
    """
    keys = set(feature_keys)
    problems: dict[str, list[str]] = {}
    if interval not in Subscription.Interval.values:
        problems["interval"] = ["Choose monthly or yearly billing."]
    unknown = sorted(keys - set(FEATURES))
    if unknown:
        problems.setdefault("features", []).append(f"Unknown feature: {', '.join(unknown)}.")
    known = keys & set(FEATURES)
    offered = plan_offered_keys(plan=plan)
    not_offered = [FEATURES[k].name for k in _in_catalog_order(known - offered)]
    if not_offered:
        problems.setdefault("features", []).append(
            f"Not part of the {plan.name} plan: {', '.join(not_offered)}."
        )
    if plan.feature_limit is not None and len(keys) > plan.feature_limit:
        problems.setdefault("features", []).append(
            f"The {plan.name} plan includes up to {plan.feature_limit} features; "
            f"you chose {len(keys)}."
        )
    killed = [
        FEATURES[k].name for k in _in_catalog_order((known & kill_switches_active()) - allow_killed)
    ]
    if killed:
        problems.setdefault("features", []).append(
            f"Temporarily unavailable on the platform: {', '.join(killed)}."
        )
    price = price or plan_price_current(plan=plan)
    per_feature = price.per_feature(
        interval if interval in Subscription.Interval.values else Subscription.Interval.MONTH
    )
    if not keys and per_feature.amount > 0:
        problems.setdefault("features", []).append(
            f"Choose at least one feature for the {plan.name} plan."
        )
    if problems:
        message = " ".join(message for messages in problems.values() for message in messages)
        raise BillingError(message, fields=problems)
    ordered = _in_catalog_order(keys)
    return Quote(
        plan=plan,
        interval=interval,
        price=price,
        feature_keys=ordered,
        per_feature=per_feature,
        total=per_feature * len(ordered),
    )


def _in_catalog_order(keys: Iterable[str]) -> tuple[str, ...]:
    keys = set(keys)
    return tuple(key for key in FEATURES if key in keys)


def subscription_for_workspace(*, workspace) -> Subscription | None:
    return (
        Subscription.objects.select_related("plan", "price")
        .filter(workspace_id=workspace.pk)
        .first()
    )


def workspace_enabled_keys(*, workspace) -> frozenset[str]:
    """Features the workspace has chosen (whatever their state right now)."""
    return frozenset(
        WorkspaceFeature.objects.filter(workspace_id=workspace.pk, enabled=True).values_list(
            "key", flat=True
        )
    )


def workspace_quote(
    *,
    workspace,
    plan: Plan,
    interval: str,
    feature_keys: Iterable[str],
    subscription: Subscription | None = None,
) -> Quote:
    """The quote the billing page shows and `workspace_plan_change` charges: one function,
    so the price shown is the price billed."""
    subscription = subscription or subscription_for_workspace(workspace=workspace)
    return plan_quote(
        plan=plan,
        interval=interval,
        feature_keys=feature_keys,
        price=price_version_for(subscription=subscription, plan=plan, interval=interval),
        allow_killed=workspace_enabled_keys(workspace=workspace),
    )


def subscription_billable_quantity(*, subscription: Subscription) -> int:
    """What Stripe should bill: the number of chosen features on a paid plan (Stripe's
    subscription item quantity), 0 on a free one. Read-only features are still chosen
    (and billed) until the owner turns them off."""
    if subscription.price.per_feature(subscription.interval).amount <= 0:
        return 0
    return WorkspaceFeature.objects.filter(
        workspace_id=subscription.workspace_id, enabled=True
    ).count()


@dataclass(frozen=True)
class FeatureRow:
    """One catalog entry as a workspace sees it (billing page, features API)."""

    feature: Feature
    group: str
    state: str  # the gate's answer: on, read_only or off
    enabled: bool  # chosen by the workspace
    pending: bool  # chosen on a paid plan, waiting for the first payment
    killed: bool  # turned off platform-wide
    plans: tuple[str, ...]  # codes of the active plans that offer it


def feature_rows_for_workspace(*, workspace, plans: Iterable[Plan] = ()) -> list[FeatureRow]:
    # Imported here: entitlements reads plans through this module.
    from shared_apps.billing.entitlements import entitlements_for

    entitlements = entitlements_for(workspace=workspace)
    rows = {
        row.key: row
        for row in WorkspaceFeature.objects.filter(workspace_id=workspace.pk, enabled=True)
    }
    offered_by = {plan.code: plan_offered_keys(plan=plan) for plan in plans}
    result = []
    for group, keys in FEATURE_GROUPS:
        for key in keys:
            row = rows.get(key)
            result.append(
                FeatureRow(
                    feature=FEATURES[key],
                    group=group,
                    state=entitlements.state(key),
                    enabled=row is not None,
                    pending=row is not None and row.state == WorkspaceFeature.State.PENDING,
                    killed=key in entitlements.killed,
                    plans=tuple(code for code, offered in offered_by.items() if key in offered),
                )
            )
    return result


@dataclass(frozen=True)
class InvoiceRow:
    invoice: Invoice
    amount_due: Money
    amount_paid: Money


def invoices_for_workspace(*, workspace, limit: int = 24) -> list[InvoiceRow]:
    """The workspace's latest invoices, newest first (older ones are in Stripe's portal)."""
    invoices: QuerySet[Invoice] = Invoice.objects.filter(workspace_id=workspace.pk).order_by(
        "-created_at_stripe", "-id"
    )[:limit]
    return [
        InvoiceRow(
            invoice=invoice,
            amount_due=Money(invoice.amount_due, invoice.currency),
            amount_paid=Money(invoice.amount_paid, invoice.currency),
        )
        for invoice in invoices
    ]


def workspace_ids_due_for_grace_enforcement(*, now) -> list:
    """Workspaces whose grace period has ended since it was last enforced (archived
    workspaces, which serve nothing, are left alone)."""
    from tenants.models import Workspace

    return list(
        Subscription.objects.filter(grace_until__lte=now)
        .filter(Q(grace_enforced_at__isnull=True) | Q(grace_enforced_at__lt=F("grace_until")))
        .exclude(workspace__status=Workspace.Status.ARCHIVED)
        .order_by("grace_until")
        .values_list("workspace_id", flat=True)
    )


@dataclass(frozen=True)
class PlanChangePreview:
    """What confirming a selection would do: the billing page's live summary."""

    quote: Quote
    turning_on: tuple[str, ...]
    turning_off: tuple[str, ...]
    needs_payment: bool  # Checkout comes next

    @property
    def changes(self) -> bool:
        return bool(self.turning_on or self.turning_off)


def plan_change_preview(
    *, workspace, plan: Plan, interval: str, feature_keys: Iterable[str]
) -> PlanChangePreview:
    subscription = subscription_for_workspace(workspace=workspace)
    quote = workspace_quote(
        workspace=workspace,
        plan=plan,
        interval=interval,
        feature_keys=feature_keys,
        subscription=subscription,
    )
    enabled = workspace_enabled_keys(workspace=workspace)
    paying = (
        subscription is not None
        and bool(subscription.stripe_subscription_id)
        and subscription.status in PAYING_STATUSES
    )
    chosen = set(quote.feature_keys)
    return PlanChangePreview(
        quote=quote,
        turning_on=_in_catalog_order(chosen - enabled),
        turning_off=_in_catalog_order(enabled - chosen),
        needs_payment=quote.is_paid and not paying,
    )


@dataclass(frozen=True)
class PlanCard:
    """A plan as the billing page offers it to a subscriber."""

    plan: Plan
    monthly: Money  # per feature
    yearly: Money  # per feature
    is_current: bool
    # The version the subscriber pays until renewal, when it is not the current one.
    locked: PlanPrice | None


def plan_cards(*, subscription: Subscription, plans: Iterable[Plan]) -> list[PlanCard]:
    cards = []
    for plan in plans:
        price = plan_price_current(plan=plan)
        is_current = plan.pk == subscription.plan_id
        cards.append(
            PlanCard(
                plan=plan,
                monthly=price.per_feature(Subscription.Interval.MONTH),
                yearly=price.per_feature(Subscription.Interval.YEAR),
                is_current=is_current,
                locked=subscription.price
                if is_current and subscription.price_id != price.pk
                else None,
            )
        )
    return cards
