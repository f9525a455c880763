"""Writing deferred events (services.event_deferred_capture and event_deferred_push)."""

from config.celery import app
from tenant_apps.analytics.services import event_deferred_record, event_deferred_schemas_take
from tenants.task_routing import enqueue_in_schemas


@app.task(ignore_result=True)
def analytics_deferred_record_task() -> int:
    """Drain the deferred events of the workspace this runs in; returns how many."""
    return event_deferred_record()


@app.task(ignore_result=True)
def analytics_deferred_dispatch() -> int:
    """Beat's dispatcher: one drain task in each workspace that deferred events since the
    last run. Returns how many were sent."""
    return enqueue_in_schemas(
        analytics_deferred_record_task, schema_names=event_deferred_schemas_take()
    )
