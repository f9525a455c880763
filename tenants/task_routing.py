"""Sending Celery tasks so they run in the right schema.

tenant-schemas-celery stamps the *current* schema on a task when it is sent. A task
sent from `transaction.on_commit` is sent later, when the connection may have moved to
another schema, so these helpers capture the schema at call time and re-enter it.
"""

from django.db import connection, transaction
from django_tenants.utils import schema_context, tenant_context


def enqueue_on_commit(task, /, **kwargs) -> None:
    """Send `task` after the current transaction commits, in the schema current now."""
    schema_name = connection.schema_name

    def send():
        with schema_context(schema_name):
            task.delay(**kwargs)

    transaction.on_commit(send)


def enqueue_in_workspace(task, /, *, workspace, **kwargs) -> None:
    # Crosses schemas: control-plane code (a domain change) asks for work inside a
    # workspace schema, after its own transaction has committed.
    def send():
        with tenant_context(workspace):
            task.delay(**kwargs)

    transaction.on_commit(send)


def enqueue_in_schemas(task, /, *, schema_names, **kwargs) -> int:
    """Send `task` now, once in each workspace schema named; names that are not (or no
    longer) a workspace's are skipped. Returns how many were sent."""
    # Crosses schemas: a control-plane dispatcher (beat) fans work out to workspaces.
    from tenants.models import Workspace

    known = Workspace.objects.filter(schema_name__in=list(schema_names)).values_list(
        "schema_name", flat=True
    )
    sent = 0
    for schema_name in known:
        with schema_context(schema_name):
            task.delay(**kwargs)
        sent += 1
    return sent
