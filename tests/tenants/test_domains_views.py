"""The Domains page on a workspace's dashboard: who may use it, what it shows, what it
does, and that it only ever reaches the current workspace's hosts."""

from uuid import uuid4

import pytest
from django.conf import settings
from django.test import Client
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.platform.models import AuditEvent
from tenants.dns import MemoryResolver
from tenants.domains import custom_domain_add, domain_add
from tenants.models import Domain
from tests.helpers import host_of

LIST = "/dashboard/domains/"
ADD = "/dashboard/domains/add/"
HOST = "shop.alpha-example.com"


@pytest.fixture
def dns(settings):
    settings.DNS_RESOLVER = "tenants.dns.MemoryResolver"
    MemoryResolver.reset()
    yield MemoryResolver
    MemoryResolver.reset()


def _staff(workspace, role: str) -> Client:
    """A browser signed in on `workspace` as a staff mirror with `role`."""
    client = Client()
    with tenant_context(workspace):
        mirror = User.objects.create(
            email=f"{role}-{uuid4().hex[:6]}@staff.test", identity_id=uuid4(), staff_role=role
        )
        client.force_login(mirror)
    return client


def _url(domain, action: str) -> str:
    return f"/dashboard/domains/{domain.pk}/{action}/"


@pytest.fixture
def pending(alpha, owner):
    return custom_domain_add(workspace=alpha, host=HOST, actor=owner)


# ---- who may use it ----


def test_anonymous_visitors_are_sent_to_sign_in(client, alpha):
    response = client.get(LIST, HTTP_HOST=host_of(alpha))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/?next=/dashboard/domains/")


@pytest.mark.parametrize("role", ["owner", "admin"])
def test_owners_and_admins_manage_domains(alpha, role):
    browser = _staff(alpha, role)

    assert browser.get(LIST, HTTP_HOST=host_of(alpha)).status_code == 200
    response = browser.post(ADD, {"host": HOST}, HTTP_HOST=host_of(alpha))
    assert response.status_code == 302
    assert Domain.objects.filter(domain=HOST, tenant=alpha).exists()


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_editors_and_viewers_may_not(alpha, pending, role):
    browser = _staff(alpha, role)

    assert browser.get(LIST, HTTP_HOST=host_of(alpha)).status_code == 403
    assert (
        browser.post(ADD, {"host": "x.alpha-example.com"}, HTTP_HOST=host_of(alpha)).status_code
        == 403
    )
    for action in ("check", "primary", "remove"):
        assert browser.post(_url(pending, action), HTTP_HOST=host_of(alpha)).status_code == 403
    assert not Domain.objects.filter(domain="x.alpha-example.com").exists()
    assert Domain.objects.filter(pk=pending.pk).exists()


def test_customers_may_not(client, alpha):
    with tenant_context(alpha):
        client.force_login(User.objects.create(email="buyer@example.test"))

    assert client.get(LIST, HTTP_HOST=host_of(alpha)).status_code == 403


def test_the_navigation_shows_domains_to_admins_only(staff_client, alpha):
    owner_nav = staff_client.get("/dashboard/", HTTP_HOST=host_of(alpha)).context["modules"]
    editor_nav = _staff(alpha, "editor").get("/dashboard/", HTTP_HOST=host_of(alpha))

    assert "domains" in [module.key for module in owner_nav]
    assert "domains" not in [module.key for module in editor_nav.context["modules"]]


# ---- what it shows ----


def test_the_page_lists_hosts_and_the_records_to_create(staff_client, alpha, pending):
    response = staff_client.get(LIST, HTTP_HOST=host_of(alpha))

    assert response.status_code == 200
    assert response.context["active_module"] == "domains"
    content = response.content.decode()
    assert f'data-host="{host_of(alpha)}"' in content
    assert f'data-host="{HOST}"' in content
    assert 'data-state="pending"' in content
    assert f'value="_domain-verify.{HOST}"' in content
    assert f'value="{pending.verification_token}"' in content
    assert f'value="{settings.PLATFORM_CNAME_TARGET}"' in content
    assert "Default address" in content


def test_the_page_shows_why_a_host_failed_and_when_it_was_checked(
    staff_client, alpha, pending, dns
):
    staff_client.post(_url(pending, "check"), HTTP_HOST=host_of(alpha))

    content = staff_client.get(LIST, HTTP_HOST=host_of(alpha)).content.decode()

    assert 'data-state="failed"' in content
    assert f"No TXT record found at _domain-verify.{HOST}." in content
    assert "Last checked" in content
    assert "Not yet" not in content


def test_the_page_never_shows_another_workspaces_hosts(staff_client, alpha, beta, owner):
    custom_domain_add(workspace=beta, host="shop.beta-example.com", actor=owner)

    content = staff_client.get(LIST, HTTP_HOST=host_of(alpha)).content.decode()

    assert "beta-example.com" not in content
    assert host_of(beta) not in content


# ---- what it does ----


def test_adding_a_host_saves_it_pending_and_audits_who(staff_client, alpha, owner):
    response = staff_client.post(
        ADD, {"host": "  Shop.Alpha-Example.com. "}, HTTP_HOST=host_of(alpha)
    )

    domain = Domain.objects.get(domain=HOST)
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}#domain-{domain.pk}"
    assert (domain.tenant_id, domain.is_verified, domain.status) == (alpha.pk, False, "pending")
    event = AuditEvent.objects.get(action="domain.added", target_id=str(domain.pk))
    assert event.actor == owner  # the identity behind the signed-in mirror


@pytest.mark.parametrize(
    ("host", "says"),
    [
        ("", "This field is required."),
        ("203.0.113.9", "not an IP address"),
        ("*.alpha-example.com", "Wildcard"),
        ("https://shop.alpha-example.com/", "without http://"),
        ("shop.alpha-example.com:8443", "port"),
        ("beta.localhost", "given out by the platform"),
        ("x" * 301, "at most 300 characters"),
    ],
)
def test_bad_input_is_a_400_with_the_reason_and_nothing_is_saved(staff_client, alpha, host, says):
    before = Domain.objects.count()

    response = staff_client.post(ADD, {"host": host}, HTTP_HOST=host_of(alpha))

    assert response.status_code == 400
    assert says in response.content.decode()
    assert response.context["form"].errors["host"]
    assert Domain.objects.count() == before


def test_a_host_taken_by_another_workspace_is_a_400(staff_client, alpha, beta, owner):
    custom_domain_add(workspace=beta, host=HOST, actor=owner)

    response = staff_client.post(ADD, {"host": HOST}, HTTP_HOST=host_of(alpha))

    assert response.status_code == 400
    assert "already in use by another workspace" in response.content.decode()
    assert not Domain.objects.filter(tenant=alpha, domain=HOST).exists()


def test_check_now_verifies_a_host_whose_records_are_in_place(staff_client, alpha, pending, dns):
    dns.add("TXT", f"_domain-verify.{HOST}", pending.verification_token)
    dns.add("CNAME", HOST, settings.PLATFORM_CNAME_TARGET)

    response = staff_client.post(_url(pending, "check"), HTTP_HOST=host_of(alpha), follow=True)

    assert response.redirect_chain[-1] == (f"{LIST}#domain-{pending.pk}", 302)
    assert Domain.objects.get(pk=pending.pk).is_verified is True
    assert f"{HOST} is verified" in response.content.decode()


def test_check_now_reports_what_is_missing(staff_client, alpha, pending, dns):
    dns.add("TXT", f"_domain-verify.{HOST}", pending.verification_token)

    response = staff_client.post(_url(pending, "check"), HTTP_HOST=host_of(alpha), follow=True)

    assert Domain.objects.get(pk=pending.pk).status == Domain.Status.FAILED
    assert "has no CNAME record pointing to" in response.content.decode()


def test_check_now_does_not_ask_dns_again_right_away(staff_client, alpha, pending, dns):
    staff_client.post(_url(pending, "check"), HTTP_HOST=host_of(alpha))
    first = Domain.objects.get(pk=pending.pk)
    dns.fail(HOST)  # would leave a "did not answer" reason if DNS were asked

    response = staff_client.post(_url(pending, "check"), HTTP_HOST=host_of(alpha), follow=True)

    assert Domain.objects.get(pk=pending.pk).last_checked_at == first.last_checked_at
    assert "checked a moment ago" in response.content.decode()


def test_make_primary_moves_the_primary_host(staff_client, alpha):
    domain = domain_add(workspace=alpha, host=HOST, verified=True)

    response = staff_client.post(_url(domain, "primary"), HTTP_HOST=host_of(alpha))

    assert response.status_code == 302
    assert Domain.objects.get(tenant=alpha, is_primary=True) == domain


def test_an_unverified_host_cannot_be_made_primary(staff_client, alpha, pending):
    response = staff_client.post(_url(pending, "primary"), HTTP_HOST=host_of(alpha))

    assert response.status_code == 400
    assert "Only a verified host can become the primary one." in response.content.decode()
    assert Domain.objects.get(tenant=alpha, is_primary=True).domain == host_of(alpha)


def test_remove_asks_for_confirmation_first(staff_client, alpha, pending):
    response = staff_client.get(_url(pending, "remove"), HTTP_HOST=host_of(alpha))

    assert response.status_code == 200
    assert f"Remove {HOST}" in response.content.decode()
    assert Domain.objects.filter(pk=pending.pk).exists()


def test_remove_removes_on_post(staff_client, alpha, pending):
    response = staff_client.post(_url(pending, "remove"), HTTP_HOST=host_of(alpha))

    assert response.status_code == 302
    assert response["Location"] == LIST
    assert not Domain.objects.filter(pk=pending.pk).exists()


def test_the_default_host_cannot_be_removed(staff_client, alpha):
    default = Domain.objects.get(domain=host_of(alpha))

    page = staff_client.get(_url(default, "remove"), HTTP_HOST=host_of(alpha))
    response = staff_client.post(_url(default, "remove"), HTTP_HOST=host_of(alpha))

    assert "cannot be removed" in page.content.decode()
    assert response.status_code == 400
    assert Domain.objects.filter(pk=default.pk).exists()


@pytest.mark.parametrize("action", ["check", "primary"])
def test_actions_are_post_only(staff_client, alpha, pending, action):
    assert staff_client.get(_url(pending, action), HTTP_HOST=host_of(alpha)).status_code == 405


# ---- isolation ----


@pytest.mark.parametrize("action", ["check", "primary", "remove"])
def test_another_workspaces_hosts_are_not_found(alpha, beta, owner, action, dns):
    alpha_hosts = [
        domain_add(workspace=alpha, host=HOST, verified=True),
        Domain.objects.get(domain=host_of(alpha)),
    ]
    on_beta = _staff(beta, "owner")

    for domain in alpha_hosts:
        assert on_beta.get(_url(domain, action), HTTP_HOST=host_of(beta)).status_code in (404, 405)
        assert on_beta.post(_url(domain, action), HTTP_HOST=host_of(beta)).status_code == 404

    assert Domain.objects.filter(pk__in=[d.pk for d in alpha_hosts]).count() == 2
    assert Domain.objects.get(tenant=alpha, is_primary=True).domain == host_of(alpha)
    assert Domain.objects.get(pk=alpha_hosts[0].pk).last_checked_at is None


def test_an_unknown_host_id_is_not_found(staff_client, alpha):
    assert (
        staff_client.post(
            "/dashboard/domains/999999999/check/", HTTP_HOST=host_of(alpha)
        ).status_code
        == 404
    )
