from typing import Any

from django.db import models

from shared_apps.platform.models import AuditEvent


def audit_record(
    *,
    action: str,
    actor=None,
    workspace_id=None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """The one event recorder for control-plane audit rows."""
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_email=actor.email if actor else "",
        workspace_id=workspace_id,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
    )
