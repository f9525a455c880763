"""Provisioning clones the template schema, then seeds the workspace."""

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django_tenants.utils import schema_context, schema_exists, tenant_context
from wagtail.models import Site

from cms.models import HomePage
from shared_apps.accounts.models import User
from shared_apps.platform.models import AuditEvent
from tenants.errors import TemplateSchemaMissingError, WorkspaceSlugError
from tenants.models import Domain, Membership, Workspace
from tenants.services import workspace_provision


def test_provision_creates_schema_domain_and_owner_membership(identity):
    workspace = workspace_provision(name="Gamma Goods", slug="gamma-goods", owner=identity)

    assert workspace.schema_name == "ws_gamma_goods"
    assert schema_exists("ws_gamma_goods")
    domain = Domain.objects.get(tenant=workspace)
    assert (domain.domain, domain.is_primary, domain.is_verified) == (
        f"gamma-goods.{settings.PLATFORM_DOMAIN}",
        True,
        True,
    )
    membership = Membership.objects.get(workspace=workspace)
    assert (membership.identity, membership.role) == (identity, Membership.Role.OWNER)
    assert membership.joined_at is not None


def test_provision_seeds_site_home_page_and_owner_mirror(identity):
    workspace = workspace_provision(name="Gamma Goods", slug="gamma", owner=identity)

    with tenant_context(workspace):
        site = Site.objects.get(is_default_site=True)
        assert site.hostname == f"gamma.{settings.PLATFORM_DOMAIN}"
        assert site.site_name == "Gamma Goods"
        assert isinstance(site.root_page.specific, HomePage)
        assert site.root_page.title == "Gamma Goods"
        mirror = User.objects.get(identity_id=identity.uuid)
        assert mirror.email == identity.email
        assert mirror.is_superuser and mirror.is_staff
        assert not mirror.has_usable_password()
        assert Site.objects.count() == 1


def test_provision_is_audited(identity):
    workspace = workspace_provision(name="Gamma", slug="gamma", owner=identity)

    event = AuditEvent.objects.get(action="workspace.provisioned", workspace_id=workspace.pk)
    assert event.actor == identity


def test_provisioned_schema_does_not_share_rows_with_the_template(identity):
    workspace = workspace_provision(name="Gamma", slug="gamma", owner=identity)

    with schema_context(settings.TENANT_BASE_SCHEMA):
        assert not User.objects.filter(identity_id=identity.uuid).exists()
    with tenant_context(workspace):
        assert User.objects.filter(identity_id=identity.uuid).exists()


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("ab", "3 to 40"),
        ("ac me", "lowercase"),
        ("acme-", "lowercase"),
        ("1acme", "lowercase"),
        ("ac--me", "lowercase"),
        ("acme_co", "lowercase"),
        ("admin", "reserved"),
        ("www", "reserved"),
        ("alpha", "taken"),
    ],
)
def test_bad_slugs_are_refused_and_nothing_is_created(identity, slug, message):
    before = Workspace.objects.count()

    with pytest.raises(WorkspaceSlugError) as caught:
        workspace_provision(name="Nope", slug=slug, owner=identity)

    assert message in caught.value.message
    assert "slug" in caught.value.fields
    assert Workspace.objects.count() == before


def test_blank_name_is_refused(identity):
    with pytest.raises(WorkspaceSlugError) as caught:
        workspace_provision(name="   ", slug="fine-slug", owner=identity)

    assert "name" in caught.value.fields


def test_missing_template_schema_fails_loudly_and_leaves_nothing(identity):
    with (
        override_settings(TENANT_BASE_SCHEMA="no_such_template"),
        pytest.raises(TemplateSchemaMissingError) as caught,
    ):
        workspace_provision(name="Delta", slug="delta", owner=identity)

    assert "migrate_platform" in caught.value.message
    assert not Workspace.objects.filter(slug="delta").exists()
    assert not schema_exists("ws_delta")


def test_failure_while_seeding_rolls_back_row_domain_and_schema(identity, monkeypatch):
    def broken_seed(**kwargs):
        raise RuntimeError("seed failed")

    monkeypatch.setattr("tenants.services.site_initialize", broken_seed)

    with pytest.raises(RuntimeError):
        workspace_provision(name="Epsilon", slug="epsilon", owner=identity)

    connection.set_schema_to_public()
    assert not Workspace.objects.filter(slug="epsilon").exists()
    assert not Domain.objects.filter(domain__startswith="epsilon.").exists()
    assert not schema_exists("ws_epsilon")


def test_template_schema_has_every_workspace_migration_applied(db):
    """Cloning copies django_migrations too, so the template must be current."""
    with schema_context(settings.TENANT_BASE_SCHEMA):
        executor = MigrationExecutor(connection)
        tenant_labels = {
            config.label for config in apps.get_app_configs() if config.name in settings.TENANT_APPS
        }
        targets = [node for node in executor.loader.graph.leaf_nodes() if node[0] in tenant_labels]
        plan = executor.migration_plan(targets)

    assert plan == []
