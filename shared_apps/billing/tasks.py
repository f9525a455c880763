"""Billing's periodic work. Runs in the public schema: subscriptions and features are
control-plane rows."""

from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from config.celery import app
from shared_apps.billing.entitlements import entitlements_restrict
from shared_apps.billing.selectors import workspace_ids_due_for_grace_enforcement
from tenants.models import Workspace


@app.task
def subscriptions_enforce_grace() -> int:
    """Beat's hourly dispatcher: one task per workspace whose grace period (a failed
    payment's, or a plan narrowed under it) has ended and not yet been enforced.
    Returns how many were sent."""
    workspace_ids = workspace_ids_due_for_grace_enforcement(now=timezone.now())
    # Sent from public whatever schema this worker last used: tenant-schemas-celery runs
    # a task in the schema current when it was sent.
    with schema_context(get_public_schema_name()):
        for workspace_id in workspace_ids:
            entitlements_enforce.delay(workspace_id=str(workspace_id))
    return len(workspace_ids)


@app.task
def entitlements_enforce(*, workspace_id: str) -> list[str]:
    """Apply the restriction due to one workspace (idempotent: a retry, or a second
    dispatch, changes nothing more). Returns the features made read-only."""
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None:  # deleted since it was queued
        return []
    return list(entitlements_restrict(workspace=workspace, reason="grace_period_ended").restricted)
