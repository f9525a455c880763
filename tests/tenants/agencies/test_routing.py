"""Which pages an agency's dashboard host answers, in whose brand, and its cache."""

import pytest
from django.conf import settings

from tenants.agency_selectors import route_for_host
from tenants.agency_services import agency_host_add, agency_host_remove, agency_status_set
from tenants.models import AgencyHost
from tests.helpers import CaptureQueriesContext, connection, host_of
from tests.tenants.agencies.conftest import HOST_A, HOST_B, signed_in


def test_a_verified_agency_host_routes_to_the_platform_urls_with_the_agency(client, agency_a):
    response = client.get("/accounts/sign-in/", HTTP_HOST=HOST_A)

    assert response.status_code == 200
    assert response.wsgi_request.agency == agency_a
    assert response.wsgi_request.workspace is None


def test_sign_in_on_the_agency_host_wears_the_agency_brand_only(client, agency_a):
    html = client.get("/accounts/sign-in/", HTTP_HOST=HOST_A).content.decode()

    assert "Sign in to Northwind Digital" in html
    assert "Mewayz" not in html
    assert settings.PLATFORM_NAME not in html
    assert f"//{settings.PLATFORM_DOMAIN}" not in html
    assert "/accounts/sign-up/" not in html  # no platform sign-up offered here


def test_the_agency_dashboard_wears_the_agency_brand_only(agency_a, owner_a):
    html = signed_in(owner_a).get("/dashboard/", HTTP_HOST=HOST_A).content.decode()

    assert "Northwind Digital" in html
    assert "Mewayz" not in html
    assert f"//{settings.PLATFORM_DOMAIN}" not in html


def test_request_agency_is_none_on_platform_and_workspace_hosts(client, alpha, world):
    platform = client.get("/accounts/sign-in/", HTTP_HOST=settings.PLATFORM_DOMAIN)
    workspace = client.get("/", HTTP_HOST=host_of(alpha))

    assert platform.wsgi_request.agency is None
    assert workspace.wsgi_request.agency is None


def test_an_unverified_agency_host_is_an_unknown_host(client, agency_a, platform_owner):
    agency_host_add(agency=agency_a, host="pending.northwind.test", actor=owner_a_of(agency_a))

    response = client.get("/accounts/sign-in/", HTTP_HOST="pending.northwind.test")

    assert response.status_code == 404
    assert b"Northwind" not in response.content


def owner_a_of(agency):
    return agency.memberships.get(role="owner").identity


def test_a_suspended_agency_answers_its_branded_unavailable_page(client, agency_a, platform_owner):
    agency_status_set(agency=agency_a, status="suspended", actor=platform_owner, reason="unpaid")

    response = client.get("/accounts/sign-in/", HTTP_HOST=HOST_A)

    assert response.status_code == 503
    assert response["Retry-After"] == "3600"
    assert b"Northwind Digital is temporarily unavailable" in response.content
    assert b"Mewayz" not in response.content


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/sign-in/",
        "/accounts/password-reset/",
        "/accounts/password-reset/sent/",
        "/accounts/password-reset/done/",
        "/invitations/not-a-real-token/",
    ],
)
def test_the_pages_an_agency_host_serves(client, world, path):
    response = client.get(path, HTTP_HOST=HOST_A)

    # A bad invitation token gets the invitation page's own answer (404), branded.
    assert response.status_code == (404 if "invitations" in path else 200)
    assert response.wsgi_request.agency is not None
    assert b"Northwind Digital" in response.content
    assert b"Mewayz" not in response.content


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/login/",
        "/accounts/sign-up/",
        "/workspaces/new/",
        "/workspaces/slug-check/?slug=abc",
        "/api/platform/v1/docs",
        "/accounts/social/google/login/",
    ],
)
def test_platform_pages_are_not_found_on_an_agency_host(world, owner_a, path):
    response = signed_in(owner_a).get(path, HTTP_HOST=HOST_A)

    assert response.status_code == 404
    assert b"Mewayz" not in response.content


def test_the_landing_page_sends_to_the_dashboard(client, world):
    response = client.get("/", HTTP_HOST=HOST_A)

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert client.get("/dashboard/", HTTP_HOST=HOST_A)["Location"].startswith("/accounts/sign-in/")


def test_agency_pages_are_not_found_on_the_platform_host(world, owner_a):
    client = signed_in(owner_a)

    assert client.get("/dashboard/clients/", HTTP_HOST=settings.PLATFORM_DOMAIN).status_code == 404
    # /dashboard/ on the platform host is still the platform's own dashboard.
    platform = client.get("/dashboard/", HTTP_HOST=settings.PLATFORM_DOMAIN)
    assert platform.status_code == 200
    assert platform.templates[0].name == "tenants/platform_dashboard.html"


def test_tls_ask_serves_verified_agency_hosts_only(client, agency_a, owner_a):
    agency_host_add(agency=agency_a, host="pending.northwind.test", actor=owner_a)

    served = client.get("/internal/tls/ask", {"domain": HOST_A}, HTTP_HOST="10.0.0.1")
    pending = client.get(
        "/internal/tls/ask", {"domain": "pending.northwind.test"}, HTTP_HOST="10.0.0.1"
    )

    assert (served.status_code, served.json()["served"]) == (200, True)
    assert (pending.status_code, pending.json()["served"]) == (404, False)


def test_a_warm_request_routes_from_the_cache(client, world):
    client.get("/accounts/sign-in/", HTTP_HOST=HOST_A)  # warms the cache

    with CaptureQueriesContext(connection) as queries:
        route = route_for_host(host=HOST_A)

    assert route[1].slug == "northwind"
    assert queries.captured_queries == []


def test_removing_a_host_drops_its_cached_route_and_its_clients(
    client, agency_a, owner_a, bloom, platform_owner
):
    agency_host_add(
        agency=agency_a, host="second.northwind.test", actor=platform_owner, verified=True
    )
    assert client.get("/accounts/sign-in/", HTTP_HOST="second.northwind.test").status_code == 200
    client.get("/", HTTP_HOST=host_of(bloom))  # caches bloom, which carries the agency host

    agency_host_remove(
        agency_host=AgencyHost.objects.get(host="second.northwind.test"), actor=owner_a
    )

    assert client.get("/accounts/sign-in/", HTTP_HOST="second.northwind.test").status_code == 404
    workspace, _ = route_for_host(host=host_of(bloom))
    assert workspace.agency.primary_host == HOST_A


def test_a_routed_client_carries_its_agency_and_its_primary_host(client, bloom):
    workspace, agency = route_for_host(host=host_of(bloom))

    assert agency is None
    assert workspace.agency.name == "Northwind Digital"
    assert workspace.agency.primary_host == HOST_A


def test_each_agency_host_reaches_its_own_agency(client, world):
    a = client.get("/accounts/sign-in/", HTTP_HOST=HOST_A)
    b = client.get("/accounts/sign-in/", HTTP_HOST=HOST_B)

    assert b"Northwind Digital" in a.content and b"Southwind" not in a.content
    assert b"Southwind Studio" in b.content and b"Northwind" not in b.content
