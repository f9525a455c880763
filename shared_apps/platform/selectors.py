from django.db.models import QuerySet

from shared_apps.platform.models import AuditEvent


def audit_events_for_workspace(*, workspace_id) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(workspace_id=workspace_id).select_related("actor")
