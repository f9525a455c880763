"""Billing's periodic work. Runs in the public schema: subscriptions and features are
control-plane rows."""

from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from config.celery import app
from shared_apps.billing.entitlements import entitlements_restrict
from shared_apps.billing.selectors import workspace_ids_due_for_grace_enforcement
from shared_apps.billing.stripe_billing import StripeUnavailableError
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


@app.task
def agency_invoices_issue() -> int:
    """Beat's monthly dispatcher: one task per active agency, billing it for the
    calendar month that just ended. Returns how many were sent."""
    from shared_apps.billing.agency_billing import previous_month
    from tenants.agency_selectors import agency_ids_active

    start, end = previous_month(today=timezone.localdate())
    agency_ids = agency_ids_active()
    with schema_context(get_public_schema_name()):
        for agency_id in agency_ids:
            agency_invoice_issue.delay(
                agency_id=str(agency_id), period_start=start.isoformat(), period_end=end.isoformat()
            )
    return len(agency_ids)


# Stripe outages are worth waiting for; the run is idempotent, so a retry resumes it.
@app.task(
    autoretry_for=(StripeUnavailableError,),
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=8,
)
def agency_invoice_issue(*, agency_id: str, period_start: str, period_end: str) -> str | None:
    """Bill one agency for one period; returns the invoice's status (None if the agency
    is gone)."""
    from datetime import date

    from shared_apps.billing.agency_billing import agency_invoice_create
    from tenants.models import Agency

    agency = Agency.objects.filter(pk=agency_id).first()
    if agency is None:
        return None
    return agency_invoice_create(
        agency=agency,
        period_start=date.fromisoformat(period_start),
        period_end=date.fromisoformat(period_end),
    ).status
