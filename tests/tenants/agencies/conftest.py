"""Two agencies with staff, verified dashboard hosts and client workspaces, made once for
this package through the real services (provisioning clones a schema: ~0.3 s a client)
and removed again when the package is done, so later tests see only alpha and beta.

Agency A ("Northwind", host app.northwind.test): owner, admin and staff identities;
clients "nw-bloom" (Professional, 3 features; the staff member belongs to it) and
"nw-yoga" (Free). Agency B ("Southwind", host app.southwind.test): an owner and the
client "sw-cafe".
"""

from dataclasses import dataclass

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tests.factories import IdentityFactory
from tests.fakes.stripe_api import (  # noqa: F401  (fixtures for this package's tests)
    stripe_api,
    stripe_api_server,
    stripe_tasks_eager,
)

HOST_A = "app.northwind.test"
HOST_B = "app.southwind.test"


@dataclass
class AgencyWorld:
    platform_owner_id: int
    agency_a_id: object
    agency_b_id: object
    owner_a_id: int
    admin_a_id: int
    staff_a_id: int
    owner_b_id: int
    client_member_id: int
    bloom_id: object
    yoga_id: object
    cafe_id: object


def agency_make(*, name: str, slug: str, owner, platform_owner, host: str | None = None):
    """An agency through the service, its host trusted as verified (as the console does)."""
    from tenants.agency_services import agency_create, agency_host_add

    agency = agency_create(name=name, slug=slug, actor=platform_owner, owner=owner)
    if host:
        agency_host_add(agency=agency, host=host, actor=platform_owner, verified=True)
    return agency


def agency_client_make(*, agency, name: str, slug: str, owner, plan_code="free", features=()):
    """A client workspace of `agency`, provisioned by cloning like production, on a plan."""
    from shared_apps.billing.models import Plan
    from shared_apps.billing.services import workspace_plan_change
    from tenants.services import workspace_provision

    client = workspace_provision(name=name, slug=slug, owner=owner, agency=agency)
    workspace_plan_change(
        workspace=client,
        plan=Plan.objects.get(code=plan_code),
        interval="month",
        feature_keys=features,
        actor=owner,
    )
    return client


@pytest.fixture(scope="package")
def agency_world(django_db_setup, django_db_blocker):
    from shared_apps.accounts.models import User
    from tenants.agency_services import agency_staff_add
    from tenants.models import Agency, AgencyMembership, Membership, Workspace
    from tenants.services import membership_mirror_sync_in_workspace, workspace_delete

    with django_db_blocker.unblock(), schema_context("public"):
        platform_owner = IdentityFactory(email="root@agency.test", is_superuser=True)
        owner_a = IdentityFactory(email="owner@northwind.test", first_name="Nora")
        admin_a = IdentityFactory(email="admin@northwind.test")
        staff_a = IdentityFactory(email="staff@northwind.test")
        owner_b = IdentityFactory(email="owner@southwind.test")
        client_member = IdentityFactory(email="florist@bloom.test")
        agency_a = agency_make(
            name="Northwind Digital",
            slug="northwind",
            owner=owner_a,
            platform_owner=platform_owner,
            host=HOST_A,
        )
        agency_b = agency_make(
            name="Southwind Studio",
            slug="southwind",
            owner=owner_b,
            platform_owner=platform_owner,
            host=HOST_B,
        )
        agency_staff_add(agency=agency_a, email=admin_a.email, role="admin", actor=owner_a)
        agency_staff_add(agency=agency_a, email=staff_a.email, role="staff", actor=owner_a)
        bloom = agency_client_make(
            agency=agency_a,
            name="Bloom Florist",
            slug="nw-bloom",
            owner=owner_a,
            plan_code="professional",
            features=("bio_sites", "pages", "crm"),
        )
        yoga = agency_client_make(
            agency=agency_a, name="Harbor Yoga", slug="nw-yoga", owner=owner_a
        )
        cafe = agency_client_make(
            agency=agency_b,
            name="Cafe Sur",
            slug="sw-cafe",
            owner=owner_b,
            plan_code="professional",
            features=("pages",),
        )
        for identity, role in ((staff_a, "editor"), (client_member, "owner")):
            membership_mirror_sync_in_workspace(
                membership=Membership.objects.create(identity=identity, workspace=bloom, role=role)
            )
        people = [platform_owner, owner_a, admin_a, staff_a, owner_b, client_member]
    yield AgencyWorld(
        platform_owner_id=platform_owner.pk,
        agency_a_id=agency_a.pk,
        agency_b_id=agency_b.pk,
        owner_a_id=owner_a.pk,
        admin_a_id=admin_a.pk,
        staff_a_id=staff_a.pk,
        owner_b_id=owner_b.pk,
        client_member_id=client_member.pk,
        bloom_id=bloom.pk,
        yoga_id=yoga.pk,
        cafe_id=cafe.pk,
    )
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        for workspace in Workspace.objects.filter(agency_id__in=[agency_a.pk, agency_b.pk]):
            workspace_delete(workspace=workspace, confirm_slug=workspace.slug)
        AgencyMembership.objects.filter(agency_id__in=[agency_a.pk, agency_b.pk]).delete()
        Agency.objects.filter(pk__in=[agency_a.pk, agency_b.pk]).delete()
        User.objects.filter(pk__in=[person.pk for person in people]).delete()


def _get(model_path: str, pk):
    from django.apps import apps

    with schema_context("public"):
        return apps.get_model(model_path).objects.get(pk=pk)


@pytest.fixture
def world(agency_world, db):
    return agency_world


@pytest.fixture
def platform_owner(world):
    return _get("accounts.User", world.platform_owner_id)


@pytest.fixture
def agency_a(world):
    return _get("tenants.Agency", world.agency_a_id)


@pytest.fixture
def agency_b(world):
    return _get("tenants.Agency", world.agency_b_id)


@pytest.fixture
def owner_a(world):
    return _get("accounts.User", world.owner_a_id)


@pytest.fixture
def admin_a(world):
    return _get("accounts.User", world.admin_a_id)


@pytest.fixture
def staff_a(world):
    return _get("accounts.User", world.staff_a_id)


@pytest.fixture
def owner_b(world):
    return _get("accounts.User", world.owner_b_id)


@pytest.fixture
def client_member(world):
    return _get("accounts.User", world.client_member_id)


@pytest.fixture
def bloom(world):
    return _get("tenants.Workspace", world.bloom_id)


@pytest.fixture
def yoga(world):
    return _get("tenants.Workspace", world.yoga_id)


@pytest.fixture
def cafe(world):
    return _get("tenants.Workspace", world.cafe_id)


@pytest.fixture
def people(owner_a, admin_a, staff_a, client_member):
    return {"owner": owner_a, "admin": admin_a, "staff": staff_a, "client": client_member}


def signed_in(identity):
    """A browser signed in as `identity` (sessions of the public schema: platform and
    agency hosts)."""
    from django.test import Client

    client = Client()
    client.force_login(identity)
    return client


@pytest.fixture
def dns(settings):
    from tenants.dns import MemoryResolver

    settings.DNS_RESOLVER = "tenants.dns.MemoryResolver"
    MemoryResolver.reset()
    yield MemoryResolver
    MemoryResolver.reset()
