"""Staff on a white-labelled workspace's own hosts: signing in there, joining from an
invitation there, and a Domains page that never names the platform (issue 5).

Workspaces that a test changes are provisioned inside the test (its transaction rolls
the schema back); the session workspaces alpha and beta are only read or given rows
that roll back.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from shared_apps.accounts.models import User
from shared_apps.mfa.services import FactorKind
from shared_apps.platform.models import AuditEvent
from tenants.dns import MemoryResolver
from tenants.domains import (
    custom_domain_add,
    custom_domain_verify,
    dns_records_for,
    domain_add,
    domain_set_primary,
)
from tenants.host_cache import forget_hosts
from tenants.models import Agency, AgencyHost, Domain, Invitation, Membership, Workspace
from tenants.services import (
    membership_mirror_sync_in_workspace,
    workspace_delete,
    workspace_provision,
)
from tenants.teams import invitation_create
from tenants.white_label import workspace_is_white_label
from tests.factories import IDENTITY_PASSWORD, IdentityFactory
from tests.helpers import add_member, client_for_member, host_of
from tests.shared_apps.billing.support import ENTERPRISE, choose, stripe_confirms_payment
from tests.shared_apps.mfa.support import Clock, enrol

SIGN_IN = "/accounts/sign-in/"
CODE = "/accounts/sign-in/code/"
DOMAINS = "/dashboard/domains/"
GENERIC_ERROR = "That email and password do not match an account."
AGENCY_HOST = "dash.northwind-agency.test"
NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


# ---- workspaces ------------------------------------------------------------------
# Provisioned once for the module (committed) and deleted after it; each test reads a
# fresh copy, and whatever a test writes rolls back with its transaction.


def _agency(*, slug: str, verified_host: bool) -> Agency:
    agency = Agency.objects.create(name="Northwind Agency", slug=slug)
    if verified_host:
        AgencyHost.objects.create(
            agency=agency,
            host=AGENCY_HOST,
            is_verified=True,
            status=AgencyHost.Status.VERIFIED,
            verified_at=timezone.now(),
        )
    return agency


@pytest.fixture(scope="module")
def _module_workspaces(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), schema_context("public"):
        owner = User.objects.get(email="owner@session.test")
        enterprise = workspace_provision(name="Whitely Studio", slug="whitely", owner=owner)
        choose(enterprise, "whitelabel", "custom_domain", plan_code=ENTERPRISE, actor=owner)
        stripe_confirms_payment(enterprise)  # a paid plan's features come on once paid
        with_host = workspace_provision(
            name="Client Co",
            slug="client-co",
            owner=owner,
            agency=_agency(slug="northwind", verified_host=True),
        )
        without_host = workspace_provision(
            name="Other Client",
            slug="other-client",
            owner=owner,
            agency=_agency(slug="southwind", verified_host=False),
        )
    workspaces = {"enterprise": enterprise, "agency": with_host, "agency_no_host": without_host}
    yield {key: workspace.pk for key, workspace in workspaces.items()}
    with django_db_blocker.unblock(), schema_context("public"):
        for workspace in workspaces.values():
            workspace_delete(workspace=workspace, confirm_slug=workspace.slug)
        Agency.objects.filter(slug__in=["northwind", "southwind"]).delete()
        AuditEvent.objects.filter(workspace_id__in=[w.pk for w in workspaces.values()]).delete()


def _fresh(_module_workspaces, key: str) -> Workspace:
    workspace = Workspace.objects.select_related("agency").get(pk=_module_workspaces[key])
    forget_hosts([host_of(workspace), AGENCY_HOST])
    return workspace


@pytest.fixture
def enterprise(db, _module_workspaces):
    """A white-labelled Enterprise workspace: the `whitelabel` feature is on."""
    workspace = _fresh(_module_workspaces, "enterprise")
    assert workspace_is_white_label(workspace=workspace)
    return workspace


@pytest.fixture
def agency_client(db, _module_workspaces):
    """A client of an agency whose dashboard host is verified."""
    return _fresh(_module_workspaces, "agency")


@pytest.fixture
def agency_client_without_host(db, _module_workspaces):
    return _fresh(_module_workspaces, "agency_no_host")


@pytest.fixture
def clock(monkeypatch):
    from shared_apps.mfa import services

    clock = Clock(30.0 * 60_000_000)
    monkeypatch.setattr(services, "_now", lambda: clock.now)
    return clock


def _sign_in(client, workspace, email, password, **extra):
    return client.post(
        SIGN_IN, {"username": email, "password": password, **extra}, HTTP_HOST=host_of(workspace)
    )


def _signed_in_user(client, workspace):
    """Who the browser is on the workspace's host (None: nobody)."""
    user = client.get("/dashboard/", HTTP_HOST=host_of(workspace)).wsgi_request.user
    return user if user.is_authenticated else None


def _error_text(response) -> str:
    return " ".join(str(e) for e in response.context["form"].non_field_errors())


# ---- staff sign in on the workspace's own host ---------------------------------


def test_staff_sign_in_on_the_workspace_host_with_their_identity_password(enterprise):
    member = add_member(enterprise, "editor")
    browser = Client()
    browser.get(SIGN_IN, HTTP_HOST=host_of(enterprise))
    browser.cookies["sessionid"] = "planted-by-someone-else"

    response = _sign_in(browser, enterprise, member.email.upper(), IDENTITY_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert browser.cookies["sessionid"].value != "planted-by-someone-else"
    dashboard = browser.get("/dashboard/", HTTP_HOST=host_of(enterprise))
    assert dashboard.status_code == 200
    user = dashboard.wsgi_request.user
    assert (user.identity_id, user.staff_role) == (member.uuid, "editor")
    event = AuditEvent.objects.get(action="auth.signed_in", workspace_id=enterprise.pk)
    assert event.actor_id == member.pk
    assert event.data == {
        "host": host_of(enterprise),
        "role": "editor",
        "method": "password",
        "second_factor": "",
    }


def test_the_sign_in_honours_a_next_path_on_the_same_host(enterprise):
    member = add_member(enterprise, "admin")

    response = _sign_in(
        Client(), enterprise, member.email, IDENTITY_PASSWORD, next="/dashboard/domains/"
    )

    assert response["Location"] == "/dashboard/domains/"


def test_the_mirror_is_brought_in_step_with_the_membership_at_sign_in(enterprise):
    member = add_member(enterprise, "viewer")
    Membership.objects.filter(identity=member, workspace=enterprise).update(role="admin")
    browser = Client()

    _sign_in(browser, enterprise, member.email, IDENTITY_PASSWORD)

    assert _signed_in_user(browser, enterprise).staff_role == "admin"


@pytest.mark.parametrize("case", ["wrong-password", "unknown", "not-a-member", "disabled"])
def test_every_refusal_looks_the_same(enterprise, alpha, case):
    member = add_member(enterprise, "editor")
    outsider = add_member(alpha, "editor")  # staff elsewhere, not here
    email, password = {
        "wrong-password": (member.email, "not-the-password-1"),
        "unknown": ("nobody@example.test", IDENTITY_PASSWORD),
        "not-a-member": (outsider.email, IDENTITY_PASSWORD),
        "disabled": (member.email, IDENTITY_PASSWORD),
    }[case]
    if case == "disabled":
        with schema_context("public"):
            User.objects.filter(pk=member.pk).update(is_active=False)
    browser = Client()

    response = _sign_in(browser, enterprise, email, password)

    assert response.status_code == 200
    assert _error_text(response) == GENERIC_ERROR
    assert _signed_in_user(browser, enterprise) is None
    assert not AuditEvent.objects.filter(action="auth.signed_in").exists()


def test_a_removed_member_cannot_sign_in(enterprise):
    member = add_member(enterprise, "editor")
    Membership.objects.filter(identity=member, workspace=enterprise).delete()
    browser = Client()

    response = _sign_in(browser, enterprise, member.email, IDENTITY_PASSWORD)

    assert _error_text(response) == GENERIC_ERROR
    assert _signed_in_user(browser, enterprise) is None


def test_customers_still_sign_in_with_their_own_password(enterprise):
    with tenant_context(enterprise):
        customer = IdentityFactory(email="buyer@example.test")
    browser = Client()

    response = _sign_in(browser, enterprise, customer.email, IDENTITY_PASSWORD)

    assert response.status_code == 302
    user = _signed_in_user(browser, enterprise)
    assert (user.pk, user.identity_id) == (customer.pk, None)
    assert not AuditEvent.objects.filter(action="auth.signed_in").exists()


def test_a_staff_mirrors_old_customer_password_does_not_sign_it_in(enterprise):
    # given a customer of the workspace who later joined its staff (same email)
    with tenant_context(enterprise):
        IdentityFactory(email="both@example.test", password="old-customer-password-7")
    with schema_context("public"):
        identity = IdentityFactory(email="both@example.test")
        membership = Membership.objects.create(
            identity=identity, workspace=enterprise, role="editor"
        )
    membership_mirror_sync_in_workspace(membership=membership)

    # then their old tenant-local password is refused, their identity's works
    refused = _sign_in(Client(), enterprise, "both@example.test", "old-customer-password-7")
    assert _error_text(refused) == GENERIC_ERROR
    browser = Client()
    assert _sign_in(browser, enterprise, "both@example.test", IDENTITY_PASSWORD).status_code == 302
    assert _signed_in_user(browser, enterprise).identity_id == identity.uuid


def test_staff_sign_in_is_throttled_like_any_other(enterprise, settings):
    settings.SIGN_IN_THROTTLE_PER_ACCOUNT = 2
    member = add_member(enterprise, "editor")
    browser = Client()
    for _ in range(2):
        _sign_in(browser, enterprise, member.email, "not-the-password-1")

    response = _sign_in(browser, enterprise, member.email, IDENTITY_PASSWORD)

    assert response.status_code == 429
    assert "Retry-After" in response
    assert _signed_in_user(browser, enterprise) is None


def test_failures_on_other_hosts_count_against_the_same_identity(
    client, enterprise, platform_host, settings
):
    # An identity staff of many workspaces must not get a fresh budget on each host.
    settings.SIGN_IN_THROTTLE_PER_ACCOUNT = 2
    member = add_member(enterprise, "editor")
    for _ in range(2):
        client.post(
            SIGN_IN,
            {"username": member.email, "password": "not-the-password-1"},
            HTTP_HOST=platform_host,
        )
    browser = Client()

    response = _sign_in(browser, enterprise, member.email, IDENTITY_PASSWORD)

    # the same answer as a wrong password: nothing says the address is staff here
    assert response.status_code == 200
    assert _error_text(response) == GENERIC_ERROR
    assert _signed_in_user(browser, enterprise) is None


def test_staff_with_an_authenticator_enter_a_code_on_the_workspace_host(enterprise, clock):
    member = add_member(enterprise, "editor")
    enrolled = enrol(member, clock)
    browser = Client()

    response = _sign_in(browser, enterprise, member.email, IDENTITY_PASSWORD)

    assert (response.status_code, response["Location"]) == (302, CODE)
    assert _signed_in_user(browser, enterprise) is None
    page = browser.get(CODE, HTTP_HOST=host_of(enterprise))
    assert page.status_code == 200
    assert settings.PLATFORM_NAME not in page.content.decode()
    wrong = browser.post(CODE, {"code": "000000"}, HTTP_HOST=host_of(enterprise))
    assert wrong.status_code == 400
    assert _signed_in_user(browser, enterprise) is None

    done = browser.post(CODE, {"code": enrolled.next_code()}, HTTP_HOST=host_of(enterprise))

    assert (done.status_code, done["Location"]) == (302, "/dashboard/")
    assert _signed_in_user(browser, enterprise).identity_id == member.uuid
    assert AuditEvent.objects.filter(
        action="auth.sign_in_code_step", workspace_id=enterprise.pk, actor=member
    ).exists()
    event = AuditEvent.objects.get(action="auth.signed_in", workspace_id=enterprise.pk)
    assert event.data["second_factor"] == FactorKind.TOTP


def test_wrong_codes_are_throttled_on_the_identity(enterprise, clock, settings):
    settings.TWO_FACTOR_THROTTLE_PER_ACCOUNT = 2
    member = add_member(enterprise, "editor")
    enrolled = enrol(member, clock)
    browser = Client()
    _sign_in(browser, enterprise, member.email, IDENTITY_PASSWORD)
    for _ in range(2):
        browser.post(CODE, {"code": "000000"}, HTTP_HOST=host_of(enterprise))

    response = browser.post(CODE, {"code": enrolled.next_code()}, HTTP_HOST=host_of(enterprise))

    assert response.status_code == 429
    assert _signed_in_user(browser, enterprise) is None


def test_the_code_step_needs_a_password_first(enterprise):
    response = Client().get(CODE, HTTP_HOST=host_of(enterprise))

    assert (response.status_code, response["Location"]) == (302, SIGN_IN)


def test_a_workspace_that_requires_two_factor_turns_away_staff_without_it(enterprise):
    enterprise.settings = {**enterprise.settings, "require_two_factor": True}
    enterprise.save(update_fields=["settings"])
    forget_hosts([host_of(enterprise)])
    member = add_member(enterprise, "editor")
    browser = Client()

    response = _sign_in(browser, enterprise, member.email, IDENTITY_PASSWORD)

    assert response.status_code == 403
    assert "requires staff to sign in with two-factor" in _error_text(response)
    assert _signed_in_user(browser, enterprise) is None


def test_a_workspace_that_requires_two_factor_lets_staff_with_it_in(enterprise, clock):
    enterprise.settings = {**enterprise.settings, "require_two_factor": True}
    enterprise.save(update_fields=["settings"])
    forget_hosts([host_of(enterprise)])
    member = add_member(enterprise, "editor")
    enrolled = enrol(member, clock)
    browser = Client()

    assert _sign_in(browser, enterprise, member.email, IDENTITY_PASSWORD)["Location"] == CODE
    browser.post(CODE, {"code": enrolled.next_code()}, HTTP_HOST=host_of(enterprise))

    assert _signed_in_user(browser, enterprise).identity_id == member.uuid


# ---- invitation links ----------------------------------------------------------


def _invite(workspace, email="new.person@example.test", role="editor", actor=None):
    actor = actor or Membership.objects.filter(workspace=workspace, role="owner").first().identity
    mail.outbox.clear()
    _, token = invitation_create(workspace=workspace, email=email, role=role, actor=actor)
    return token, mail.outbox[-1].body


def test_a_normal_workspaces_invitation_links_to_the_platform(alpha, owner):
    token, body = _invite(alpha, actor=owner)

    assert f"http://{settings.PLATFORM_DOMAIN}/invitations/{token}/" in body


def test_a_white_label_workspaces_invitation_links_to_its_own_host(enterprise):
    token, body = _invite(enterprise)

    assert f"http://{host_of(enterprise)}/join/{token}/" in body
    assert "/invitations/" not in body


def test_a_white_label_invitation_uses_the_verified_primary_domain(enterprise, owner):
    domain = domain_add(workspace=enterprise, host="team.whitely.test", verified=True)
    domain_set_primary(domain=domain, actor=owner)

    token, body = _invite(enterprise)

    assert f"http://team.whitely.test/join/{token}/" in body


def test_an_agency_clients_invitation_links_to_the_agencys_host(agency_client):
    token, body = _invite(agency_client)

    assert f"http://{AGENCY_HOST}/invitations/{token}/" in body
    assert f"{host_of(agency_client)}/join/" not in body


def test_an_agency_client_without_an_agency_host_joins_on_its_own_host(
    agency_client_without_host,
):
    token, body = _invite(agency_client_without_host)

    assert f"http://{host_of(agency_client_without_host)}/join/{token}/" in body


# ---- joining on the workspace's own host ---------------------------------------


def _join(client, workspace, token, data=None):
    path = f"/join/{token}/"
    if data is None:
        return client.get(path, HTTP_HOST=host_of(workspace))
    return client.post(path, data, HTTP_HOST=host_of(workspace))


def test_a_new_person_joins_by_creating_an_account_on_the_workspace_host(enterprise):
    token, _ = _invite(enterprise, email="new.person@example.test", role="editor")
    browser = Client()

    page = _join(browser, enterprise, token)
    assert page.status_code == 200
    assert 'data-join="new"' in page.content.decode()
    assert settings.PLATFORM_NAME not in page.content.decode()

    response = _join(
        browser,
        enterprise,
        token,
        {
            "first_name": "Nia",
            "last_name": "Park",
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    )

    assert (response.status_code, response["Location"]) == (302, "/dashboard/")
    with schema_context("public"):
        identity = User.objects.get(email="new.person@example.test")
    assert identity.check_password(NEW_PASSWORD)
    assert identity.get_full_name() == "Nia Park"
    assert Membership.objects.get(identity=identity, workspace=enterprise).role == "editor"
    assert Invitation.objects.get(email="new.person@example.test").accepted_by_id == identity.pk
    user = _signed_in_user(browser, enterprise)
    assert (user.identity_id, user.staff_role) == (identity.uuid, "editor")
    with tenant_context(enterprise):
        assert not User.objects.get(identity_id=identity.uuid).has_usable_password()


def test_a_weak_password_is_refused_and_nothing_is_made(enterprise):
    token, _ = _invite(enterprise, email="new.person@example.test")

    response = _join(
        Client(),
        enterprise,
        token,
        {"first_name": "Nia", "password": "12345678", "password_confirm": "12345678"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["password"]
    with schema_context("public"):
        assert not User.objects.filter(email="new.person@example.test").exists()
    assert Invitation.objects.get(email="new.person@example.test").accepted_at is None


def test_someone_with_an_account_joins_by_confirming_its_password(enterprise):
    with schema_context("public"):
        existing = IdentityFactory(email="known@example.test")
    token, _ = _invite(enterprise, email="known@example.test", role="viewer")
    browser = Client()

    assert 'data-join="existing"' in _join(browser, enterprise, token).content.decode()
    response = _join(browser, enterprise, token, {"password": IDENTITY_PASSWORD})

    assert (response.status_code, response["Location"]) == (302, "/dashboard/")
    assert Membership.objects.get(identity=existing, workspace=enterprise).role == "viewer"
    assert _signed_in_user(browser, enterprise).identity_id == existing.uuid


def test_a_wrong_password_does_not_join(enterprise):
    with schema_context("public"):
        existing = IdentityFactory(email="known@example.test")
    token, _ = _invite(enterprise, email="known@example.test")
    browser = Client()

    response = _join(browser, enterprise, token, {"password": "not-the-password-1"})

    assert response.status_code == 400
    assert response.context["form"].errors["password"] == ["That password is not right."]
    assert not Membership.objects.filter(identity=existing, workspace=enterprise).exists()
    assert Invitation.objects.get(email="known@example.test").accepted_at is None
    assert _signed_in_user(browser, enterprise) is None


def test_someone_with_an_authenticator_joins_then_enters_a_code(enterprise, clock):
    with schema_context("public"):
        existing = IdentityFactory(email="known@example.test")
    enrolled = enrol(existing, clock)
    token, _ = _invite(enterprise, email="known@example.test")
    browser = Client()

    response = _join(browser, enterprise, token, {"password": IDENTITY_PASSWORD})

    assert response["Location"] == CODE
    assert Membership.objects.filter(identity=existing, workspace=enterprise).exists()
    assert _signed_in_user(browser, enterprise) is None
    browser.post(CODE, {"code": enrolled.next_code()}, HTTP_HOST=host_of(enterprise))
    assert _signed_in_user(browser, enterprise).identity_id == existing.uuid


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("expired", 410, "team_invitation_expired"),
        ("used", 410, "team_invitation_used"),
        ("revoked", 410, "team_invitation_revoked"),
        ("unknown", 404, "team_invitation_invalid"),
    ],
)
def test_an_unusable_link_gets_a_branded_error_page(enterprise, case, status, code):
    token, _ = _invite(enterprise, email="new.person@example.test")
    invitation = Invitation.objects.get(email="new.person@example.test")
    if case == "expired":
        invitation.expires_at = timezone.now() - timedelta(minutes=1)
    elif case == "used":
        invitation.accepted_at = timezone.now()
    elif case == "revoked":
        invitation.revoked_at = timezone.now()
    invitation.save()
    token = "made-up-token" if case == "unknown" else token

    for response in (
        _join(Client(), enterprise, token),
        _join(Client(), enterprise, token, {"password": NEW_PASSWORD}),
    ):
        content = response.content.decode()
        assert response.status_code == status
        assert f'data-error-code="{code}"' in content
        assert "Whitely Studio" in content
        assert settings.PLATFORM_NAME not in content
    with schema_context("public"):
        assert not User.objects.filter(email="new.person@example.test").exists()


def test_a_used_link_cannot_be_used_twice(enterprise):
    token, _ = _invite(enterprise, email="new.person@example.test")
    data = {"first_name": "Nia", "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    assert _join(Client(), enterprise, token, data).status_code == 302

    again = _join(Client(), enterprise, token, {"password": NEW_PASSWORD})

    assert again.status_code == 410
    assert 'data-error-code="team_invitation_used"' in again.content.decode()


def test_another_workspaces_invitation_is_not_valid_here(enterprise, alpha, owner):
    token, _ = _invite(alpha, email="new.person@example.test", actor=owner)

    response = _join(Client(), enterprise, token)

    assert response.status_code == 404
    assert Invitation.objects.get(token_hash__isnull=False, workspace=alpha).accepted_at is None


# ---- custom domains ------------------------------------------------------------


@pytest.fixture
def dns(settings):
    settings.DNS_RESOLVER = "tenants.dns.MemoryResolver"
    settings.PLATFORM_CNAME_TARGET = "edge.platform-brand.test"
    MemoryResolver.reset()
    yield MemoryResolver
    MemoryResolver.reset()


def _records(domain) -> dict:
    return {record.type: (record.name, record.value) for record in dns_records_for(domain)}


def test_the_txt_record_name_is_neutral_for_everyone(alpha, owner, dns):
    domain = custom_domain_add(workspace=alpha, host="shop.alpha-example.com", actor=owner)

    assert _records(domain)["TXT"] == (
        "_domain-verify.shop.alpha-example.com",
        domain.verification_token,
    )


def test_the_txt_label_is_a_setting(alpha, owner, dns, settings):
    settings.DOMAIN_VERIFICATION_TXT_LABEL = "_acme-proof"
    domain = custom_domain_add(workspace=alpha, host="shop.alpha-example.com", actor=owner)
    dns.add("TXT", "_acme-proof.shop.alpha-example.com", domain.verification_token)
    dns.add("CNAME", "shop.alpha-example.com", "edge.platform-brand.test")

    assert _records(domain)["TXT"][0] == "_acme-proof.shop.alpha-example.com"
    assert custom_domain_verify(domain=domain).is_verified is True


@pytest.mark.parametrize("label", ["_domain-verify", "_mewayz"], ids=["new", "legacy"])
def test_both_the_new_and_the_legacy_txt_name_verify(alpha, owner, dns, label):
    domain = custom_domain_add(workspace=alpha, host="shop.alpha-example.com", actor=owner)
    dns.add("TXT", f"{label}.shop.alpha-example.com", domain.verification_token)
    dns.add("CNAME", "shop.alpha-example.com", "edge.platform-brand.test")

    assert custom_domain_verify(domain=domain).is_verified is True


def test_a_legacy_record_without_the_token_still_fails_naming_the_new_record(alpha, owner, dns):
    domain = custom_domain_add(workspace=alpha, host="shop.alpha-example.com", actor=owner)
    dns.add("TXT", "_mewayz.shop.alpha-example.com", "someone-elses-token")
    dns.add("CNAME", "shop.alpha-example.com", "edge.platform-brand.test")

    checked = custom_domain_verify(domain=domain)

    assert checked.is_verified is False
    assert checked.failure_reason.startswith(
        "No TXT record found at _domain-verify.shop.alpha-example.com."
    )
    assert "_mewayz" not in checked.failure_reason


def test_a_timeout_on_the_legacy_name_changes_nothing_and_names_the_new_one(alpha, owner, dns):
    domain = custom_domain_add(workspace=alpha, host="shop.alpha-example.com", actor=owner)
    dns.fail("_mewayz.shop.alpha-example.com")

    checked = custom_domain_verify(domain=domain)

    assert checked.status == Domain.Status.PENDING
    assert "_domain-verify.shop.alpha-example.com" in checked.failure_reason
    assert "_mewayz" not in checked.failure_reason


def test_the_cname_target_by_case(alpha, enterprise, agency_client, owner, dns, settings):
    settings.WHITE_LABEL_CNAME_TARGET = "edge.neutral-cdn.test"
    normal = custom_domain_add(workspace=alpha, host="shop.alpha-example.com", actor=owner)
    white = custom_domain_add(workspace=enterprise, host="shop.whitely.test", actor=owner)
    client_domain = custom_domain_add(
        workspace=agency_client, host="shop.client-co.test", actor=owner
    )

    assert _records(normal)["CNAME"] == ("shop.alpha-example.com", "edge.platform-brand.test")
    assert _records(white)["CNAME"] == ("shop.whitely.test", "edge.neutral-cdn.test")
    assert _records(client_domain)["CNAME"] == ("shop.client-co.test", AGENCY_HOST)

    settings.WHITE_LABEL_CNAME_TARGET = ""
    assert _records(white)["CNAME"] == ("shop.whitely.test", "")


@pytest.mark.parametrize(
    "target",
    ["edge.neutral-cdn.test", "edge.platform-brand.test", "whitely.localhost"],
    ids=["shown-target", "platform-target", "default-host"],
)
def test_a_white_label_host_verifies_with_the_target_shown_or_the_platforms(
    enterprise, owner, dns, settings, target
):
    settings.WHITE_LABEL_CNAME_TARGET = "edge.neutral-cdn.test"
    domain = custom_domain_add(workspace=enterprise, host="shop.whitely.test", actor=owner)
    dns.add("TXT", "_domain-verify.shop.whitely.test", domain.verification_token)
    dns.add("CNAME", "shop.whitely.test", target)

    assert custom_domain_verify(domain=domain).is_verified is True


def test_an_agency_clients_host_verifies_with_a_cname_to_the_agency_host(agency_client, owner, dns):
    domain = custom_domain_add(workspace=agency_client, host="shop.client-co.test", actor=owner)
    dns.add("TXT", "_domain-verify.shop.client-co.test", domain.verification_token)
    dns.add("CNAME", "shop.client-co.test", AGENCY_HOST)

    assert custom_domain_verify(domain=domain).is_verified is True


@pytest.mark.parametrize("white_label_target", ["edge.neutral-cdn.test", ""])
def test_a_white_label_failure_reason_never_names_the_platform(
    enterprise, owner, dns, settings, white_label_target
):
    settings.WHITE_LABEL_CNAME_TARGET = white_label_target
    domain = custom_domain_add(workspace=enterprise, host="shop.whitely.test", actor=owner)
    dns.add("CNAME", "shop.whitely.test", "elsewhere.example.net")

    reason = custom_domain_verify(domain=domain).failure_reason

    assert "points to elsewhere.example.net instead of" in reason
    assert "edge.platform-brand.test" not in reason
    assert (white_label_target or "the target your provider gave you") in reason


@pytest.mark.parametrize("white_label_target", ["edge.neutral-cdn.test", ""])
def test_a_white_label_domains_page_never_names_the_platform(
    enterprise, owner, dns, settings, white_label_target
):
    settings.WHITE_LABEL_CNAME_TARGET = white_label_target
    domain = custom_domain_add(workspace=enterprise, host="shop.whitely.test", actor=owner)
    browser = client_for_member(owner, enterprise)
    browser.post(f"{DOMAINS}{domain.pk}/check/", HTTP_HOST=host_of(enterprise))  # fails

    response = browser.get(DOMAINS, HTTP_HOST=host_of(enterprise))

    content = response.content.decode()
    assert response.status_code == 200
    assert 'data-host="shop.whitely.test"' in content
    assert 'value="_domain-verify.shop.whitely.test"' in content
    assert host_of(enterprise) not in content  # the default host is left out
    assert "Default address" not in content
    assert "edge.platform-brand.test" not in content
    assert "_mewayz" not in content
    if white_label_target:
        assert f'value="{white_label_target}"' in content
    else:
        assert 'data-record-value="provider"' in content


def test_an_agency_clients_domains_page_shows_the_agency_host(agency_client, owner, dns):
    custom_domain_add(workspace=agency_client, host="shop.client-co.test", actor=owner)
    browser = client_for_member(owner, agency_client)

    content = browser.get(DOMAINS, HTTP_HOST=host_of(agency_client)).content.decode()

    assert f'value="{AGENCY_HOST}"' in content
    assert host_of(agency_client) not in content
    assert "edge.platform-brand.test" not in content


def test_the_hidden_default_host_still_routes_and_cannot_be_opened_on_the_page(enterprise, owner):
    default = Domain.objects.get(domain=host_of(enterprise))
    browser = client_for_member(owner, enterprise)

    assert browser.get("/dashboard/", HTTP_HOST=host_of(enterprise)).status_code == 200
    removal = browser.get(f"{DOMAINS}{default.pk}/remove/", HTTP_HOST=host_of(enterprise))
    assert removal.status_code == 404


def test_a_normal_workspaces_domains_page_still_lists_its_default_host(staff_client, alpha, dns):
    content = staff_client.get(DOMAINS, HTTP_HOST=host_of(alpha)).content.decode()

    assert f'data-host="{host_of(alpha)}"' in content
    assert "Default address" in content
