"""What a workspace may use right now, how the gate reads it cheaply, and the
reconciliation that moves features between active and read-only.

The snapshot
    `Entitlements` holds everything the gate needs: the subscription's status, the
    chosen features with their state, and the platform's kill switches. It rides along
    with the routing-cached workspace (`tenants.selectors._load_workspace_for_host` calls
    `entitlements_attach`), so on a warm request the gate costs a dict lookup: no
    query, no extra cache read. A separate Redis key would cost a round trip per request
    (~0.2 ms here, several per cent of a small request); the routing entry is already
    read on every request. Any change to a subscription, a workspace's features or a
    kill switch drops the affected routing entries (`entitlements_invalidate`, called by
    the services and by `shared_apps.billing.signals`), and the next request loads a
    fresh snapshot with its workspace (three queries, once). Workspaces that did not come
    through routing (Celery tasks, console code) are read from the database each time.

Reconciliation
    `entitlements_restrict` and `entitlements_restore` are the same idempotent,
    order-independent step: from the subscription's current state, decide which chosen
    features are active and which are read-only. A workspace in good standing (free, or
    paying, or past due within its grace period) is entitled to its own plan; one that
    is not (past due after grace, canceled, awaiting its first payment) falls back to the
    Free plan. Within the entitled plan, the earliest-enabled offered features fill the
    plan's limit and stay active; the rest become read-only. While `grace_until` is in
    the future nothing is restricted. Nothing is ever deleted: read-only features keep
    their data, and restoring is the same step once the state allows it.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone

from shared_apps.billing.catalog import FEATURES
from shared_apps.billing.models import FeatureKillSwitch, Subscription, WorkspaceFeature
from shared_apps.billing.selectors import PAYING_STATUSES, plan_free, plan_offered_keys
from shared_apps.platform.services import audit_record
from tenants.host_cache import forget_hosts
from tenants.models import Domain

ON = "on"
READ_ONLY = "read_only"
OFF = "off"

# The attribute the routing loader attaches the snapshot under.
ATTRIBUTE = "billing_entitlements"
CATALOG_ORDER = {key: index for index, key in enumerate(FEATURES)}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Entitlements:
    status: str
    # Chosen features → WorkspaceFeature.State (active, read_only, pending).
    features: Mapping[str, str] = field(default_factory=dict)
    killed: frozenset[str] = frozenset()

    def state(self, key: str) -> str:
        if key in self.killed:
            return OFF
        row_state = self.features.get(key)
        if row_state is None:
            return OFF
        if row_state == WorkspaceFeature.State.PENDING:
            # Also true between Stripe's confirmation and the reconciliation that
            # follows it: a paid feature never waits on our bookkeeping.
            return ON if self.status in PAYING_STATUSES else OFF
        if row_state == WorkspaceFeature.State.READ_ONLY:
            return READ_ONLY
        return ON


def entitlements_load(*, workspace_id) -> Entitlements:
    """Read the snapshot from the database (three queries)."""
    status = (
        Subscription.objects.filter(workspace_id=workspace_id)
        .values_list("status", flat=True)
        .first()
    )
    features = dict(
        WorkspaceFeature.objects.filter(workspace_id=workspace_id, enabled=True).values_list(
            "key", "state"
        )
    )
    killed = frozenset(
        FeatureKillSwitch.objects.filter(disabled=True).values_list("key", flat=True)
    )
    return Entitlements(status=status or Subscription.Status.FREE, features=features, killed=killed)


def entitlements_attach(*, workspace) -> None:
    """Called by the routing loader: the snapshot is cached with the workspace."""
    setattr(workspace, ATTRIBUTE, entitlements_load(workspace_id=workspace.pk))


def entitlements_for(*, workspace) -> Entitlements:
    attached = getattr(workspace, ATTRIBUTE, None)
    if attached is not None:
        return attached
    return entitlements_load(workspace_id=workspace.pk)


def entitlements_invalidate(*, workspace=None, workspace_id=None) -> None:
    """Forget a workspace's cached snapshot (its routing entries). Call after writing a
    Subscription or WorkspaceFeature with `update()`/`bulk_update()`; plain `save()`s
    are caught by shared_apps.billing.signals."""
    if workspace is not None:
        # The rest of this request reads the database, not the snapshot it started with.
        workspace.__dict__.pop(ATTRIBUTE, None)
        workspace_id = workspace.pk
    hosts = list(Domain.objects.filter(tenant_id=workspace_id).values_list("domain", flat=True))
    _forget(hosts)


def entitlements_invalidate_everywhere() -> None:
    """Kill switches apply to every workspace at once: drop every routing entry. The
    next request to each host reloads it (an incident tool, so rare)."""
    _forget(list(Domain.objects.values_list("domain", flat=True)))


def _forget(hosts: list[str]) -> None:
    # Now (later reads in this transaction) and after commit (a request that read the
    # old rows meanwhile may have cached them again).
    forget_hosts(hosts)
    transaction.on_commit(lambda: forget_hosts(hosts))


@dataclass(frozen=True)
class Reconciliation:
    activated: tuple[str, ...] = ()  # pending features whose first payment arrived
    restricted: tuple[str, ...] = ()  # active → read-only
    restored: tuple[str, ...] = ()  # read-only → active

    @property
    def changed(self) -> bool:
        return bool(self.activated or self.restricted or self.restored)


def in_good_standing(*, subscription: Subscription, now=None) -> bool:
    """Entitled to its own plan: free, paying, or past due but within its grace."""
    now = now or timezone.now()
    if subscription.status in (Subscription.Status.FREE, Subscription.Status.ACTIVE):
        return True
    if subscription.status == Subscription.Status.PAST_DUE:
        return subscription.grace_until is not None and now < subscription.grace_until
    return False


def entitlements_reconcile(*, subscription: Subscription, now=None) -> Reconciliation:
    """Bring a workspace's features in line with its subscription. Idempotent. The
    caller holds the subscription row locked (select_for_update)."""
    now = now or timezone.now()
    # Earliest enabled first; features enabled together in catalog order.
    rows = sorted(
        WorkspaceFeature.objects.select_for_update().filter(
            workspace_id=subscription.workspace_id, enabled=True
        ),
        key=lambda row: (row.enabled_at or EPOCH, CATALOG_ORDER.get(row.key, len(CATALOG_ORDER))),
    )
    plan = subscription.plan if in_good_standing(subscription=subscription, now=now) else None
    plan = plan or plan_free()
    offered, limit = plan_offered_keys(plan=plan), plan.feature_limit
    in_grace = subscription.grace_until is not None and now < subscription.grace_until
    paying = subscription.status in PAYING_STATUSES

    activated, restricted, restored, changed_rows = [], [], [], []
    kept = 0
    for row in rows:
        if row.state == WorkspaceFeature.State.PENDING:
            if not paying:
                continue  # off until the first payment; takes no slot meanwhile
            row.state = WorkspaceFeature.State.ACTIVE
            activated.append(row.key)
            changed_rows.append(row)
            previous = WorkspaceFeature.State.ACTIVE
        else:
            previous = row.state
        fits = row.key in offered and (limit is None or kept < limit)
        if fits:
            kept += 1
        if fits and previous == WorkspaceFeature.State.READ_ONLY:
            row.state, row.read_only_since = WorkspaceFeature.State.ACTIVE, None
            restored.append(row.key)
            changed_rows.append(row)
        elif not fits and previous == WorkspaceFeature.State.ACTIVE and not in_grace:
            row.state, row.read_only_since = WorkspaceFeature.State.READ_ONLY, now
            restricted.append(row.key)
            if row not in changed_rows:
                changed_rows.append(row)
    if changed_rows:
        WorkspaceFeature.objects.bulk_update(changed_rows, ["state", "read_only_since"])
        entitlements_invalidate(workspace_id=subscription.workspace_id)
    if (
        subscription.grace_until is not None
        and subscription.grace_until <= now
        and (
            subscription.grace_enforced_at is None
            or subscription.grace_enforced_at < subscription.grace_until
        )
    ):
        subscription.grace_enforced_at = now
        subscription.save(update_fields=["grace_enforced_at", "updated_at"])
    return Reconciliation(tuple(activated), tuple(restricted), tuple(restored))


@transaction.atomic
def entitlements_restrict(*, workspace, reason: str, actor=None, request=None) -> Reconciliation:
    """Put the features the workspace is no longer entitled to into read-only mode (after
    a failed payment's grace period, a cancellation, a lower plan limit). Idempotent and
    safe out of order: it acts on the subscription's current state, so it may also
    restore features if the state has meanwhile improved."""
    return _reconcile_and_audit(workspace=workspace, reason=reason, actor=actor, request=request)


@transaction.atomic
def entitlements_restore(*, workspace, actor=None, request=None) -> Reconciliation:
    """Give back what the subscription's current state allows (after a payment, an
    upgrade). Idempotent; the same step as `entitlements_restrict`."""
    return _reconcile_and_audit(workspace=workspace, reason="", actor=actor, request=request)


def _reconcile_and_audit(*, workspace, reason: str, actor, request) -> Reconciliation:
    subscription = (
        Subscription.objects.select_for_update()
        .select_related("plan")
        .filter(workspace_id=workspace.pk)
        .first()
    )
    if subscription is None:
        return Reconciliation()
    result = entitlements_reconcile(subscription=subscription)
    if result.changed:
        action = "billing.features_restricted" if result.restricted else "billing.features_restored"
        audit_record(
            action=action,
            actor=actor,
            workspace_id=workspace.pk,
            target=subscription,
            data={
                "reason": reason,
                "status": subscription.status,
                "activated": list(result.activated),
                "restricted": list(result.restricted),
                "restored": list(result.restored),
            },
            request=request,
        )
    if workspace is not None:
        workspace.__dict__.pop(ATTRIBUTE, None)
    return result
