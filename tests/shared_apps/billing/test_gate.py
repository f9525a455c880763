"""The gate's answers (on / read_only / off) and its check for Celery tasks."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from config.celery import app
from shared_apps.billing.errors import FeatureDisabledError, FeatureReadOnlyError
from shared_apps.billing.gate import feature_require, feature_require_in_task, feature_state
from shared_apps.billing.models import WorkspaceFeature
from shared_apps.billing.services import feature_kill_switch_set
from tests.shared_apps.billing.support import PROFESSIONAL, choose, payment_fails, set_state


def test_states(alpha, owner):
    choose(alpha, "crm", "store", "ai", actor=owner)
    set_state(alpha, "store", WorkspaceFeature.State.READ_ONLY)
    feature_kill_switch_set(key="ai", disabled=True, actor=owner)

    assert feature_state(workspace=alpha, key="crm") == "on"
    assert feature_state(workspace=alpha, key="store") == "read_only"
    assert feature_state(workspace=alpha, key="ai") == "off"  # killed
    assert feature_state(workspace=alpha, key="courses") == "off"  # never chosen
    assert feature_state(workspace=None, key="crm") == "off"


def test_unknown_keys_are_an_error(alpha):
    with pytest.raises(KeyError):
        feature_state(workspace=alpha, key="teleport")


def test_pending_features_are_off_until_paid_and_stay_on_when_past_due(alpha, owner):
    choose(alpha, "crm", plan_code=PROFESSIONAL, actor=owner)
    assert feature_state(workspace=alpha, key="crm") == "off"

    subscription = alpha.subscription
    subscription.refresh_from_db()
    subscription.status, subscription.stripe_subscription_id = "active", "sub_x"
    subscription.save()
    assert feature_state(workspace=alpha, key="crm") == "on"  # even before reconciling

    payment_fails(alpha, grace_until=timezone.now() + timedelta(days=7))
    assert feature_state(workspace=alpha, key="crm") == "on"


def test_feature_require_raises_the_specific_errors(alpha, owner):
    choose(alpha, "crm", "store", actor=owner)
    set_state(alpha, "store", WorkspaceFeature.State.READ_ONLY)

    assert feature_require(workspace=alpha, key="crm", write=True) == "on"
    assert feature_require(workspace=alpha, key="store") == "read_only"
    with pytest.raises(FeatureReadOnlyError) as read_only:
        feature_require(workspace=alpha, key="store", write=True)
    with pytest.raises(FeatureDisabledError) as disabled:
        feature_require(workspace=alpha, key="courses")

    assert (read_only.value.status, read_only.value.code) == (403, "feature_read_only")
    assert (disabled.value.status, disabled.value.code) == (403, "feature_disabled")
    assert disabled.value.feature_key == "courses"


def test_the_task_check_reads_the_workspace_the_task_runs_in(alpha, beta, owner):
    choose(alpha, "email_marketing", actor=owner)

    with tenant_context(alpha):
        assert feature_require_in_task("email_marketing") == "on"
    with tenant_context(beta), pytest.raises(FeatureDisabledError):
        feature_require_in_task("email_marketing")


def test_the_task_check_refuses_writes_in_read_only_mode(alpha, owner):
    choose(alpha, "email_marketing", actor=owner)
    set_state(alpha, "email_marketing", WorkspaceFeature.State.READ_ONLY)

    with tenant_context(alpha):
        with pytest.raises(FeatureReadOnlyError):
            feature_require_in_task("email_marketing")
        assert feature_require_in_task("email_marketing", write=False) == "read_only"


def test_the_task_check_in_the_public_schema_is_a_bug(db):
    with pytest.raises(RuntimeError, match="public schema"):
        feature_require_in_task("crm")


@app.task(name="tests.billing.campaign_send")
def campaign_send() -> str:
    """What a module's task does first: stop if its feature is off."""
    try:
        feature_require_in_task("email_marketing")
    except FeatureDisabledError:
        return "skipped"
    return "sent"


def test_a_celery_task_sent_from_a_workspace_checks_that_workspace(alpha, beta, owner):
    choose(alpha, "email_marketing", actor=owner)

    # Celery runs the task in the schema it was sent from (tenant-schemas-celery).
    with tenant_context(alpha):
        assert campaign_send.apply().get() == "sent"
    with tenant_context(beta):
        assert campaign_send.apply().get() == "skipped"
