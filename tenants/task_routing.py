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
