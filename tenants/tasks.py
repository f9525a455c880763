"""Background work on the control plane. These tasks run in the public schema: domains
are public rows, and no workspace schema is needed to check a host's DNS."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from config.celery import app
from tenants.domains import custom_domain_verify, domain_is_default, domain_recheck_window_start
from tenants.models import Domain
from tenants.selectors import custom_domain_ids_due_for_check
from tenants.snapshots import snapshot_build

# A check finishes a little after the dispatcher that queued it started, so six hours
# later that host's last check is a little *less* than six hours old. Without this
# margin every host would wait for the run after next.
RECHECK_MARGIN = timedelta(minutes=10)


# No retries: a DNS lookup that gets no answer is recorded, not raised, and the next
# scheduled run tries again.
@app.task
def custom_domain_verify_task(domain_id: int) -> str | None:
    """Check one host's DNS proof; returns its status (None if it is gone)."""
    domain = Domain.objects.select_related("tenant").filter(pk=domain_id).first()
    if domain is None or domain_is_default(domain):  # removed since it was queued
        return None
    return custom_domain_verify(domain=domain).status


@app.task
def custom_domains_recheck() -> int:
    """Beat's dispatcher: one verification task per host that is due. Returns how many."""
    now = timezone.now()
    domain_ids = custom_domain_ids_due_for_check(
        checked_before=now - settings.CUSTOM_DOMAIN_RECHECK_INTERVAL + RECHECK_MARGIN,
        unverified_since=domain_recheck_window_start(now=now),
    )
    # Sent from public whatever schema this worker process last used: tenant-schemas-
    # celery runs a task in the schema current when it was sent.
    with schema_context(get_public_schema_name()):
        for domain_id in domain_ids:
            custom_domain_verify_task.delay(domain_id=domain_id)
    return len(domain_ids)


# No retries: a failed build is recorded on the snapshot (FAILED, with the reason) and
# the person asks again; a build is one transaction, so a retry would start clean anyway.
@app.task
def snapshot_build_task(snapshot_id: str) -> str | None:
    """Build a snapshot made with `snapshot_create(defer=True)`; returns its status."""
    snapshot = snapshot_build(snapshot_id=snapshot_id)
    return snapshot.status if snapshot is not None else None


@app.task
def agency_host_verify_task(agency_host_id: int) -> str | None:
    """Check one agency dashboard host's DNS proof; returns its status (None if gone)."""
    from tenants.agency_services import agency_host_verify
    from tenants.models import AgencyHost

    agency_host = AgencyHost.objects.select_related("agency").filter(pk=agency_host_id).first()
    if agency_host is None:
        return None
    return agency_host_verify(agency_host=agency_host).status


@app.task
def agency_hosts_recheck() -> int:
    """Beat's dispatcher for agency dashboard hosts, by the custom-domain rule: verified
    hosts are re-checked every interval (a lost proof stops routing), unverified ones are
    tried again for a while. Returns how many were sent."""
    from tenants.agency_selectors import agency_host_ids_due_for_check

    now = timezone.now()
    host_ids = agency_host_ids_due_for_check(
        checked_before=now - settings.CUSTOM_DOMAIN_RECHECK_INTERVAL + RECHECK_MARGIN,
        unverified_since=domain_recheck_window_start(now=now),
    )
    with schema_context(get_public_schema_name()):
        for host_id in host_ids:
            agency_host_verify_task.delay(agency_host_id=host_id)
    return len(host_ids)
