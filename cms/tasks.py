from django.db import connection

from cms.services import site_hostname_set
from config.celery import app


@app.task(max_retries=3, default_retry_delay=10)
def site_hostname_sync(*, hostname: str, port: int) -> str:
    """Keep the workspace's Wagtail site on its primary host. Runs in the schema that
    sent it; returns that schema's name so callers can see where it ran."""
    site_hostname_set(hostname=hostname, port=port)
    return connection.schema_name
