from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction

from shared_apps.platform.errors import SettingInvalidError
from shared_apps.platform.models import AuditEvent, PlatformSetting
from shared_apps.platform.selectors import platform_settings_cache_forget
from shared_apps.platform.typed import TypedValueError, typed_value_check


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


@transaction.atomic
def platform_setting_set(
    *,
    key: str,
    value: Any,
    type: str,
    actor=None,
    request=None,
    description: str | None = None,
) -> PlatformSetting:
    """Create or change a typed platform setting. The value must already be of `type`
    (a string, a number, a boolean, or any JSON value): nothing is saved otherwise.
    Audited with the old and new values (settings are not secrets: those go in the
    vault). Readers see the new value as soon as the transaction commits."""
    if type not in PlatformSetting.Type.values:
        choices = ", ".join(PlatformSetting.Type.values)
        raise SettingInvalidError(
            f"Unknown setting type {type!r}: use one of {choices}.",
            fields={"type": [f"Use one of {choices}."]},
        )
    key = (key or "").strip()
    try:
        for validator in PlatformSetting._meta.get_field("key").validators:
            validator(key)
    except ValidationError as exc:
        raise SettingInvalidError(" ".join(exc.messages), fields={"key": exc.messages}) from exc
    try:
        typed_value_check(type=type, value=value)
    except TypedValueError as exc:
        raise SettingInvalidError(f"{key}: {exc}", fields={"value": [str(exc)]}) from exc

    setting = PlatformSetting.objects.select_for_update().filter(key=key).first()
    created = setting is None
    before = None if created else {"type": setting.type, "value": setting.value}
    if created:
        setting = PlatformSetting(key=key)
    setting.type = type
    setting.value = value
    if description is not None:
        setting.description = description
    setting.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    if created:
        setting.save()
    else:
        fields = ["type", "value", "updated_by", "updated_at"]
        setting.save(update_fields=[*fields, *(["description"] if description is not None else [])])
    audit_record(
        action="console.setting_changed",
        actor=actor,
        target=setting,
        data={"key": key, "before": before, "after": {"type": type, "value": value}},
        request=request,
    )
    _platform_settings_forget()
    return setting


@transaction.atomic
def platform_setting_delete(*, setting: PlatformSetting, actor=None, request=None) -> None:
    audit_record(
        action="console.setting_deleted",
        actor=actor,
        target=setting,
        data={"key": setting.key, "before": {"type": setting.type, "value": setting.value}},
        request=request,
    )
    setting.delete()
    _platform_settings_forget()


def _platform_settings_forget() -> None:
    # Now, and again once committed: a reader between the two could otherwise put the
    # old value back in the cache for a whole timeout.
    platform_settings_cache_forget()
    transaction.on_commit(platform_settings_cache_forget)
