"""Agencies, their staff and their dashboard hosts: the services' rules, DNS proof of a
host (the same check as a workspace's custom domain), the re-check, the console and the
management command."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from config.errors import PermissionDeniedError
from shared_apps.accounts.models import User
from shared_apps.platform.models import AuditEvent
from tenants import tasks
from tenants.agency_errors import AgencyError, AgencyErrorCode
from tenants.agency_selectors import agency_host_ids_due_for_check
from tenants.agency_services import (
    agency_create,
    agency_demo_create,
    agency_host_add,
    agency_host_verify,
    agency_staff_add,
    agency_staff_remove,
    agency_staff_role_change,
)
from tenants.domains import custom_domain_add, txt_record_name
from tenants.errors import DomainError
from tenants.models import Agency, AgencyHost, AgencyMembership, Workspace
from tests.tenants.agencies.conftest import HOST_A, signed_in

NEW_HOST = "portal.northwind.test"


def test_a_platform_owner_creates_an_agency_with_its_owner(platform_owner, identity):
    agency = agency_create(name="Eastwind", slug="eastwind", actor=platform_owner, owner=identity)

    assert AgencyMembership.objects.get(agency=agency).identity == identity
    assert AuditEvent.objects.filter(action="agency.created", actor=platform_owner).exists()


def test_nobody_else_creates_agencies(owner_a):
    with pytest.raises(PermissionDeniedError):
        agency_create(name="Eastwind", slug="eastwind", actor=owner_a)


@pytest.mark.parametrize(
    "name,slug", [("", "eastwind"), ("Eastwind", "northwind"), ("Eastwind", "Bad Slug"), ("E", "e")]
)
def test_bad_agency_input_is_refused(platform_owner, name, slug):
    before = Agency.objects.count()

    with pytest.raises(AgencyError) as error:
        agency_create(name=name, slug=slug, actor=platform_owner)

    assert error.value.fields
    assert Agency.objects.count() == before


# --- staff ----------------------------------------------------------------------------------------


def test_a_new_staff_member_gets_an_account_and_a_branded_link(owner_a, agency_a):
    membership = agency_staff_add(
        agency=agency_a, email="New.Person@Northwind.test", role="staff", actor=owner_a
    )

    assert membership.identity.email == "new.person@northwind.test"
    assert AuditEvent.objects.filter(action="agency.staff_added", actor=owner_a).exists()


def test_staff_page_adds_people_and_mails_them_in_the_agency_brand(
    owner_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(owner_a).post(
            "/dashboard/staff/", {"email": "hire@northwind.test", "role": "admin"}, HTTP_HOST=HOST_A
        )

    assert response.status_code == 302
    (message,) = mail.outbox
    assert "Northwind Digital" in message.subject
    assert HOST_A in message.body and "Mewayz" not in message.body


@pytest.mark.parametrize(
    "email,role",
    [("not-an-email", "staff"), ("x@y.test", "boss"), ("admin@northwind.test", "staff")],
)
def test_bad_staff_input_is_refused(owner_a, agency_a, email, role):
    before = AgencyMembership.objects.filter(agency=agency_a).count()

    with pytest.raises(AgencyError):
        agency_staff_add(agency=agency_a, email=email, role=role, actor=owner_a)

    assert AgencyMembership.objects.filter(agency=agency_a).count() == before


@pytest.mark.parametrize("who", ["admin_a", "staff_a", "owner_b"])
def test_only_owners_manage_staff(request, agency_a, who):
    with pytest.raises(PermissionDeniedError):
        agency_staff_add(
            agency=agency_a, email="x@y.test", role="staff", actor=request.getfixturevalue(who)
        )


def test_the_last_owner_stays(owner_a, agency_a):
    membership = AgencyMembership.objects.get(agency=agency_a, identity=owner_a)

    with pytest.raises(AgencyError) as removing:
        agency_staff_remove(membership=membership, actor=owner_a)
    with pytest.raises(AgencyError) as demoting:
        agency_staff_role_change(membership=membership, role="staff", actor=owner_a)

    assert removing.value.code == demoting.value.code == AgencyErrorCode.LAST_OWNER
    assert AgencyMembership.objects.get(pk=membership.pk).role == "owner"


def test_roles_change_and_staff_leave(owner_a, staff_a, agency_a):
    membership = AgencyMembership.objects.get(agency=agency_a, identity=staff_a)

    agency_staff_role_change(membership=membership, role="admin", actor=owner_a)
    assert AgencyMembership.objects.get(pk=membership.pk).role == "admin"
    agency_staff_remove(membership=membership, actor=owner_a)

    assert not AgencyMembership.objects.filter(pk=membership.pk).exists()
    assert signed_in(staff_a).get("/dashboard/clients/", HTTP_HOST=HOST_A).status_code == 403


# --- dashboard hosts ------------------------------------------------------------------------------


def _publish(dns, agency_host):
    dns.add("TXT", txt_record_name(host=agency_host.host), agency_host.verification_token)
    dns.add("CNAME", agency_host.host, settings.PLATFORM_CNAME_TARGET)


def test_a_host_is_proved_by_dns_like_a_custom_domain_then_routes(client, dns, owner_a, agency_a):
    agency_host = agency_host_add(agency=agency_a, host=NEW_HOST, actor=owner_a)
    assert client.get("/accounts/sign-in/", HTTP_HOST=NEW_HOST).status_code == 404

    _publish(dns, agency_host)
    agency_host = agency_host_verify(agency_host=agency_host, actor=owner_a)

    assert agency_host.is_verified and agency_host.status == "verified"
    assert client.get("/accounts/sign-in/", HTTP_HOST=NEW_HOST).status_code == 200
    assert AuditEvent.objects.filter(action="agency.host_verified").exists()


def test_a_host_without_its_records_fails_with_the_reason(dns, owner_a, agency_a):
    agency_host = agency_host_add(agency=agency_a, host=NEW_HOST, actor=owner_a)

    agency_host = agency_host_verify(agency_host=agency_host, actor=owner_a)

    assert agency_host.status == "failed" and not agency_host.is_verified
    assert "No TXT record" in agency_host.failure_reason


def test_a_dns_timeout_changes_nothing(dns, owner_a, agency_a):
    agency_host = agency_host_add(agency=agency_a, host=NEW_HOST, actor=owner_a)
    dns.fail(NEW_HOST)

    agency_host = agency_host_verify(agency_host=agency_host)

    assert agency_host.status == "pending" and agency_host.last_checked_at is not None


def test_the_recheck_takes_a_host_that_lost_its_proof_offline(
    client, dns, owner_a, agency_a, stripe_tasks_eager
):
    agency_host = agency_host_add(agency=agency_a, host=NEW_HOST, actor=owner_a)
    _publish(dns, agency_host)
    agency_host_verify(agency_host=agency_host)
    assert client.get("/accounts/sign-in/", HTTP_HOST=NEW_HOST).status_code == 200
    AgencyHost.objects.filter(pk=agency_host.pk).update(
        last_checked_at=timezone.now() - timedelta(days=1)
    )
    dns.reset()

    sent = tasks.agency_hosts_recheck.apply().get()

    assert sent >= 1
    assert not AgencyHost.objects.get(pk=agency_host.pk).is_verified
    assert client.get("/accounts/sign-in/", HTTP_HOST=NEW_HOST).status_code == 404
    assert AuditEvent.objects.filter(action="agency.host_verification_lost").exists()


def test_operator_verified_hosts_are_left_alone_by_the_recheck(world):
    due = agency_host_ids_due_for_check(
        checked_before=timezone.now(), unverified_since=timezone.now() - timedelta(days=7)
    )

    assert AgencyHost.objects.get(host=HOST_A).pk not in due


@pytest.mark.parametrize(
    "host,code",
    [
        ("http://app.x.test/", AgencyErrorCode.HOST_INVALID),
        ("10.0.0.1", AgencyErrorCode.HOST_INVALID),
        (settings.PLATFORM_DOMAIN, AgencyErrorCode.HOST_INVALID),
        (f"agency.{settings.PLATFORM_DOMAIN}", AgencyErrorCode.HOST_TAKEN),
        (HOST_A, AgencyErrorCode.HOST_TAKEN),
        ("app.southwind.test", AgencyErrorCode.HOST_TAKEN),
    ],
)
def test_bad_hosts_are_refused(owner_a, agency_a, host, code):
    before = AgencyHost.objects.count()

    with pytest.raises(AgencyError) as error:
        agency_host_add(agency=agency_a, host=host, actor=owner_a)

    assert error.value.code == code
    assert AgencyHost.objects.count() == before


def test_a_workspace_cannot_take_an_agency_host_nor_the_reverse(alpha, owner, owner_a, agency_a):
    custom_domain_add(workspace=alpha, host="shop.alpha-agency.test", actor=owner)

    with pytest.raises(DomainError):
        custom_domain_add(workspace=alpha, host=HOST_A, actor=owner)
    with pytest.raises(AgencyError):
        agency_host_add(agency=agency_a, host="shop.alpha-agency.test", actor=owner_a)


def test_only_owners_manage_hosts(admin_a, agency_a):
    with pytest.raises(PermissionDeniedError):
        agency_host_add(agency=agency_a, host=NEW_HOST, actor=admin_a)


def test_owners_cannot_skip_the_dns_proof(owner_a, agency_a):
    with pytest.raises(PermissionDeniedError):
        agency_host_add(agency=agency_a, host=NEW_HOST, actor=owner_a, verified=True)


# --- console, command, demo -----------------------------------------------------------------------


@pytest.fixture
def console(client, platform_owner, monkeypatch):
    from shared_apps.mfa import services as mfa_services
    from tests.shared_apps.mfa.support import T0, Clock, enrol

    clock = Clock(T0)
    monkeypatch.setattr(mfa_services, "_now", lambda: clock.now)
    enrol(platform_owner, clock)
    client.force_login(platform_owner)
    client.defaults["HTTP_HOST"] = settings.PLATFORM_DOMAIN
    return client


def test_the_console_lists_agencies_with_their_hosts_staff_and_prices(console, agency_a):
    listing = console.get("/admin/tenants/agency/")
    detail = console.get(f"/admin/tenants/agency/{agency_a.pk}/change/").content.decode()

    assert listing.status_code == 200
    assert {a.slug for a in listing.context["cl"].result_list} >= {"northwind", "southwind"}
    assert HOST_A in detail and "owner@northwind.test" in detail


def test_the_console_suspends_an_agency_with_a_reason(console, agency_a, client):
    from tests.shared_apps.platform.conftest import action_post

    action_post(
        console,
        "/admin/tenants/agency/",
        "suspend_selected",
        [agency_a.pk],
        post="yes",
        reason="Unpaid invoices",
    )

    agency_a.refresh_from_db()
    assert agency_a.status == "suspended"
    assert AuditEvent.objects.get(action="agency.suspended").data["reason"] == "Unpaid invoices"


def test_the_management_command_creates_an_agency(owner_a, world):
    call_command(
        "agency_create",
        name="Westwind",
        slug="westwind",
        owner=owner_a.email,
        host="app.westwind.test",
    )

    agency = Agency.objects.get(slug="westwind")
    assert agency.hosts.get().is_verified
    assert agency.memberships.get().identity == owner_a


def test_the_management_command_refuses_bad_input(world):
    with pytest.raises(CommandError):
        call_command("agency_create", name="W", slug="westwind", owner="nobody@nowhere.test")
    with pytest.raises(CommandError):
        call_command("agency_create", name="W", slug="Bad Slug", owner="owner@northwind.test")
    assert not Agency.objects.filter(name="W").exists()


def test_the_demo_agency_has_a_host_prices_and_clients(platform_owner, identity):
    agency = agency_demo_create(
        platform_owner=platform_owner,
        owner=identity,
        slug="demo-agency",
        host="demo-agency.example.test",
        clients=(("Demo Client", "demo-client-one", "professional"),),
    )

    assert agency.hosts.get().is_verified
    assert agency.prices.get(plan_code="professional").feature_price_monthly_minor == 150
    assert Workspace.objects.get(slug="demo-client-one").agency == agency
    # Idempotent by slug.
    assert (
        agency_demo_create(platform_owner=platform_owner, owner=identity, slug="demo-agency")
        == agency
    )
    assert User.objects.filter(pk=identity.pk).exists()
