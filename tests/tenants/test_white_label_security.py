"""Account security and password reset without the platform's host (issue 5).

- An identity's security page (two-factor set-up, recovery codes, sign out everywhere,
  workspaces requiring two-factor) is served on an agency's dashboard host, in the
  agency's brand, with the agency's name in the authenticator app; social sign-in's
  "connected accounts" stay on the platform's host.
- A white-labelled workspace's staff reset their identity's password on the workspace's
  own host; everyone else keeps the reset they had.

The workspaces and the agency are provisioned once for the module (committed) and
deleted after it; whatever a test writes rolls back with its transaction.
"""

import base64
import re

import pyotp
import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from shared_apps.accounts.models import User
from shared_apps.mfa import services as mfa_services
from shared_apps.mfa.models import TOTPDevice
from shared_apps.mfa.services import FactorKind
from shared_apps.platform.models import AuditEvent
from tenants.host_cache import forget_hosts
from tenants.models import Agency, AgencyHost, AgencyMembership, Membership, Workspace
from tenants.services import workspace_delete, workspace_provision
from tenants.white_label import workspace_is_white_label
from tests.factories import IDENTITY_PASSWORD, IdentityFactory
from tests.helpers import add_member, host_of
from tests.shared_apps.billing.support import ENTERPRISE, choose, stripe_confirms_payment
from tests.shared_apps.mfa.support import SECURITY, SETUP, T0, VERIFY, Clock, enrol

HOST = "dash.eastwind-sec.test"
AGENCY_NAME = "Eastwind Digital"
SIGN_IN = "/accounts/sign-in/"
CODE = "/accounts/sign-in/code/"
RESET = "/accounts/password-reset/"
RESET_SENT = "/accounts/password-reset/sent/"
DISABLE = "/account/security/two-factor/disable/"
RECOVERY = "/account/security/two-factor/recovery-codes/"
SIGN_OUT_EVERYWHERE = "/accounts/sign-out-everywhere/"
NEW_PASSWORD = "a-fresh-and-unusual-passphrase-77"
GENERIC_ERROR = "That email and password do not match an account."
PLATFORM = settings.PLATFORM_DOMAIN


# ---- the module's world ---------------------------------------------------------


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), schema_context("public"):
        session_owner = User.objects.get(email="owner@session.test")
        agency_owner = IdentityFactory(email="owner@eastwind-sec.test", first_name="Esme")
        agency = Agency.objects.create(name=AGENCY_NAME, slug="eastwind-sec")
        AgencyHost.objects.create(
            agency=agency,
            host=HOST,
            is_verified=True,
            status=AgencyHost.Status.VERIFIED,
            verified_at=timezone.now(),
        )
        AgencyMembership.objects.create(identity=agency_owner, agency=agency, role="owner")
        client_workspace = workspace_provision(
            name="Eastwind Client", slug="ew-sec-client", owner=agency_owner, agency=agency
        )
        enterprise = workspace_provision(name="Secura Studio", slug="secura", owner=session_owner)
        choose(enterprise, "whitelabel", plan_code=ENTERPRISE, actor=session_owner)
        stripe_confirms_payment(enterprise)  # a paid plan's features come on once paid
    workspaces = [client_workspace, enterprise]
    yield {
        "agency": agency.pk,
        "agency_owner": agency_owner.pk,
        "client": client_workspace.pk,
        "enterprise": enterprise.pk,
    }
    with django_db_blocker.unblock(), schema_context("public"):
        for workspace in workspaces:
            workspace_delete(workspace=workspace, confirm_slug=workspace.slug)
        AuditEvent.objects.filter(workspace_id__in=[w.pk for w in workspaces]).delete()
        AuditEvent.objects.filter(actor=agency_owner).delete()
        AgencyMembership.objects.filter(agency=agency).delete()
        agency.delete()
        agency_owner.delete()


@pytest.fixture
def world(db, _module_world):
    forget_hosts([HOST])
    return _module_world


@pytest.fixture
def agency(world):
    return Agency.objects.get(pk=world["agency"])


@pytest.fixture
def agency_owner(world):
    with schema_context("public"):
        return User.objects.get(pk=world["agency_owner"])


def _workspace(world, key: str) -> Workspace:
    workspace = Workspace.objects.select_related("agency").get(pk=world[key])
    forget_hosts([host_of(workspace)])
    return workspace


@pytest.fixture
def agency_client(world):
    """A client of the agency: white-labelled by being one."""
    workspace = _workspace(world, "client")
    assert workspace_is_white_label(workspace=workspace)
    return workspace


@pytest.fixture
def enterprise(world):
    """An Enterprise workspace with the `whitelabel` feature on."""
    workspace = _workspace(world, "enterprise")
    assert workspace_is_white_label(workspace=workspace)
    return workspace


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(T0)
    monkeypatch.setattr(mfa_services, "_now", lambda: clock.now)
    return clock


@pytest.fixture
def social_providers(settings):
    """Google sign-in configured, as GOOGLE_CLIENT_ID would configure it."""
    configured = {key: dict(value) for key, value in settings.SOCIALACCOUNT_PROVIDERS.items()}
    configured["google"]["APPS"] = [{"client_id": "google-client", "secret": "google-secret"}]
    settings.SOCIALACCOUNT_PROVIDERS = configured


def signed_in(identity) -> Client:
    """A browser signed in as `identity` on the platform's and agencies' hosts."""
    browser = Client()
    browser.force_login(identity)
    return browser


def _agency_staff(agency, role="staff", **identity_fields):
    with schema_context("public"):
        identity = IdentityFactory(**identity_fields)
        AgencyMembership.objects.create(identity=identity, agency=agency, role=role)
    return identity


def _assert_never_names_the_platform(text: str) -> None:
    assert "Mewayz" not in text
    assert settings.PLATFORM_NAME not in text
    assert f"//{PLATFORM}/" not in text


def _code(enrolment, clock) -> str:
    return pyotp.TOTP(enrolment.secret).at(clock.now)


# ---- the security page on an agency's host --------------------------------------


def test_agency_staff_get_the_security_page_on_the_agency_host(agency, social_providers):
    staff = _agency_staff(agency)

    response = signed_in(staff).get(SECURITY, HTTP_HOST=HOST)

    html = response.content.decode()
    assert response.status_code == 200
    assert response.wsgi_request.agency == agency
    assert f"How you sign in to {AGENCY_NAME}" in html
    assert 'id="two-factor-title"' in html
    assert f'action="{SIGN_OUT_EVERYWHERE}"' in html
    # Social sign-in is the platform host's alone: no section, no provider links.
    assert "Connected accounts" not in html
    assert "/accounts/social/" not in html
    assert "New workspace" not in html  # the platform's page: a 404 on this host
    _assert_never_names_the_platform(html)


def test_the_platform_host_still_shows_connected_accounts(identity, social_providers):
    html = signed_in(identity).get(SECURITY, HTTP_HOST=PLATFORM).content.decode()

    assert "Connected accounts" in html
    assert "New workspace" in html


def test_the_security_page_needs_a_signed_in_person_on_the_agency_host(world):
    response = Client().get(SECURITY, HTTP_HOST=HOST)

    assert response.status_code == 302
    assert response["Location"].startswith(f"{SIGN_IN}?next=")


def test_the_old_security_address_leads_to_the_page_on_the_agency_host(agency):
    response = signed_in(_agency_staff(agency)).get("/accounts/security/", HTTP_HOST=HOST)

    assert (response.status_code, response["Location"]) == (302, SECURITY)


def test_the_account_menu_links_to_security_on_platform_and_agency_hosts(
    agency, agency_owner, identity, staff_client, alpha
):
    agency_dashboard = signed_in(agency_owner).get("/dashboard/", HTTP_HOST=HOST)
    platform_dashboard = signed_in(identity).get("/dashboard/", HTTP_HOST=PLATFORM)
    workspace_dashboard = staff_client.get("/dashboard/", HTTP_HOST=host_of(alpha))

    link = f'<a class="menu__item" href="{SECURITY}">'
    assert agency_dashboard.status_code == 200
    assert link in agency_dashboard.content.decode()
    assert link in platform_dashboard.content.decode()
    # Workspace hosts do not route the identity's page.
    assert workspace_dashboard.status_code == 200
    assert SECURITY not in workspace_dashboard.content.decode()


def test_set_up_on_the_agency_host_names_the_agency_in_the_authenticator(agency):
    staff = _agency_staff(agency, email="setup@eastwind-sec.test")

    response = signed_in(staff).get(SETUP, HTTP_HOST=HOST)

    assert response.status_code == 200
    enrolment = response.context["enrolment"]
    uri = enrolment.provisioning_uri
    assert uri.startswith("otpauth://totp/Eastwind%20Digital:setup%40eastwind-sec.test?")
    assert "issuer=Eastwind%20Digital" in uri
    assert "Mewayz" not in uri
    # The QR code carries that URI, nothing else.
    assert enrolment.qr_data_uri == mfa_services._qr_data_uri(uri)
    svg = base64.b64decode(enrolment.qr_data_uri.split(",", 1)[1])
    assert svg.startswith(b"<?xml") or b"<svg" in svg
    html = response.content.decode()
    assert f"QR code to add {AGENCY_NAME} to your authenticator app" in html
    _assert_never_names_the_platform(html)


def test_the_agency_name_comes_from_its_brand_when_it_has_a_display_name(agency):
    agency.branding = {**agency.branding, "display_name": "Eastwind Studio"}
    agency.save(update_fields=["branding"])
    forget_hosts([HOST])
    staff = _agency_staff(agency)

    uri = signed_in(staff).get(SETUP, HTTP_HOST=HOST).context["enrolment"].provisioning_uri

    assert "issuer=Eastwind%20Studio" in uri


def test_the_platform_host_keeps_the_platforms_issuer(identity, settings):
    uri = signed_in(identity).get(SETUP, HTTP_HOST=PLATFORM).context["enrolment"].provisioning_uri
    assert f"issuer={settings.TWO_FACTOR_ISSUER}" in uri
    assert settings.TWO_FACTOR_ISSUER == settings.PLATFORM_NAME

    settings.TWO_FACTOR_ISSUER = "Operator Console"
    uri = signed_in(identity).get(SETUP, HTTP_HOST=PLATFORM).context["enrolment"].provisioning_uri
    assert "issuer=Operator%20Console" in uri


def test_one_secret_whichever_host_shows_it(agency):
    # Resuming set-up elsewhere keeps the secret: only the label differs.
    staff = _agency_staff(agency)
    browser = signed_in(staff)

    on_agency = browser.get(SETUP, HTTP_HOST=HOST).context["enrolment"]
    on_platform = browser.get(SETUP, HTTP_HOST=PLATFORM).context["enrolment"]

    assert on_agency.secret == on_platform.secret
    assert "issuer=Eastwind%20Digital" in on_agency.provisioning_uri
    assert f"issuer={settings.TWO_FACTOR_ISSUER}" in on_platform.provisioning_uri


def test_turning_two_factor_on_and_using_it_on_the_agency_host(agency, clock):
    staff = _agency_staff(agency, email="enrol@eastwind-sec.test")
    browser = signed_in(staff)
    enrolment = browser.get(SETUP, HTTP_HOST=HOST).context["enrolment"]

    # a wrong code first: nothing is turned on
    wrong = browser.post(SETUP, {"code": "000000"}, HTTP_HOST=HOST)
    assert wrong.status_code == 400
    assert not TOTPDevice.objects.filter(identity=staff, confirmed_at__isnull=False).exists()

    done = browser.post(SETUP, {"code": _code(enrolment, clock)}, HTTP_HOST=HOST)

    assert done.status_code == 200
    assert len(done.context["codes"]) == 10
    assert done.context["continue_url"] == SECURITY
    _assert_never_names_the_platform(done.content.decode())
    page = browser.get(SECURITY, HTTP_HOST=HOST).content.decode()
    assert "Recovery codes left" in page
    assert AuditEvent.objects.filter(action="mfa.enabled", actor=staff).exists()

    # then signing in on the agency host asks for a code there
    fresh = Client()
    password_step = fresh.post(
        SIGN_IN, {"username": staff.email, "password": IDENTITY_PASSWORD}, HTTP_HOST=HOST
    )
    assert (password_step.status_code, password_step["Location"]) == (302, VERIFY)
    clock.advance(30)
    code_step = fresh.post(VERIFY, {"code": _code(enrolment, clock)}, HTTP_HOST=HOST)
    assert (code_step.status_code, code_step["Location"]) == (302, "/dashboard/")
    assert fresh.get("/dashboard/", HTTP_HOST=HOST).wsgi_request.user == staff


def test_recovery_codes_and_turning_off_on_the_agency_host(agency, clock):
    staff = _agency_staff(agency)
    enrolled = enrol(staff, clock)
    browser = signed_in(staff)

    renewed = browser.post(RECOVERY, {"regenerate-code": enrolled.next_code()}, HTTP_HOST=HOST)
    assert renewed.status_code == 200
    assert set(renewed.context["codes"]).isdisjoint(enrolled.recovery_codes)
    _assert_never_names_the_platform(renewed.content.decode())

    refused = browser.post(DISABLE, {"disable-password": "not-the-password-1"}, HTTP_HOST=HOST)
    assert refused.status_code == 400
    assert TOTPDevice.objects.filter(identity=staff).exists()

    turned_off = browser.post(DISABLE, {"disable-password": IDENTITY_PASSWORD}, HTTP_HOST=HOST)
    assert (turned_off.status_code, turned_off["Location"]) == (302, SECURITY)
    assert not TOTPDevice.objects.filter(identity=staff).exists()


def test_sign_out_everywhere_on_the_agency_host(agency):
    staff = _agency_staff(agency)
    here, elsewhere = signed_in(staff), signed_in(staff)

    response = here.post(SIGN_OUT_EVERYWHERE, HTTP_HOST=HOST)

    assert (response.status_code, response["Location"]) == (302, SIGN_IN)
    assert not elsewhere.get("/dashboard/", HTTP_HOST=HOST).wsgi_request.user.is_authenticated
    assert AuditEvent.objects.filter(action="auth.signed_out_everywhere", actor=staff).exists()


def test_the_agency_host_lists_and_changes_only_the_agencys_workspaces(
    agency, agency_owner, agency_client, alpha, clock
):
    # given the agency's owner, also an owner of a workspace outside the agency
    with schema_context("public"):
        Membership.objects.create(identity=agency_owner, workspace=alpha, role="owner")
    enrol(agency_owner, clock)
    browser = signed_in(agency_owner)

    page = browser.get(SECURITY, HTTP_HOST=HOST)
    names = [row["workspace"].name for row in page.context["workspace_rows"]]
    outside = browser.post(
        f"/account/security/workspaces/{alpha.pk}/two-factor/", {"required": "on"}, HTTP_HOST=HOST
    )
    inside = browser.post(
        f"/account/security/workspaces/{agency_client.pk}/two-factor/",
        {"required": "on"},
        HTTP_HOST=HOST,
    )

    assert names == ["Eastwind Client"]
    assert outside.status_code == 404
    alpha.refresh_from_db()
    assert not alpha.settings.get("require_two_factor")
    assert (inside.status_code, inside["Location"]) == (302, SECURITY)
    agency_client.refresh_from_db()
    assert agency_client.settings["require_two_factor"] is True
    # the platform host still lists both
    platform = browser.get(SECURITY, HTTP_HOST=PLATFORM)
    assert {row["workspace"].name for row in platform.context["workspace_rows"]} == {
        "Alpha Co",
        "Eastwind Client",
    }


# ---- platform owners must set up two-factor, on an agency host too -------------


def test_a_platform_owner_on_the_agency_host_is_sent_to_set_up_there(agency, clock):
    owner = _agency_staff(agency, role="admin", is_superuser=True, is_staff=True)
    browser = signed_in(owner)

    response = browser.get("/dashboard/", HTTP_HOST=HOST)

    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Fdashboard%2F"
    # everything else is held back too, the security page included
    assert browser.get(SECURITY, HTTP_HOST=HOST)["Location"].startswith(SETUP)
    setup = browser.get(response["Location"], HTTP_HOST=HOST)
    assert setup.status_code == 200
    assert "issuer=Eastwind%20Digital" in setup.context["enrolment"].provisioning_uri
    assert "Platform owners must use two-factor authentication" in setup.content.decode()
    _assert_never_names_the_platform(setup.content.decode())

    done = browser.post(
        SETUP,
        {"code": _code(setup.context["enrolment"], clock), "next": "/dashboard/"},
        HTTP_HOST=HOST,
    )

    assert done.status_code == 200
    assert done.context["continue_url"] == "/dashboard/"
    assert browser.get("/dashboard/", HTTP_HOST=HOST).status_code == 200


def test_a_platform_owner_is_still_sent_to_set_up_on_the_platform_host(db):
    with schema_context("public"):
        owner = IdentityFactory(is_superuser=True, is_staff=True)

    response = signed_in(owner).get("/dashboard/", HTTP_HOST=PLATFORM)

    assert response["Location"] == f"{SETUP}?next=%2Fdashboard%2F"
    setup = signed_in(owner).get(SETUP, HTTP_HOST=PLATFORM)
    assert f"issuer={settings.TWO_FACTOR_ISSUER}" in setup.context["enrolment"].provisioning_uri


# ---- staff reset their password on a white-labelled workspace's host -------------


def _ask_reset(browser, host, email):
    return browser.post(RESET, {"email": email}, HTTP_HOST=host)


def _link(message) -> tuple[str, str]:
    """(host, path) of the reset link in a mail."""
    match = re.search(r"https?://([^/\s]+)(/accounts/password-reset/[^\s\"<]+)", message.body)
    return match[1], match[2]


def _open_link(browser, host, path):
    """Follow a reset link the way a browser does: it moves to the set-password page."""
    response = browser.get(path, HTTP_HOST=host)
    if response.status_code == 302:
        return response["Location"], browser.get(response["Location"], HTTP_HOST=host)
    return path, response


def _choose(browser, host, path, password=NEW_PASSWORD):
    return browser.post(
        path, {"new_password1": password, "new_password2": password}, HTTP_HOST=host
    )


def _signed_in_user(browser, host):
    user = browser.get("/dashboard/", HTTP_HOST=host).wsgi_request.user
    return user if user.is_authenticated else None


def _identity(identity):
    with schema_context("public"):
        return User.objects.get(pk=identity.pk)


@pytest.mark.parametrize("key", ["enterprise", "client"])
def test_staff_of_a_white_labelled_workspace_reset_on_its_host(world, key):
    workspace = _workspace(world, key)  # an Enterprise white label, an agency's client
    member = add_member(workspace, "editor")
    host = host_of(workspace)
    browser = Client()

    asked = _ask_reset(browser, host, member.email.upper())

    assert (asked.status_code, asked["Location"]) == (302, RESET_SENT)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.email]
    assert message.subject == f"Reset your {workspace.name} password"
    assert workspace.name in message.from_email
    assert message.from_email.endswith(f"@{host}>")
    html = message.alternatives[0][0]
    for text in (message.body, html, message.from_email):
        _assert_never_names_the_platform(text)
    link_host, path = _link(message)
    assert link_host == host
    assert path.startswith("/accounts/password-reset/staff/")
    uid = path.split("/")[4]
    # the identity's uuid, not the mirror's id
    assert base64.urlsafe_b64decode(uid + "==").decode() == str(member.uuid)

    form_path, page = _open_link(browser, host, path)
    assert form_path.endswith("/set-password/")
    assert page.status_code == 200
    assert page.context["validlink"] is True
    _assert_never_names_the_platform(page.content.decode())
    chosen = _choose(browser, host, form_path)

    assert (chosen.status_code, chosen["Location"]) == (302, "/dashboard/")
    user = _signed_in_user(browser, host)
    assert (user.identity_id, user.staff_role) == (member.uuid, "editor")
    identity = _identity(member)
    assert identity.check_password(NEW_PASSWORD)
    assert not identity.check_password(IDENTITY_PASSWORD)
    with tenant_context(workspace):
        assert not User.objects.get(identity_id=member.uuid).has_usable_password()
    reset = AuditEvent.objects.get(action="auth.password_reset", workspace_id=workspace.pk)
    assert (reset.actor_id, reset.data) == (member.pk, {"host": host, "via": "reset_link"})
    signed = AuditEvent.objects.get(action="auth.signed_in", workspace_id=workspace.pk)
    assert signed.data["method"] == "password_reset"


def test_the_old_password_stops_working_and_the_new_one_signs_in(enterprise):
    member = add_member(enterprise, "admin")
    host = host_of(enterprise)
    _ask_reset(Client(), host, member.email)
    browser = Client()
    form_path, _ = _open_link(browser, host, _link(mail.outbox[0])[1])
    _choose(browser, host, form_path)

    old = Client().post(
        SIGN_IN, {"username": member.email, "password": IDENTITY_PASSWORD}, HTTP_HOST=host
    )
    new = Client()
    signed = new.post(SIGN_IN, {"username": member.email, "password": NEW_PASSWORD}, HTTP_HOST=host)
    on_platform = Client().post(
        SIGN_IN, {"username": member.email, "password": IDENTITY_PASSWORD}, HTTP_HOST=PLATFORM
    )

    assert old.status_code == 200
    assert GENERIC_ERROR in " ".join(old.context["form"].non_field_errors())
    assert signed.status_code == 302
    assert _signed_in_user(new, host).identity_id == member.uuid
    assert on_platform.status_code == 200  # refused there too: it is one identity


def test_the_link_works_once(enterprise):
    member = add_member(enterprise, "editor")
    host = host_of(enterprise)
    _ask_reset(Client(), host, member.email)
    path = _link(mail.outbox[0])[1]
    first = Client()
    form_path, _ = _open_link(first, host, path)
    assert _choose(first, host, form_path).status_code == 302

    again = Client()
    _, page = _open_link(again, host, path)
    # even a browser that opened it before the password changed
    late = _choose(first, host, form_path, password="yet-another-passphrase-5")

    assert page.status_code == 200
    assert page.context["validlink"] is False
    assert "This link no longer works" in page.content.decode()
    assert late.context["validlink"] is False
    assert _identity(member).check_password(NEW_PASSWORD)


def test_a_password_change_elsewhere_voids_the_link(enterprise):
    member = add_member(enterprise, "editor")
    host = host_of(enterprise)
    _ask_reset(Client(), host, member.email)
    with schema_context("public"):
        identity = User.objects.get(pk=member.pk)
        identity.set_password("changed-on-the-platform-3")
        identity.save(update_fields=["password"])

    _, page = _open_link(Client(), host, _link(mail.outbox[0])[1])

    assert page.context["validlink"] is False


def test_a_made_up_or_foreign_link_is_dead(enterprise, agency_client):
    member = add_member(enterprise, "editor")
    _ask_reset(Client(), host_of(enterprise), member.email)
    path = _link(mail.outbox[0])[1]

    # the same link on another white-labelled workspace, where they are not staff
    foreign = _open_link(Client(), host_of(agency_client), path)[1]
    made_up = _open_link(
        Client(), host_of(enterprise), "/accounts/password-reset/staff/bm9wZQ/abc-123/"
    )[1]

    assert foreign.context["validlink"] is False
    assert made_up.context["validlink"] is False


def test_a_member_removed_after_the_mail_cannot_use_the_link(enterprise):
    member = add_member(enterprise, "editor")
    host = host_of(enterprise)
    _ask_reset(Client(), host, member.email)
    Membership.objects.filter(identity=member, workspace=enterprise).delete()

    _, page = _open_link(Client(), host, _link(mail.outbox[0])[1])

    assert page.context["validlink"] is False


def test_a_weak_password_is_refused_and_the_link_still_works(enterprise):
    member = add_member(enterprise, "editor")
    host = host_of(enterprise)
    _ask_reset(Client(), host, member.email)
    browser = Client()
    form_path, _ = _open_link(browser, host, _link(mail.outbox[0])[1])

    weak = _choose(browser, host, form_path, password="12345678")
    mismatch = browser.post(
        form_path,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"},
        HTTP_HOST=host,
    )

    assert weak.status_code == 400
    assert weak.context["form"].errors["new_password2"]
    assert mismatch.status_code == 400
    assert _identity(member).check_password(IDENTITY_PASSWORD)
    assert _signed_in_user(browser, host) is None
    assert _choose(browser, host, form_path).status_code == 302


def test_staff_with_an_authenticator_continue_to_the_code_step(enterprise, clock):
    member = add_member(enterprise, "editor")
    enrolled = enrol(member, clock)
    host = host_of(enterprise)
    _ask_reset(Client(), host, member.email)
    browser = Client()
    form_path, _ = _open_link(browser, host, _link(mail.outbox[0])[1])

    chosen = _choose(browser, host, form_path)

    assert (chosen.status_code, chosen["Location"]) == (302, CODE)
    assert _signed_in_user(browser, host) is None
    done = browser.post(CODE, {"code": enrolled.next_code()}, HTTP_HOST=host)
    assert (done.status_code, done["Location"]) == (302, "/dashboard/")
    assert _signed_in_user(browser, host).identity_id == member.uuid
    event = AuditEvent.objects.get(action="auth.signed_in", workspace_id=enterprise.pk)
    assert event.data["second_factor"] == FactorKind.TOTP


def test_a_workspace_requiring_two_factor_sets_the_password_but_lets_no_one_in(enterprise):
    enterprise.settings = {**enterprise.settings, "require_two_factor": True}
    enterprise.save(update_fields=["settings"])
    forget_hosts([host_of(enterprise)])
    member = add_member(enterprise, "editor")
    host = host_of(enterprise)
    _ask_reset(Client(), host, member.email)
    browser = Client()
    form_path, _ = _open_link(browser, host, _link(mail.outbox[0])[1])

    chosen = _choose(browser, host, form_path)

    assert (chosen.status_code, chosen["Location"]) == (302, SIGN_IN)
    assert _signed_in_user(browser, host) is None
    assert _identity(member).check_password(NEW_PASSWORD)


def test_the_reset_ends_the_identitys_other_sessions(enterprise, alpha):
    member = add_member(enterprise, "editor")
    add_member_to(alpha, member)
    host = host_of(enterprise)
    on_platform = signed_in(member)
    on_alpha = _client_for_mirror(member, alpha)
    assert _signed_in_user(on_alpha, host_of(alpha)) is not None
    _ask_reset(Client(), host, member.email)
    browser = Client()
    form_path, _ = _open_link(browser, host, _link(mail.outbox[0])[1])

    _choose(browser, host, form_path)

    assert _signed_in_user(on_alpha, host_of(alpha)) is None
    assert not on_platform.get("/dashboard/", HTTP_HOST=PLATFORM).wsgi_request.user.is_authenticated
    assert _signed_in_user(browser, host).identity_id == member.uuid


def add_member_to(workspace, identity, role="viewer"):
    from tenants.services import membership_mirror_sync_in_workspace

    with schema_context("public"):
        membership = Membership.objects.create(identity=identity, workspace=workspace, role=role)
    membership_mirror_sync_in_workspace(membership=membership)


def _client_for_mirror(identity, workspace) -> Client:
    browser = Client()
    with tenant_context(workspace):
        browser.force_login(User.objects.get(identity_id=identity.uuid))
    return browser


# ---- the same page for everyone else ---------------------------------------------


def test_an_unknown_email_gets_the_same_answer_and_no_mail(enterprise):
    member = add_member(enterprise, "editor")
    host = host_of(enterprise)

    known = _ask_reset(Client(), host, member.email)
    mail.outbox.clear()
    unknown = _ask_reset(Client(), host, "nobody@example.test")

    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert mail.outbox == []


@pytest.mark.parametrize("case", ["disabled", "not-a-member", "no-usable-password"])
def test_staff_who_cannot_reset_here_get_the_same_answer_and_no_mail(enterprise, alpha, case):
    member = add_member(enterprise if case != "not-a-member" else alpha, "editor")
    with schema_context("public"):
        identity = User.objects.get(pk=member.pk)
        if case == "disabled":
            identity.is_active = False
        if case == "no-usable-password":
            identity.set_unusable_password()
        identity.save()

    response = _ask_reset(Client(), host_of(enterprise), member.email)

    assert (response.status_code, response["Location"]) == (302, RESET_SENT)
    assert mail.outbox == []


def test_a_normal_workspaces_staff_get_no_mail_on_its_host(alpha):
    member = add_member(alpha, "editor")
    # even a mirror with a tenant-local password of its own (older data): it would
    # never sign staff in, so a link to set it would only mislead
    other = add_member(alpha, "editor")
    with tenant_context(alpha):
        mirror = User.objects.get(identity_id=other.uuid)
        mirror.set_password("a-local-password-11")
        mirror.save(update_fields=["password"])

    for email in (member.email, other.email):
        response = _ask_reset(Client(), host_of(alpha), email)
        assert (response.status_code, response["Location"]) == (302, RESET_SENT)

    assert mail.outbox == []


@pytest.mark.parametrize("white_label", [True, False])
def test_customers_still_reset_their_own_password(world, alpha, white_label):
    workspace = _workspace(world, "enterprise") if white_label else alpha
    host = host_of(workspace)
    with tenant_context(workspace):
        customer = IdentityFactory(email="buyer@example.test")
    browser = Client()

    _ask_reset(browser, host, customer.email)

    assert len(mail.outbox) == 1
    link_host, path = _link(mail.outbox[0])
    assert link_host == host
    assert not path.startswith("/accounts/password-reset/staff/")
    form_path, page = _open_link(browser, host, path)
    assert page.context["validlink"] is True
    assert _choose(browser, host, form_path)["Location"] == "/accounts/password-reset/done/"
    with tenant_context(workspace):
        assert User.objects.get(pk=customer.pk).check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="auth.password_reset", workspace_id=workspace.pk)
    assert event.actor_id is None
    assert event.data["email"] == "buyer@example.test"


def test_the_reset_form_is_throttled_the_same_for_staff(enterprise, settings):
    settings.PASSWORD_RESET_THROTTLE_PER_ADDRESS = 1
    member = add_member(enterprise, "editor")
    host = host_of(enterprise)
    _ask_reset(Client(), host, "nobody@example.test")

    response = _ask_reset(Client(), host, member.email)

    assert response.status_code == 429
    assert "Retry-After" in response
    assert mail.outbox == []


# ---- password reset on an agency's host ------------------------------------------


def test_an_agency_host_reset_is_in_the_agencys_brand_and_links_there(agency):
    staff = _agency_staff(agency, email="forgot@eastwind-sec.test")
    browser = Client()

    asked = _ask_reset(browser, HOST, staff.email)

    assert (asked.status_code, asked["Location"]) == (302, RESET_SENT)
    message = mail.outbox[0]
    assert message.subject == f"Reset your {AGENCY_NAME} password"
    assert message.from_email == f"{AGENCY_NAME} <no-reply@{HOST}>"
    for text in (message.body, message.alternatives[0][0]):
        _assert_never_names_the_platform(text)
    link_host, path = _link(message)
    assert link_host == HOST
    form_path, page = _open_link(browser, HOST, path)
    assert page.context["validlink"] is True
    _assert_never_names_the_platform(page.content.decode())
    assert _choose(browser, HOST, form_path)["Location"] == "/accounts/password-reset/done/"
    assert _identity(staff).check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="auth.password_reset", actor=staff)
    assert event.data == {"via": "reset_link"}


def test_a_platform_reset_is_audited(identity):
    browser = Client()
    _ask_reset(browser, PLATFORM, identity.email)
    form_path, _ = _open_link(browser, PLATFORM, _link(mail.outbox[0])[1])

    _choose(browser, PLATFORM, form_path)

    assert AuditEvent.objects.filter(action="auth.password_reset", actor=identity).count() == 1
