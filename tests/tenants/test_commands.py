"""The lifecycle management commands."""

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_exists

from shared_apps.platform.models import AuditEvent
from tenants.models import Domain, Workspace
from tenants.services import workspace_provision


def test_provision_command_creates_a_workspace_with_an_extra_host(identity, capsys):
    call_command(
        "workspace_provision",
        name="Zeta",
        slug="zeta",
        owner=identity.email,
        host=["zeta-shop.example.com"],
    )

    workspace = Workspace.objects.get(slug="zeta")
    assert schema_exists("ws_zeta")
    extra = Domain.objects.get(domain="zeta-shop.example.com")
    assert (extra.tenant, extra.is_verified, extra.is_primary) == (workspace, True, False)
    assert "zeta.localhost" in capsys.readouterr().out


def test_provision_command_reports_bad_input(identity):
    with pytest.raises(CommandError, match="reserved"):
        call_command("workspace_provision", name="X", slug="admin", owner=identity.email)
    with pytest.raises(CommandError, match="No identity"):
        call_command("workspace_provision", name="X", slug="xyz", owner="ghost@example.test")


def test_suspend_unsuspend_archive_cycle(alpha):
    call_command("workspace_suspend", "alpha", reason="chargeback")
    alpha.refresh_from_db()
    assert (alpha.status, alpha.status_reason) == ("suspended", "chargeback")

    call_command("workspace_unsuspend", "alpha")
    alpha.refresh_from_db()
    assert alpha.status == "active"

    call_command("workspace_archive", "alpha")
    alpha.refresh_from_db()
    assert alpha.status == "archived"
    assert list(
        AuditEvent.objects.filter(workspace_id=alpha.pk)
        .order_by("occurred_at")
        .values_list("action", flat=True)
    )[-3:] == ["workspace.suspended", "workspace.active", "workspace.archived"]


def test_invalid_status_change_is_an_error(alpha):
    with pytest.raises(CommandError, match="cannot become active"):
        call_command("workspace_unsuspend", "alpha")


def test_unknown_slug_is_an_error(db):
    with pytest.raises(CommandError, match="No workspace"):
        call_command("workspace_suspend", "nope")


def test_delete_refuses_a_wrong_confirmation_and_keeps_everything(identity):
    workspace_provision(name="Eta", slug="eta", owner=identity)

    with pytest.raises(CommandError, match="Type the workspace's slug"):
        call_command("workspace_delete", "eta", confirm="ETA")

    assert Workspace.objects.filter(slug="eta").exists()
    assert schema_exists("ws_eta")


def test_delete_asks_for_the_slug_interactively(identity, monkeypatch):
    workspace_provision(name="Eta", slug="eta", owner=identity)
    monkeypatch.setattr("builtins.input", lambda prompt: "eta")

    call_command("workspace_delete", "eta")

    assert not Workspace.objects.filter(slug="eta").exists()
    assert not Domain.objects.filter(domain__startswith="eta.").exists()
    assert not schema_exists("ws_eta")
    assert AuditEvent.objects.filter(action="workspace.deleted", data__slug="eta").exists()


def test_delete_without_confirmation_in_noninteractive_mode_is_refused(identity):
    workspace_provision(name="Eta", slug="eta", owner=identity)

    with pytest.raises(CommandError, match="--confirm"):
        call_command("workspace_delete", "eta", interactive=False)

    assert schema_exists("ws_eta")
