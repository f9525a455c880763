"""The two APIs: mounting, session auth, docs and the one error shape."""

from django_tenants.utils import tenant_context

from tests.factories import IdentityFactory
from tests.helpers import error_code, host_of


def test_workspace_api_requires_sign_in(client, alpha):
    response = client.get("/api/v1/workspace", HTTP_HOST=host_of(alpha))

    assert response.status_code == 401
    assert error_code(response) == "not_authenticated"


def test_workspace_api_describes_the_host_workspace(staff_client, alpha):
    response = staff_client.get("/api/v1/workspace", HTTP_HOST=host_of(alpha))

    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == "alpha"
    assert body["name"] == "Alpha Co"
    assert body["primary_host"] == host_of(alpha)
    assert body["url"] == f"http://{host_of(alpha)}/"
    assert body["branding"]["primary_color"].startswith("#")


def test_workspace_me_is_the_tenant_local_user(staff_client, alpha, owner):
    response = staff_client.get("/api/v1/me", HTTP_HOST=host_of(alpha))

    assert response.status_code == 200
    assert response.json()["email"] == owner.email
    assert response.json()["is_staff"] is True


def test_a_session_from_one_workspace_is_anonymous_on_another(staff_client, beta):
    response = staff_client.get("/api/v1/workspace", HTTP_HOST=host_of(beta))

    assert response.status_code == 401


def test_a_platform_session_is_anonymous_on_a_workspace(client, identity, alpha, platform_host):
    client.force_login(identity)
    assert client.get("/api/platform/v1/me", HTTP_HOST=platform_host).status_code == 200

    assert client.get("/api/v1/me", HTTP_HOST=host_of(alpha)).status_code == 401


def test_workspace_customer_sees_only_their_own_record(client, alpha):
    with tenant_context(alpha):
        customer = IdentityFactory(email="customer@example.test")
        client.force_login(customer)

    response = client.get("/api/v1/me", HTTP_HOST=host_of(alpha))

    assert response.json()["email"] == "customer@example.test"
    assert response.json()["is_staff"] is False


def test_platform_me_and_workspaces(client, owner, platform_host):
    client.force_login(owner)

    me = client.get("/api/platform/v1/me", HTTP_HOST=platform_host)
    workspaces = client.get("/api/platform/v1/workspaces", HTTP_HOST=platform_host)

    assert me.json()["email"] == owner.email
    body = workspaces.json()
    assert body["count"] == 2
    assert [item["workspace"]["slug"] for item in body["items"]] == ["alpha", "beta"]
    assert {item["role"] for item in body["items"]} == {"owner"}


def test_platform_workspaces_list_is_paginated_and_query_bounded(
    client, owner, platform_host, django_assert_max_num_queries
):
    client.force_login(owner)

    with django_assert_max_num_queries(8):
        response = client.get("/api/platform/v1/workspaces", {"page": 1}, HTTP_HOST=platform_host)

    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_platform_api_requires_sign_in(client, db, platform_host):
    response = client.get("/api/platform/v1/me", HTTP_HOST=platform_host)

    assert response.status_code == 401
    assert error_code(response) == "not_authenticated"


def test_bad_query_parameter_is_a_422_in_the_error_shape(client, owner, platform_host):
    client.force_login(owner)

    response = client.get("/api/platform/v1/workspaces", {"page": "x"}, HTTP_HOST=platform_host)

    assert response.status_code == 422
    assert error_code(response) == "validation_error"
    assert "page" in response.json()["error"]["fields"]


def test_platform_api_is_not_served_on_workspace_hosts(client, alpha):
    assert client.get("/api/platform/v1/me", HTTP_HOST=host_of(alpha)).status_code == 404


def test_workspace_api_is_not_served_on_the_platform_host(client, db, platform_host):
    assert client.get("/api/v1/workspace", HTTP_HOST=platform_host).status_code == 404


def test_each_api_has_its_openapi_document_and_docs_page(client, alpha, platform_host):
    workspace_schema = client.get("/api/v1/openapi.json", HTTP_HOST=host_of(alpha))
    platform_schema = client.get("/api/platform/v1/openapi.json", HTTP_HOST=platform_host)

    assert workspace_schema.json()["info"]["title"] == "Workspace API"
    assert "/api/v1/workspace" in workspace_schema.json()["paths"]
    assert platform_schema.json()["info"]["title"] == "Platform API"
    assert "/api/platform/v1/me" in platform_schema.json()["paths"]
    assert client.get("/api/v1/docs", HTTP_HOST=host_of(alpha)).status_code == 200
    assert client.get("/api/platform/v1/docs", HTTP_HOST=platform_host).status_code == 200


def test_unknown_api_path_is_a_json_404(client, alpha, platform_host):
    workspace = client.get("/api/v1/nothing-here", HTTP_HOST=host_of(alpha))
    platform = client.get("/api/platform/v1/nothing-here", HTTP_HOST=platform_host)

    assert workspace.status_code == platform.status_code == 404
    assert error_code(workspace) == error_code(platform) == "not_found"
