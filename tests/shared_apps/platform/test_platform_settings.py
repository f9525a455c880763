"""Typed platform settings: validated by type, audited, cached, forgotten on change."""

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from shared_apps.platform.errors import SettingInvalidError
from shared_apps.platform.models import AuditEvent, PlatformSetting
from shared_apps.platform.selectors import platform_setting_get
from shared_apps.platform.services import platform_setting_set


@pytest.mark.parametrize(
    ("type_", "value"),
    [
        ("string", "Welcome aboard"),
        ("string", ""),
        ("number", 10),
        ("number", 2.5),
        ("boolean", False),
        ("json", {"limits": [1, 2], "on": True}),
        ("json", None),
    ],
)
def test_a_value_of_the_declared_type_is_saved(db, identity, type_, value):
    platform_setting_set(key="some.setting", value=value, type=type_, actor=identity)

    assert platform_setting_get("some.setting", "default") == value
    assert PlatformSetting.objects.get(key="some.setting").type == type_


@pytest.mark.parametrize(
    ("type_", "value"),
    [
        ("number", "10"),
        ("number", True),
        ("number", float("nan")),
        ("boolean", "true"),
        ("boolean", 1),
        ("string", 5),
        ("json", {1, 2}),
    ],
)
def test_a_value_of_another_type_is_refused_and_nothing_is_saved(db, identity, type_, value):
    with pytest.raises(SettingInvalidError) as error:
        platform_setting_set(key="some.setting", value=value, type=type_, actor=identity)

    assert error.value.code == "setting_invalid"
    assert "value" in error.value.fields
    assert not PlatformSetting.objects.exists()
    assert not AuditEvent.objects.filter(action="console.setting_changed").exists()


def test_a_refused_change_keeps_the_previous_value(db, identity):
    platform_setting_set(key="signup.enabled", value=True, type="boolean", actor=identity)

    with pytest.raises(SettingInvalidError):
        platform_setting_set(key="signup.enabled", value="no", type="boolean", actor=identity)

    assert platform_setting_get("signup.enabled") is True


def test_an_unknown_type_or_a_bad_key_is_refused(db, identity):
    with pytest.raises(SettingInvalidError):
        platform_setting_set(key="x", value=1, type="integer", actor=identity)
    with pytest.raises(SettingInvalidError):
        platform_setting_set(key="Not A Key", value=1, type="number", actor=identity)


def test_the_model_validates_by_type_too(db):
    setting = PlatformSetting(key="trial.days", type="number", value="fourteen")

    with pytest.raises(ValidationError) as error:
        setting.full_clean()

    assert "value" in error.value.message_dict


def test_a_missing_setting_answers_the_default(db):
    assert platform_setting_get("nothing.here", 42) == 42


def test_changes_are_audited_with_before_and_after(db, identity):
    platform_setting_set(key="trial.days", value=14, type="number", actor=identity)
    platform_setting_set(key="trial.days", value=30, type="number", actor=identity)

    last = AuditEvent.objects.filter(action="console.setting_changed").order_by("-occurred_at")[0]
    assert last.actor == identity
    assert last.data == {
        "key": "trial.days",
        "before": {"type": "number", "value": 14},
        "after": {"type": "number", "value": 30},
    }


def test_reads_are_cached_and_a_change_is_seen_at_once(db, identity, django_assert_num_queries):
    platform_setting_set(key="trial.days", value=14, type="number", actor=identity)
    assert platform_setting_get("trial.days") == 14

    with django_assert_num_queries(0):
        assert platform_setting_get("trial.days") == 14
        assert platform_setting_get("nothing.here", "x") == "x"

    platform_setting_set(key="trial.days", value=30, type="number", actor=identity)
    assert platform_setting_get("trial.days") == 30


def test_a_workspace_schema_reads_the_same_value_and_sees_changes(db, identity, alpha):
    platform_setting_set(key="trial.days", value=14, type="number", actor=identity)
    with tenant_context(alpha):
        assert platform_setting_get("trial.days") == 14

    platform_setting_set(key="trial.days", value=30, type="number", actor=identity)

    with tenant_context(alpha):
        assert platform_setting_get("trial.days") == 30


# The console pages -----------------------------------------------------------------------


def _post(console, **data):
    return console.post("/admin/platform/platformsetting/add/", data)


@pytest.mark.parametrize(
    ("type_", "text", "message"),
    [
        ("json", '{"limit": 5', "Not valid JSON"),
        ("number", "ten", "is not a number"),
        ("boolean", "maybe", "is not a boolean"),
    ],
)
def test_the_console_refuses_a_value_that_does_not_parse(console, type_, text, message):
    response = _post(console, key="some.setting", type=type_, value=text, description="")

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert len(errors["value"]) == 1
    assert message in errors["value"][0]
    assert not PlatformSetting.objects.exists()


@pytest.mark.parametrize(
    ("type_", "text", "value"),
    [
        ("json", '{"limit": 5}', {"limit": 5}),
        ("number", "2.5", 2.5),
        ("boolean", "false", False),
        ("string", " padded ", " padded "),
    ],
)
def test_the_console_saves_a_parsed_value(console, platform_owner, type_, text, value):
    response = _post(console, key="some.setting", type=type_, value=text, description="Why")

    assert response.status_code == 302
    setting = PlatformSetting.objects.get(key="some.setting")
    assert setting.value == value
    assert setting.updated_by == platform_owner
    event = AuditEvent.objects.get(action="console.setting_changed")
    assert event.ip_address == "203.0.113.7"


def test_the_console_edits_a_setting_shown_as_text(console, platform_owner):
    setting = platform_setting_set(
        key="signup.enabled", value=True, type="boolean", actor=platform_owner
    )
    url = f"/admin/platform/platformsetting/{setting.pk}/change/"

    page = console.get(url).content.decode()
    assert ">\ntrue</textarea>" in page

    console.post(url, {"type": "boolean", "value": "off", "description": ""})
    assert platform_setting_get("signup.enabled") is False


def test_the_console_deletes_a_setting_with_an_audit_row(console, platform_owner):
    setting = platform_setting_set(key="trial.days", value=1, type="number", actor=platform_owner)

    console.post(f"/admin/platform/platformsetting/{setting.pk}/delete/", {"post": "yes"})

    assert platform_setting_get("trial.days") is None
    assert AuditEvent.objects.filter(action="console.setting_deleted").count() == 1
