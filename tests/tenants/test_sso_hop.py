"""The single-sign-on hop from the platform to a workspace host."""

import time
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.platform.models import AuditEvent
from tenants.models import Membership
from tenants.services import workspace_suspend
from tests.helpers import host_of


def _hop(client, workspace, platform_host, **data):
    """POST the platform's "Open dashboard"; return the hop URL's host and path+query."""
    response = client.post(f"/workspaces/{workspace.pk}/open/", data, HTTP_HOST=platform_host)
    assert response.status_code == 302, response
    url = urlsplit(response["Location"])
    return url.netloc, f"{url.path}?{url.query}"


@pytest.fixture
def signed_in_owner(client, owner, platform_host):
    client.force_login(owner)
    return client


def test_hop_signs_the_member_in_on_the_workspace_host(
    signed_in_owner, alpha, owner, platform_host
):
    host, path = _hop(signed_in_owner, alpha, platform_host)
    assert host == host_of(alpha)
    assert path.startswith("/sso/accept/?token=")

    landing = signed_in_owner.get(path, HTTP_HOST=host)

    assert landing.status_code == 302
    assert landing["Location"] == "/dashboard/"
    dashboard = signed_in_owner.get("/dashboard/", HTTP_HOST=host)
    assert dashboard.status_code == 200
    assert dashboard.wsgi_request.user.identity_id == owner.uuid
    assert AuditEvent.objects.filter(action="sso.hop", workspace_id=alpha.pk).exists()


def test_a_token_works_once(signed_in_owner, alpha, platform_host):
    host, path = _hop(signed_in_owner, alpha, platform_host)
    assert signed_in_owner.get(path, HTTP_HOST=host).status_code == 302

    replay = signed_in_owner.get(path, HTTP_HOST=host)

    assert replay.status_code == 400
    assert "already been used" in replay.content.decode()


def test_an_expired_token_is_refused(signed_in_owner, alpha, platform_host):
    host, path = _hop(signed_in_owner, alpha, platform_host)

    with mock.patch("django.core.signing.time.time", return_value=time.time() + 61):
        response = signed_in_owner.get(path, HTTP_HOST=host)

    assert response.status_code == 400
    assert "expired" in response.content.decode()


def test_a_token_for_alpha_is_refused_on_beta(signed_in_owner, alpha, beta, platform_host):
    _, path = _hop(signed_in_owner, alpha, platform_host)

    response = signed_in_owner.get(path, HTTP_HOST=host_of(beta))

    assert response.status_code == 403
    assert "another site" in response.content.decode()
    assert signed_in_owner.get("/dashboard/", HTTP_HOST=host_of(beta)).status_code == 302


def test_a_token_is_bound_to_the_exact_host(signed_in_owner, alpha, platform_host):
    from tenants.domains import domain_add

    domain_add(workspace=alpha, host="www.alpha-example.com", verified=True)
    _, path = _hop(signed_in_owner, alpha, platform_host)

    response = signed_in_owner.get(path, HTTP_HOST="www.alpha-example.com")

    assert response.status_code == 403


def test_a_tampered_token_is_refused(signed_in_owner, alpha, platform_host):
    host, path = _hop(signed_in_owner, alpha, platform_host)

    response = signed_in_owner.get(path[:-3] + "xyz", HTTP_HOST=host)

    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_a_revoked_membership_is_refused_even_with_a_fresh_token(
    signed_in_owner, alpha, owner, platform_host
):
    host, path = _hop(signed_in_owner, alpha, platform_host)
    Membership.objects.filter(identity=owner, workspace=alpha).delete()

    response = signed_in_owner.get(path, HTTP_HOST=host)

    assert response.status_code == 403
    assert "no longer a member" in response.content.decode()


def test_only_members_can_start_a_hop(client, identity, alpha, platform_host):
    client.force_login(identity)

    response = client.post(f"/workspaces/{alpha.pk}/open/", HTTP_HOST=platform_host)

    assert response.status_code == 404


def test_hop_requires_a_signed_in_identity(client, alpha, platform_host):
    response = client.post(f"/workspaces/{alpha.pk}/open/", HTTP_HOST=platform_host)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_hop_to_a_suspended_workspace_is_refused_with_a_message(
    signed_in_owner, alpha, platform_host
):
    workspace_suspend(workspace=alpha)

    response = signed_in_owner.post(
        f"/workspaces/{alpha.pk}/open/", HTTP_HOST=platform_host, follow=True
    )

    assert "not available" in response.content.decode()


def test_hop_keeps_a_safe_next_path_and_drops_others(signed_in_owner, alpha, platform_host):
    # A browser keeps cookies per host; Django's test client has one jar for all hosts,
    # so the workspace side gets a client of its own.
    browser_on_alpha = Client()
    host, path = _hop(signed_in_owner, alpha, platform_host, next="/cms/")
    assert browser_on_alpha.get(path, HTTP_HOST=host)["Location"] == "/cms/"

    for unsafe in ("//evil.example/", "https://evil.example/", "javascript:alert(1)"):
        host, path = _hop(signed_in_owner, alpha, platform_host, next=unsafe)
        assert browser_on_alpha.get(path, HTTP_HOST=host)["Location"] == "/dashboard/"


def test_hop_brings_the_mirror_in_step_with_the_role(client, identity, alpha, platform_host):
    Membership.objects.create(identity=identity, workspace=alpha, role="editor")
    client.force_login(identity)

    host, path = _hop(client, alpha, platform_host)
    client.get(path, HTTP_HOST=host)

    with tenant_context(alpha):
        mirror = User.objects.get(identity_id=identity.uuid)
        assert mirror.staff_role == "editor"
        assert not mirror.is_superuser
        assert list(mirror.groups.values_list("name", flat=True)) == ["Editors"]
        assert not mirror.has_usable_password()


def test_the_token_names_no_secret_in_clear(signed_in_owner, alpha, owner, platform_host):
    _, path = _hop(signed_in_owner, alpha, platform_host)
    token = parse_qs(urlsplit(path).query)["token"][0]

    assert owner.email not in token


def test_a_workspace_that_requires_two_factor_refuses_members_without_it(
    client, alpha, platform_host, monkeypatch
):
    from shared_apps.mfa import services as mfa_services
    from tests.helpers import add_member
    from tests.shared_apps.mfa.support import T0, Clock, enrol

    editor = add_member(alpha, "editor")
    alpha.settings = {**alpha.settings, "require_two_factor": True}
    alpha.save()
    client.force_login(editor)

    host, path = _hop(client, alpha, platform_host)
    refused = Client().get(path, HTTP_HOST=host)

    assert refused.status_code == 403
    assert "requires two-factor" in refused.content.decode()

    clock = Clock(T0)
    monkeypatch.setattr(mfa_services, "_now", lambda: clock.now)
    enrol(editor, clock)
    host, path = _hop(client, alpha, platform_host)
    assert Client().get(path, HTTP_HOST=host)["Location"] == "/dashboard/"
