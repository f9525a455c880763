"""The Celery app. Tasks run in the schema that sent them (tenant-schemas-celery)."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = CeleryApp("mewayz")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
