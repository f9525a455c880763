"""Workspaces in the console: find them, see them, suspend / unsuspend / archive them
with a reason, through the audited tenants services only."""

from shared_apps.billing.models import Plan, Subscription, WorkspaceFeature
from shared_apps.platform.models import AuditEvent
from tenants.models import Domain, Workspace
from tenants.services import workspace_suspend
from tests.shared_apps.platform.conftest import action_post

LIST = "/admin/tenants/workspace/"


def _listed(response) -> set[str]:
    return {w.slug for w in response.context["cl"].result_list}


def test_the_list_searches_by_name_slug_and_host(console, alpha, beta):
    Domain.objects.create(tenant=beta, domain="shop.beta-example.test", is_verified=True)

    assert _listed(console.get(LIST, {"q": "Alpha"})) == {"alpha"}
    assert _listed(console.get(LIST, {"q": "beta"})) == {"beta"}
    assert _listed(console.get(LIST, {"q": "shop.beta-example"})) == {"beta"}


def test_the_list_filters_by_status_and_plan(console, alpha, beta):
    workspace_suspend(workspace=beta, reason="test")
    # billing keeps plan_code in step with the subscription's plan: move both
    Subscription.objects.filter(workspace=alpha).update(plan=Plan.objects.get(code="professional"))
    Workspace.objects.filter(pk=alpha.pk).update(plan_code="professional")

    assert _listed(console.get(LIST, {"status__exact": "suspended"})) == {"beta"}
    assert _listed(console.get(LIST, {"plan": "professional"})) == {"alpha"}
    assert "beta" in _listed(console.get(LIST, {"plan": "free"}))


def test_the_detail_shows_owner_hosts_features_and_storage(console, alpha, owner):
    WorkspaceFeature.objects.create(workspace=alpha, key="courses")

    page = console.get(f"{LIST}{alpha.pk}/change/").content.decode()

    assert owner.email in page
    assert "alpha.localhost" in page
    assert "courses" in page
    assert f"tables of schema <code>{alpha.schema_name}</code>" in page
    assert "Uploaded media files are not included" in page
    enabled = WorkspaceFeature.objects.filter(workspace=alpha, enabled=True).count()
    assert f"{enabled} feature(s) enabled" in page


def test_the_storage_figure_is_the_schema_size(console, alpha):
    from shared_apps.platform.selectors import workspace_storage

    size = workspace_storage(schema_name=alpha.schema_name)

    assert size.tables > 10
    assert size.database_bytes > 0
    assert workspace_storage(schema_name="no_such_schema").database_bytes == 0


def test_suspending_asks_for_a_reason_first(console, alpha):
    page = action_post(console, LIST, "suspend_selected", [alpha.pk])

    assert page.status_code == 200
    assert "Suspend these workspaces?" in page.content.decode()
    assert 'name="reason"' in page.content.decode()
    alpha.refresh_from_db()
    assert alpha.status == Workspace.Status.ACTIVE


def test_suspending_without_a_reason_changes_nothing(console, alpha):
    page = action_post(console, LIST, "suspend_selected", [alpha.pk], post="yes", reason="  ")

    assert page.status_code == 200
    assert page.context["form"].errors["reason"]
    alpha.refresh_from_db()
    assert alpha.status == Workspace.Status.ACTIVE
    assert not AuditEvent.objects.filter(action="workspace.suspended").exists()


def test_suspending_with_a_reason_suspends_and_audits_it(console, alpha, platform_owner):
    response = action_post(
        console, LIST, "suspend_selected", [alpha.pk], post="yes", reason="Chargeback fraud"
    )

    assert response.status_code == 302
    alpha.refresh_from_db()
    assert alpha.status == Workspace.Status.SUSPENDED
    assert alpha.status_reason == "Chargeback fraud"
    event = AuditEvent.objects.get(action="workspace.suspended")
    assert event.actor == platform_owner
    assert event.workspace_id == alpha.pk
    assert event.data == {"from": "active", "reason": "Chargeback fraud"}
    assert event.ip_address == "203.0.113.7"
    # one row: the service's own, not a second one from the console
    assert AuditEvent.objects.filter(workspace_id=alpha.pk, action__contains="suspend").count() == 1


def test_unsuspending_records_its_reason(console, alpha, platform_owner):
    workspace_suspend(workspace=alpha, reason="Unpaid")

    action_post(console, LIST, "unsuspend_selected", [alpha.pk], post="yes", reason="Paid now")

    alpha.refresh_from_db()
    assert alpha.status == Workspace.Status.ACTIVE
    assert alpha.status_reason == ""
    event = AuditEvent.objects.get(action="workspace.active")
    assert event.data == {"from": "suspended", "reason": "Paid now"}
    assert event.actor == platform_owner


def test_archiving_with_a_reason(console, beta):
    action_post(console, LIST, "archive_selected", [beta.pk], post="yes", reason="Closed")

    beta.refresh_from_db()
    assert beta.status == Workspace.Status.ARCHIVED
    assert AuditEvent.objects.get(action="workspace.archived").data["reason"] == "Closed"


def test_a_refused_transition_is_reported_not_raised(console, alpha):
    response = action_post(
        console, LIST, "unsuspend_selected", [alpha.pk], post="yes", reason="x", follow=True
    )

    assert response.status_code == 200
    assert "it cannot become active" in response.content.decode()


def test_the_detail_page_offers_the_actions_for_its_status(console, alpha):
    page = console.get(f"{LIST}{alpha.pk}/change/").content.decode()

    assert 'value="suspend_selected"' in page
    assert 'value="archive_selected"' in page
    assert 'value="unsuspend_selected"' not in page


def test_the_detail_page_button_leads_to_the_reason_page(console, alpha):
    # The button posts the action without the action bar's "index" field.
    response = console.post(LIST, {"action": "suspend_selected", "_selected_action": alpha.pk})

    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()


def test_status_and_records_cannot_be_edited_directly(console, alpha):
    change = console.post(f"{LIST}{alpha.pk}/change/", {"name": "Renamed", "status": "suspended"})

    assert change.status_code == 403
    assert console.get(f"{LIST}add/").status_code == 403
    assert console.get(f"{LIST}{alpha.pk}/delete/").status_code == 403
    alpha.refresh_from_db()
    assert (alpha.name, alpha.status) == ("Alpha Co", Workspace.Status.ACTIVE)


def test_a_platform_snapshot_is_made_from_the_console_and_audited(console, alpha, platform_owner):
    from tenants.models import Snapshot
    from tenants.snapshots import snapshots_platform

    response = action_post(
        console, LIST, "snapshot_selected", [alpha.pk], post="yes", reason="Starter for gyms"
    )

    assert response.status_code == 302
    snapshot = Snapshot.objects.get(source_workspace_id=alpha.pk)
    assert snapshot.agency_id is None
    assert snapshot.status == Snapshot.Status.READY
    assert (snapshot.name, snapshot.description) == ("Alpha Co template", "Starter for gyms")
    assert snapshot in snapshots_platform()
    event = AuditEvent.objects.get(action="snapshot.created")
    assert event.actor == platform_owner


def test_the_snapshot_action_asks_before_copying(console, alpha):
    from tenants.models import Snapshot

    page = action_post(console, LIST, "snapshot_selected", [alpha.pk])

    assert page.status_code == 200
    assert "Make snapshots" in page.content.decode()
    assert not Snapshot.objects.exists()
