"""Staff of a white-labelled workspace manage their identity's two-factor sign-in on the
workspace's own host (tenants.staff_security, /accounts/security/ there).

The Enterprise white-label workspace is provisioned once for the module (committed) and
deleted after it; whatever a test writes rolls back with its transaction.
"""

import pyotp
import pytest
from django.conf import settings
from django.test import Client
from django_tenants.utils import schema_context, tenant_context

from shared_apps.accounts.models import User
from shared_apps.mfa import services as mfa_services
from shared_apps.mfa.models import TOTPDevice
from shared_apps.mfa.services import FactorKind
from shared_apps.platform.models import AuditEvent
from tenants.host_cache import forget_hosts
from tenants.models import Membership, Workspace
from tenants.services import workspace_delete, workspace_provision
from tenants.staff_security import staff_totp_enrol_in_workspace
from tenants.teams import membership_remove
from tenants.white_label import workspace_is_white_label
from tests.factories import IDENTITY_PASSWORD
from tests.helpers import add_member, client_for_member, host_of
from tests.shared_apps.billing.support import ENTERPRISE, choose, stripe_confirms_payment
from tests.shared_apps.mfa.support import T0, Clock, enrol

WORKSPACE_NAME = "Vaultline Studio"
SECURITY = "/accounts/security/"
SETUP = "/accounts/security/two-factor/setup/"
DISABLE = "/accounts/security/two-factor/disable/"
RECOVERY = "/accounts/security/two-factor/recovery-codes/"
SIGN_IN = "/accounts/sign-in/"
CODE = "/accounts/sign-in/code/"
TWO_FACTOR_CARD = 'id="two-factor-title"'
PLATFORM = settings.PLATFORM_DOMAIN


@pytest.fixture(scope="module")
def _module_workspace(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), schema_context("public"):
        session_owner = User.objects.get(email="owner@session.test")
        workspace = workspace_provision(
            name=WORKSPACE_NAME, slug="vaultline-2fa", owner=session_owner
        )
        choose(workspace, "whitelabel", plan_code=ENTERPRISE, actor=session_owner)
        stripe_confirms_payment(workspace)  # a paid plan's features come on once paid
    yield workspace.pk
    with django_db_blocker.unblock(), schema_context("public"):
        workspace_delete(workspace=workspace, confirm_slug=workspace.slug)
        AuditEvent.objects.filter(workspace_id=workspace.pk).delete()


@pytest.fixture
def white_label(db, _module_workspace):
    workspace = Workspace.objects.get(pk=_module_workspace)
    forget_hosts([host_of(workspace)])
    assert workspace_is_white_label(workspace=workspace)
    return workspace


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(T0)
    monkeypatch.setattr(mfa_services, "_now", lambda: clock.now)
    return clock


def _assert_never_names_the_platform(text: str) -> None:
    assert "Mewayz" not in text
    assert settings.PLATFORM_NAME not in text
    assert PLATFORM not in text


def _device(identity) -> TOTPDevice | None:
    with schema_context("public"):
        return TOTPDevice.objects.filter(identity=identity).first()


def _audited(action: str, identity) -> bool:
    with schema_context("public"):
        return AuditEvent.objects.filter(
            action=action, actor=identity, target_id=str(identity.pk)
        ).exists()


# ---- setting it up on the workspace's host ------------------------------------------


def test_staff_set_up_two_factor_on_the_workspace_host_and_sign_in_with_it(white_label, clock):
    member = add_member(white_label, "editor", email="editor@vaultline.test")
    host = host_of(white_label)
    browser = client_for_member(member, white_label)

    page = browser.get(SECURITY, HTTP_HOST=host)
    assert page.status_code == 200
    html = page.content.decode()
    assert TWO_FACTOR_CARD in html
    assert f'href="{SETUP}"' in html
    _assert_never_names_the_platform(html)

    setup = browser.get(SETUP, HTTP_HOST=host)
    assert setup.status_code == 200
    enrolment = setup.context["enrolment"]
    uri = enrolment.provisioning_uri
    assert uri.startswith("otpauth://totp/Vaultline%20Studio:editor%40vaultline.test?")
    assert "issuer=Vaultline%20Studio" in uri
    assert f'action="{SETUP}"' in setup.content.decode()
    _assert_never_names_the_platform(setup.content.decode())
    totp = pyotp.TOTP(enrolment.secret)

    wrong = browser.post(SETUP, {"code": "000000"}, HTTP_HOST=host)
    assert wrong.status_code == 400
    assert not _device(member).is_confirmed

    done = browser.post(SETUP, {"code": totp.at(clock.now)}, HTTP_HOST=host)

    assert done.status_code == 200
    assert len(done.context["codes"]) == 10
    assert done.context["continue_url"] == SECURITY
    _assert_never_names_the_platform(done.content.decode())
    assert _device(member).is_confirmed  # the identity's authenticator, in public
    assert _audited("mfa.enabled", member)
    page = browser.get(SECURITY, HTTP_HOST=host).content.decode()
    assert "Recovery codes left" in page
    assert f'action="{DISABLE}"' in page
    assert f'action="{RECOVERY}"' in page
    # once on, the set-up page sends back to the security page
    again = browser.get(SETUP, HTTP_HOST=host)
    assert (again.status_code, again["Location"]) == (302, SECURITY)

    # then signing in on the workspace's host asks for a code
    fresh = Client()
    password_step = fresh.post(
        SIGN_IN, {"username": member.email, "password": IDENTITY_PASSWORD}, HTTP_HOST=host
    )
    assert (password_step.status_code, password_step["Location"]) == (302, CODE)
    clock.advance(30)
    code_step = fresh.post(CODE, {"code": totp.at(clock.now)}, HTTP_HOST=host)
    assert (code_step.status_code, code_step["Location"]) == (302, "/dashboard/")
    assert fresh.get("/dashboard/", HTTP_HOST=host).wsgi_request.user.identity_id == member.uuid


def test_the_issuer_is_the_workspaces_display_name(white_label):
    white_label.branding = {**(white_label.branding or {}), "display_name": "Vaultline"}
    white_label.save(update_fields=["branding"])
    forget_hosts([host_of(white_label)])
    member = add_member(white_label, "viewer")

    setup = client_for_member(member, white_label).get(SETUP, HTTP_HOST=host_of(white_label))

    assert "issuer=Vaultline&" in setup.context["enrolment"].provisioning_uri + "&"


@pytest.mark.parametrize("role", ["owner", "admin", "editor", "viewer"])
def test_every_staff_role_manages_its_own_two_factor_there(white_label, role):
    member = add_member(white_label, role)

    html = client_for_member(member, white_label).get(SECURITY, HTTP_HOST=host_of(white_label))

    text = html.content.decode()
    assert TWO_FACTOR_CARD in text
    # An owner's mirror is a Wagtail superuser, not a platform owner.
    assert "Platform owners" not in text


def test_the_dashboard_menu_links_to_the_workspace_security_page(white_label):
    member = add_member(white_label, "editor")

    html = client_for_member(member, white_label).get("/dashboard/", HTTP_HOST=host_of(white_label))

    assert f'<a class="menu__item" href="{SECURITY}">' in html.content.decode()


# ---- recovery codes and turning it off -------------------------------------------------


def test_recovery_codes_are_made_anew_after_a_code_or_the_password(white_label, clock):
    member = add_member(white_label, "editor")
    enrolled = enrol(member, clock)
    host = host_of(white_label)
    browser = client_for_member(member, white_label)
    assert "10 of 10" in browser.get(SECURITY, HTTP_HOST=host).content.decode()

    blank = browser.post(RECOVERY, {}, HTTP_HOST=host)
    assert blank.status_code == 400
    wrong = browser.post(RECOVERY, {"regenerate-password": "not-the-password-9"}, HTTP_HOST=host)
    assert wrong.status_code == 400
    assert "That password is not right." in wrong.content.decode()

    by_code = browser.post(RECOVERY, {"regenerate-code": enrolled.next_code()}, HTTP_HOST=host)
    assert by_code.status_code == 200
    codes = by_code.context["codes"]
    assert len(codes) == 10 and set(codes).isdisjoint(enrolled.recovery_codes)
    _assert_never_names_the_platform(by_code.content.decode())
    by_password = browser.post(RECOVERY, {"regenerate-password": IDENTITY_PASSWORD}, HTTP_HOST=host)
    assert by_password.status_code == 200
    assert set(by_password.context["codes"]).isdisjoint(codes)
    assert _audited("mfa.recovery_codes_regenerated", member)

    # a new code signs in on this host instead of the app
    fresh = Client()
    fresh.post(SIGN_IN, {"username": member.email, "password": IDENTITY_PASSWORD}, HTTP_HOST=host)
    signed = fresh.post(CODE, {"code": by_password.context["codes"][0]}, HTTP_HOST=host)
    assert (signed.status_code, signed["Location"]) == (302, "/dashboard/")
    assert "9 of 10" in fresh.get(SECURITY, HTTP_HOST=host).content.decode()


def test_turning_it_off_asks_for_the_password_or_a_code(white_label, clock):
    member = add_member(white_label, "admin")
    enrolled = enrol(member, clock)
    host = host_of(white_label)
    browser = client_for_member(member, white_label)

    refused = browser.post(DISABLE, {"disable-password": "not-the-password-9"}, HTTP_HOST=host)
    assert refused.status_code == 400
    assert _device(member) is not None
    wrong_code = browser.post(DISABLE, {"disable-code": "123456"}, HTTP_HOST=host)
    assert wrong_code.status_code == 400
    assert _device(member) is not None

    off = browser.post(DISABLE, {"disable-code": enrolled.next_code()}, HTTP_HOST=host)

    assert (off.status_code, off["Location"]) == (302, SECURITY)
    assert _device(member) is None
    assert _audited("mfa.disabled", member)
    html = browser.get(SECURITY, HTTP_HOST=host).content.decode()
    assert f'href="{SETUP}"' in html and "Recovery codes left" not in html
    # signing in asks for the password only again
    password_only = Client().post(
        SIGN_IN, {"username": member.email, "password": IDENTITY_PASSWORD}, HTTP_HOST=host
    )
    assert (password_only.status_code, password_only["Location"]) == (302, "/dashboard/")


def test_wrong_factors_are_throttled_with_the_identitys_budget(white_label, clock, settings):
    settings.TWO_FACTOR_THROTTLE_PER_ACCOUNT = 2
    member = add_member(white_label, "editor")
    enrolled = enrol(member, clock)
    host = host_of(white_label)
    browser = client_for_member(member, white_label)

    first = browser.post(DISABLE, {"disable-password": "wrong-password-1"}, HTTP_HOST=host)
    second = browser.post(DISABLE, {"disable-password": "wrong-password-2"}, HTTP_HOST=host)
    third = browser.post(DISABLE, {"disable-code": enrolled.next_code()}, HTTP_HOST=host)

    assert first.status_code == 400
    assert second.status_code == 429 and second["Retry-After"]
    assert third.status_code == 429  # even a right code waits
    assert _device(member) is not None


# ---- who does not get it ---------------------------------------------------------------


def test_a_customers_security_page_has_no_two_factor_section(white_label):
    with tenant_context(white_label):
        customer = User.objects.create_user("buyer@vaultline.test", "a-customer-pass-77")
    browser = Client()
    with tenant_context(white_label):
        browser.force_login(customer)
    host = host_of(white_label)

    page = browser.get(SECURITY, HTTP_HOST=host)

    html = page.content.decode()
    assert page.status_code == 200
    assert "Sign out everywhere" in html
    assert TWO_FACTOR_CARD not in html and SETUP not in html
    _assert_never_names_the_platform(html)
    assert browser.get(SETUP, HTTP_HOST=host).status_code == 404
    assert browser.post(DISABLE, {"disable-password": "x"}, HTTP_HOST=host).status_code == 404


def test_staff_of_a_workspace_without_white_label_manage_it_on_the_platform(alpha, clock):
    assert not workspace_is_white_label(workspace=alpha)
    member = add_member(alpha, "editor")
    enrol(member, clock)
    browser = client_for_member(member, alpha)
    host = host_of(alpha)

    page = browser.get(SECURITY, HTTP_HOST=host)

    assert page.status_code == 200
    assert TWO_FACTOR_CARD not in page.content.decode()
    assert browser.get(SETUP, HTTP_HOST=host).status_code == 404
    off = browser.post(DISABLE, {"disable-password": IDENTITY_PASSWORD}, HTTP_HOST=host)
    assert off.status_code == 404
    assert _device(member) is not None


def test_a_removed_member_cannot_use_it(white_label, clock):
    owner = add_member(white_label, "owner")
    member = add_member(white_label, "editor")
    enrol(member, clock)
    host = host_of(white_label)
    browser = client_for_member(member, white_label)
    with schema_context("public"):
        membership = Membership.objects.get(identity=member, workspace=white_label)
        membership_remove(membership=membership, actor=owner)

    # the mirror is deactivated: the session no longer signs anyone in
    page = browser.get(SECURITY, HTTP_HOST=host)
    assert page.status_code == 302 and page["Location"].startswith(SIGN_IN)
    off = browser.post(DISABLE, {"disable-password": IDENTITY_PASSWORD}, HTTP_HOST=host)
    assert off.status_code == 302
    assert _device(member) is not None


def test_a_mirror_without_a_membership_gets_nothing(white_label, clock):
    """Even if the mirror outlived its membership (a session still open, a sync that has
    not run), the helpers re-read the membership in public."""
    member = add_member(white_label, "editor")
    enrol(member, clock)
    host = host_of(white_label)
    browser = client_for_member(member, white_label)
    with schema_context("public"):
        Membership.objects.filter(identity=member, workspace=white_label).delete()

    page = browser.get(SECURITY, HTTP_HOST=host)

    assert page.status_code == 200
    assert TWO_FACTOR_CARD not in page.content.decode()
    assert browser.get(SETUP, HTTP_HOST=host).status_code == 404
    off = browser.post(DISABLE, {"disable-password": IDENTITY_PASSWORD}, HTTP_HOST=host)
    renew = browser.post(RECOVERY, {"regenerate-password": IDENTITY_PASSWORD}, HTTP_HOST=host)
    assert (off.status_code, renew.status_code) == (404, 404)
    assert _device(member) is not None
    with tenant_context(white_label):
        mirror = User.objects.get(identity_id=member.uuid)
    with pytest.raises(Exception) as raised:
        staff_totp_enrol_in_workspace(workspace=white_label, user=mirror)
    assert raised.value.status == 404


def test_one_workspaces_page_cannot_reach_another_workspaces_staff(white_label, beta):
    """A member of the white-labelled workspace only: its session means nothing on
    another workspace's host, and the helpers refuse a workspace they are not staff of."""
    member = add_member(white_label, "editor")
    browser = client_for_member(member, white_label)

    elsewhere = browser.get(SETUP, HTTP_HOST=host_of(beta))

    assert elsewhere.status_code in (302, 404)
    assert _device(member) is None


def test_sign_in_code_step_uses_recovery_codes_made_on_the_page(white_label, clock):
    member = add_member(white_label, "editor")
    enrol(member, clock)
    host = host_of(white_label)
    codes = (
        client_for_member(member, white_label)
        .post(RECOVERY, {"regenerate-password": IDENTITY_PASSWORD}, HTTP_HOST=host)
        .context["codes"]
    )
    fresh = Client()
    fresh.post(SIGN_IN, {"username": member.email, "password": IDENTITY_PASSWORD}, HTTP_HOST=host)

    fresh.post(CODE, {"code": codes[-1]}, HTTP_HOST=host)

    with schema_context("public"):
        event = AuditEvent.objects.filter(action="auth.signed_in", actor=member).latest("pk")
    assert event.data["second_factor"] == FactorKind.RECOVERY_CODE
