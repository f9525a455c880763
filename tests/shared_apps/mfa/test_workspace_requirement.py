"""A workspace owner can require two-factor sign-in of their staff."""

import uuid

import pytest

from config.errors import PermissionDeniedError
from shared_apps.mfa.errors import TwoFactorError
from shared_apps.mfa.selectors import identity_has_two_factor, workspace_requires_two_factor
from shared_apps.platform.models import AuditEvent
from tenants.models import Membership
from tenants.security import workspace_two_factor_requirement_set
from tests.factories import IdentityFactory
from tests.shared_apps.mfa.support import SECURITY, enrol


def requirement_url(workspace) -> str:
    return f"/account/security/workspaces/{workspace.pk}/two-factor/"


@pytest.fixture
def admin_of_alpha(alpha):
    admin = IdentityFactory(email="admin@example.test")
    Membership.objects.create(identity=admin, workspace=alpha, role=Membership.Role.ADMIN)
    return admin


def test_an_owner_requires_two_factor_of_their_staff(client, owner, alpha, platform_host, clock):
    # given an owner who uses two-factor themselves
    enrol(owner, clock)
    client.force_login(owner)

    # when they require it of alpha's staff
    response = client.post(requirement_url(alpha), {"required": "on"}, HTTP_HOST=platform_host)

    # then alpha requires it, and the trail says who did it
    assert response.status_code == 302
    assert response["Location"] == SECURITY
    alpha.refresh_from_db()
    assert alpha.settings["require_two_factor"] is True
    assert workspace_requires_two_factor(workspace=alpha)
    event = AuditEvent.objects.get(action="workspace.two_factor_required")
    assert event.actor == owner
    assert event.workspace_id == alpha.pk

    # and unticking the box makes it optional again
    client.post(requirement_url(alpha), {}, HTTP_HOST=platform_host)
    alpha.refresh_from_db()
    assert alpha.settings["require_two_factor"] is False
    assert AuditEvent.objects.filter(action="workspace.two_factor_optional").exists()


def test_the_security_page_shows_the_requirement_to_members(
    client, owner, alpha, admin_of_alpha, platform_host, clock
):
    enrol(owner, clock)
    workspace_two_factor_requirement_set(workspace=alpha, required=True, actor=owner)
    client.force_login(admin_of_alpha)

    page = client.get(SECURITY, HTTP_HOST=platform_host)

    assert page.status_code == 200
    assert page.context["required_by"] == [alpha]
    assert "Alpha Co requires two-factor authentication" in page.content.decode()


def test_an_admin_cannot_change_the_requirement(
    client, alpha, admin_of_alpha, platform_host, clock
):
    enrol(admin_of_alpha, clock)
    client.force_login(admin_of_alpha)

    response = client.post(requirement_url(alpha), {"required": "on"}, HTTP_HOST=platform_host)

    assert response.status_code == 403
    alpha.refresh_from_db()
    assert "require_two_factor" not in alpha.settings
    with pytest.raises(PermissionDeniedError):
        workspace_two_factor_requirement_set(workspace=alpha, required=True, actor=admin_of_alpha)


def test_an_owner_without_two_factor_cannot_require_it(client, owner, alpha, platform_host):
    client.force_login(owner)

    response = client.post(requirement_url(alpha), {"required": "on"}, HTTP_HOST=platform_host)

    assert response.status_code == 400
    assert "Turn on two-factor authentication for your own account first" in (
        response.content.decode()
    )
    alpha.refresh_from_db()
    assert not workspace_requires_two_factor(workspace=alpha)
    with pytest.raises(TwoFactorError):
        workspace_two_factor_requirement_set(workspace=alpha, required=True, actor=owner)


def test_someone_outside_the_workspace_gets_a_404(client, identity, alpha, platform_host):
    client.force_login(identity)

    response = client.post(requirement_url(alpha), {"required": "on"}, HTTP_HOST=platform_host)
    unknown = client.post(
        f"/account/security/workspaces/{uuid.uuid4()}/two-factor/", HTTP_HOST=platform_host
    )

    assert response.status_code == 404
    assert unknown.status_code == 404
    alpha.refresh_from_db()
    assert "require_two_factor" not in alpha.settings


def test_the_selector_the_sign_on_hop_uses(identity, clock):
    from django.contrib.auth.models import AnonymousUser

    from shared_apps.mfa.services import totp_device_enrol

    assert identity_has_two_factor(identity=identity) is False
    totp_device_enrol(identity=identity)
    assert identity_has_two_factor(identity=identity) is False  # enrolling, not confirmed
    enrol(identity, clock)
    assert identity_has_two_factor(identity=identity) is True
    assert identity_has_two_factor(identity=AnonymousUser()) is False
