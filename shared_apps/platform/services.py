from typing import Any

from django.conf import settings
from django.db import models

from shared_apps.platform.models import AuditEvent


def audit_record(
    *,
    action: str,
    actor=None,
    workspace_id=None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    request=None,
) -> AuditEvent:
    """The one event recorder for control-plane audit rows. Pass `request` when a
    person's request caused the event: the trail then says from where."""
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        ip_address=client_address(request) if request is not None else None,
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:255] if request is not None else ""),
        action=action,
        actor=actor,
        actor_email=actor.email if actor else "",
        workspace_id=workspace_id,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
    )


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the address the trusted proxies saw.

    X-Forwarded-For is only believed for as many hops as TRUSTED_PROXY_COUNT says
    proxies append to it; otherwise anyone could claim any address.
    """
    trusted = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if trusted:
        hops = [
            h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()
        ]
        if len(hops) >= trusted:
            return hops[-trusted]
    return request.META.get("REMOTE_ADDR") or None
