"""Creating and managing client workspaces from the agency dashboard, and hopping in."""

from urllib.parse import urlsplit

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.billing.models import Subscription, WorkspaceFeature
from shared_apps.platform.models import AuditEvent
from tenants.dns import MemoryResolver
from tenants.domains import dns_records_for
from tenants.models import Invitation, Membership, Snapshot, Workspace
from tests.helpers import host_of
from tests.tenants.agencies.conftest import HOST_A, signed_in


def _create(client, **data):
    payload = {
        "name": "Fresh Bakery",
        "slug": "nw-bakery",
        "plan": "professional",
        "owner_email": "baker@bakery.test",
        "snapshot": "",
        **data,
    }
    return client.post("/dashboard/clients/new/", payload, HTTP_HOST=HOST_A)


def test_an_admin_creates_a_client_under_the_agency(admin_a, agency_a):
    response = _create(signed_in(admin_a))

    client = Workspace.objects.get(slug="nw-bakery")
    assert response.status_code == 302
    assert response["Location"] == f"/dashboard/clients/{client.pk}/"
    assert client.agency == agency_a
    assert client.plan_code == "professional"
    # The acting staff member is a member; the client's owner is invited as owner.
    assert Membership.objects.get(workspace=client, identity=admin_a).role == "owner"
    invitation = Invitation.objects.get(workspace=client)
    assert (invitation.email, invitation.role) == ("baker@bakery.test", "owner")
    assert len(mail.outbox) == 1 and "Mewayz" not in mail.outbox[0].body
    # Billed through the agency: its features are on at once, no checkout waiting.
    subscription = Subscription.objects.get(workspace=client)
    assert subscription.status == Subscription.Status.ACTIVE
    assert not WorkspaceFeature.objects.filter(workspace=client, state="pending").exists()
    assert AuditEvent.objects.filter(action="agency.client_created", actor=admin_a).exists()


@pytest.mark.parametrize(
    "data,field",
    [
        ({"slug": "nw-bloom"}, "slug"),  # taken
        ({"slug": "Not A Slug!"}, "slug"),
        ({"name": ""}, "name"),
        ({"owner_email": "not-an-email"}, "owner_email"),
        ({"plan": "platinum"}, "plan"),
        ({"snapshot": "00000000-0000-0000-0000-000000000000"}, "snapshot"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_made(admin_a, data, field):
    before = Workspace.objects.count()

    response = _create(signed_in(admin_a), **data)

    assert response.status_code == 400
    assert response.context["form"].errors.get(field)
    assert Workspace.objects.count() == before


def test_staff_cannot_create_clients(staff_a):
    response = _create(signed_in(staff_a))

    assert response.status_code == 403
    assert not Workspace.objects.filter(slug="nw-bakery").exists()


def test_a_client_starts_from_the_agencys_snapshot(admin_a, agency_a, bloom):
    from tenants.snapshots import snapshot_create

    snapshot = snapshot_create(
        workspace=bloom, name="Florist starter", agency=agency_a, actor=admin_a
    )
    assert snapshot.status == Snapshot.Status.READY

    response = _create(signed_in(admin_a), snapshot=str(snapshot.pk))

    assert response.status_code == 302
    assert Workspace.objects.get(slug="nw-bakery").snapshot_id == snapshot.pk


def test_another_agencys_snapshot_is_not_offered(admin_a, owner_b, agency_b, cafe):
    from tenants.snapshots import snapshot_create

    snapshot = snapshot_create(workspace=cafe, name="Cafe starter", agency=agency_b, actor=owner_b)

    response = _create(signed_in(admin_a), snapshot=str(snapshot.pk))

    assert response.status_code == 400
    assert not Workspace.objects.filter(slug="nw-bakery").exists()


def test_the_agency_sets_a_clients_plan_and_features(owner_a, yoga):
    response = signed_in(owner_a).post(
        f"/dashboard/clients/{yoga.pk}/plan/",
        {"plan": "professional", "features": ["pages", "crm"]},
        HTTP_HOST=HOST_A,
    )

    assert response.status_code == 302
    yoga.refresh_from_db()
    assert yoga.plan_code == "professional"
    assert set(
        WorkspaceFeature.objects.filter(workspace=yoga, enabled=True).values_list("key", flat=True)
    ) == {"pages", "crm"}
    assert AuditEvent.objects.filter(action="agency.client_plan_set").exists()


def test_an_unknown_feature_changes_nothing(owner_a, yoga):
    signed_in(owner_a).post(
        f"/dashboard/clients/{yoga.pk}/plan/",
        {"plan": "professional", "features": ["pages", "teleport"]},
        HTTP_HOST=HOST_A,
    )

    yoga.refresh_from_db()
    assert yoga.plan_code == "free"


def test_members_are_invited_changed_and_removed(admin_a, bloom, client_member):
    client = signed_in(admin_a)
    member = Membership.objects.get(workspace=bloom, identity=client_member)

    invite = client.post(
        f"/dashboard/clients/{bloom.pk}/members/invite/",
        {"email": "helper@bloom.test", "role": "editor"},
        HTTP_HOST=HOST_A,
    )
    extra = Membership.objects.create(
        identity=User.objects.create(email="temp@bloom.test"), workspace=bloom, role="viewer"
    )
    role = client.post(
        f"/dashboard/clients/{bloom.pk}/members/{extra.pk}/role/",
        {"role": "editor"},
        HTTP_HOST=HOST_A,
    )
    remove = client.post(
        f"/dashboard/clients/{bloom.pk}/members/{extra.pk}/remove/", HTTP_HOST=HOST_A
    )

    assert [invite.status_code, role.status_code, remove.status_code] == [302, 302, 302]
    assert Invitation.objects.filter(workspace=bloom, email="helper@bloom.test").exists()
    assert not Membership.objects.filter(pk=extra.pk).exists()
    assert AuditEvent.objects.filter(action="team.role_changed", actor=admin_a).exists()
    # The admin acted as an admin of the client, granted (and audited) on first use.
    assert Membership.objects.get(workspace=bloom, identity=admin_a).role == "admin"
    assert AuditEvent.objects.filter(
        action="agency.client_access_granted", actor=admin_a, workspace_id=bloom.pk
    ).exists()
    assert Membership.objects.filter(pk=member.pk).exists()


def test_a_client_domain_is_added_and_verified(owner_a, bloom, dns):
    client = signed_in(owner_a)

    client.post(
        f"/dashboard/clients/{bloom.pk}/domains/add/", {"host": "shop.bloom.test"}, HTTP_HOST=HOST_A
    )
    domain = bloom.domains.get(domain="shop.bloom.test")
    for record in dns_records_for(domain):
        if record.value:
            MemoryResolver.add(record.type, record.name, record.value)
    client.post(f"/dashboard/clients/{bloom.pk}/domains/{domain.pk}/verify/", HTTP_HOST=HOST_A)

    domain.refresh_from_db()
    assert domain.is_verified


def test_a_bad_domain_is_refused_with_a_message(owner_a, bloom):
    response = signed_in(owner_a).post(
        f"/dashboard/clients/{bloom.pk}/domains/add/",
        {"host": "http://nope/"},
        HTTP_HOST=HOST_A,
        follow=True,
    )

    assert "without http://" in response.content.decode()
    assert not bloom.domains.filter(domain__contains="nope").exists()


# --- the hop into a client ------------------------------------------------------------------------


def _hop(client, workspace):
    return client.post(f"/workspaces/{workspace.pk}/open/", HTTP_HOST=HOST_A)


def test_the_agency_owner_hops_into_any_client_as_admin(owner_a, yoga):
    Membership.objects.filter(workspace=yoga, identity=owner_a).delete()
    client = signed_in(owner_a)

    response = _hop(client, yoga)

    url = urlsplit(response["Location"])
    assert url.netloc == host_of(yoga)
    landing = client.get(f"{url.path}?{url.query}", HTTP_HOST=url.netloc)
    assert landing.status_code == 302
    assert Membership.objects.get(workspace=yoga, identity=owner_a).role == "admin"
    assert AuditEvent.objects.filter(
        action="agency.client_access_granted", workspace_id=yoga.pk
    ).exists()
    with tenant_context(yoga):
        assert User.objects.get(identity_id=owner_a.uuid).staff_role == "admin"


def test_staff_hop_only_into_clients_they_belong_to(staff_a, bloom, yoga):
    client = signed_in(staff_a)

    member = _hop(client, bloom)
    stranger = _hop(client, yoga)

    assert urlsplit(member["Location"]).netloc == host_of(bloom)
    assert stranger.status_code == 302 and stranger["Location"] == "/dashboard/"
    assert not Membership.objects.filter(workspace=yoga, identity=staff_a).exists()


def test_a_client_member_signs_in_on_the_agency_host_and_hops_in(client_member, bloom, yoga):
    client = signed_in(client_member)

    portal = client.get("/dashboard/", HTTP_HOST=HOST_A)
    hop = _hop(client, bloom)
    elsewhere = _hop(client, yoga)

    assert [w.slug for w in portal.context["workspaces"]] == ["nw-bloom"]
    assert urlsplit(hop["Location"]).netloc == host_of(bloom)
    assert elsewhere.status_code == 404
