"""Platform owners (superusers) must use two-factor sign-in before using the platform."""

import pyotp
import pytest

from tests.factories import IDENTITY_PASSWORD, IdentityFactory
from tests.helpers import error_code, host_of
from tests.shared_apps.mfa.support import SETUP, sign_in


@pytest.fixture
def platform_owner(db):
    return IdentityFactory(email="root@example.test", is_superuser=True, is_staff=True)


def test_a_platform_owner_without_two_factor_is_sent_to_set_it_up(
    client, platform_owner, platform_host, clock
):
    # given a platform owner who signed in with a password only
    response = sign_in(client, platform_host, platform_owner.email, IDENTITY_PASSWORD)
    assert response["Location"] == "/dashboard/"

    # then every page sends them to set up two-factor, and the API refuses
    dashboard = client.get("/dashboard/", HTTP_HOST=platform_host)
    assert dashboard.status_code == 302
    assert dashboard["Location"] == f"{SETUP}?next=%2Fdashboard%2F"
    assert client.get("/admin/", HTTP_HOST=platform_host)["Location"].startswith(SETUP)
    api = client.get("/api/platform/v1/me", HTTP_HOST=platform_host)
    assert api.status_code == 403
    assert error_code(api) == "two_factor_required"

    # when they set it up
    page = client.get(dashboard["Location"], HTTP_HOST=platform_host)
    assert page.status_code == 200
    assert "Platform owners must use two-factor authentication" in page.content.decode()
    code = pyotp.TOTP(page.context["enrolment"].secret).at(clock.now)
    done = client.post(SETUP, {"code": code, "next": "/dashboard/"}, HTTP_HOST=platform_host)
    assert done.context["continue_url"] == "/dashboard/"

    # then the platform opens up
    assert client.get("/dashboard/", HTTP_HOST=platform_host).status_code == 200
    assert client.get("/admin/", HTTP_HOST=platform_host).status_code == 200
    assert client.get("/api/platform/v1/me", HTTP_HOST=platform_host).status_code == 200


def test_a_platform_owner_can_still_sign_out_before_setting_up(
    client, platform_owner, platform_host
):
    client.force_login(platform_owner)

    response = client.post("/accounts/sign-out/", HTTP_HOST=platform_host)

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_static_files_and_health_checks_stay_reachable(client, platform_owner, platform_host):
    client.force_login(platform_owner)

    assert client.get("/healthz", HTTP_HOST=platform_host).status_code == 200
    assert client.get("/static/css/app.css", HTTP_HOST=platform_host).status_code != 302


def test_other_identities_are_not_forced(client, identity, platform_host):
    client.force_login(identity)

    assert client.get("/dashboard/", HTTP_HOST=platform_host).status_code == 200


def test_workspace_hosts_are_left_alone(client, alpha, owner):
    """The middleware acts on platform hosts only: a workspace's own users are untouched."""
    from django_tenants.utils import tenant_context

    from shared_apps.accounts.models import User

    owner.is_superuser = True
    owner.save(update_fields=["is_superuser"])
    with tenant_context(alpha):
        mirror = User.objects.get(identity_id=owner.uuid)
        mirror.is_superuser = True
        mirror.save(update_fields=["is_superuser"])
        client.force_login(mirror)

    assert client.get("/dashboard/", HTTP_HOST=host_of(alpha)).status_code == 200


def test_admin_sign_in_page_leads_to_the_platform_sign_in(client, db, platform_host):
    response = client.get("/admin/login/?next=/admin/accounts/", HTTP_HOST=platform_host)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/?next=%2Fadmin%2Faccounts%2F"


def test_admin_sign_in_page_refuses_people_who_are_not_staff(client, identity, platform_host):
    client.force_login(identity)

    response = client.get("/admin/login/?next=/admin/", HTTP_HOST=platform_host)

    assert response.status_code == 403
    assert "No access to the platform admin" in response.content.decode()
