"""Which host reaches what: platform, workspace subdomain, extra host, unknown host."""

from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.domains import domain_add
from tenants.models import Domain
from tenants.services import workspace_archive, workspace_suspend
from tests.helpers import error_code, host_of


def test_platform_host_serves_the_platform_landing(client, db, platform_host):
    response = client.get("/", HTTP_HOST=platform_host)

    assert response.status_code == 200
    assert response.wsgi_request.workspace is None
    assert b"Mewayz" in response.content


def test_platform_host_with_port_is_the_platform(client, db, platform_host):
    response = client.get("/accounts/sign-in/", HTTP_HOST=f"{platform_host}:8000")

    assert response.status_code == 200
    assert response.wsgi_request.workspace is None


def test_workspace_subdomain_serves_its_home_page(client, alpha):
    response = client.get("/", HTTP_HOST=host_of(alpha))

    assert response.status_code == 200
    assert response.wsgi_request.workspace == alpha
    assert b"Alpha Co" in response.content
    assert b"Beta Co" not in response.content


def test_each_workspace_host_reaches_its_own_schema(client, alpha, beta):
    alpha_response = client.get("/", HTTP_HOST=host_of(alpha))
    beta_response = client.get("/", HTTP_HOST=host_of(beta))

    assert alpha_response.wsgi_request.tenant.schema_name == "ws_alpha"
    assert beta_response.wsgi_request.tenant.schema_name == "ws_beta"
    assert b"Beta Co" in beta_response.content


def test_verified_extra_host_routes_to_the_workspace(client, alpha):
    domain_add(workspace=alpha, host="shop.alpha-example.com", verified=True)

    response = client.get("/", HTTP_HOST="shop.alpha-example.com")

    # Routed to alpha, whose pages live on its primary host (tests/tenants/test_domains_primary.py).
    assert response.status_code == 301
    assert response["Location"] == f"http://{host_of(alpha)}/"
    assert response.wsgi_request.workspace == alpha


def test_unverified_extra_host_does_not_route(client, alpha):
    domain_add(workspace=alpha, host="pending.alpha-example.com", verified=False)

    response = client.get("/", HTTP_HOST="pending.alpha-example.com")

    assert response.status_code == 404


def test_unknown_host_gets_a_plain_404_not_the_platform(client, db):
    response = client.get("/", HTTP_HOST="nobody.example.org")

    assert response.status_code == 404
    assert b"Mewayz" not in response.content
    assert b"sign-in" not in response.content


def test_unknown_host_cannot_reach_platform_urls(client, db):
    for path in ("/accounts/sign-in/", "/admin/", "/api/platform/v1/me", "/dashboard/"):
        assert client.get(path, HTTP_HOST="evil.example.org").status_code == 404


def test_malformed_host_gets_404_not_400(client, db):
    response = client.get("/", HTTP_HOST="bad host!")

    assert response.status_code == 404


def test_suspended_workspace_shows_branded_unavailable_page(client, alpha):
    workspace_suspend(workspace=alpha, reason="unpaid")

    response = client.get("/", HTTP_HOST=host_of(alpha))

    assert response.status_code == 503
    assert b"Alpha Co" in response.content
    assert b"temporarily unavailable" in response.content
    assert b"Mewayz" not in response.content


def test_suspended_workspace_api_answers_403_json(client, alpha):
    workspace_suspend(workspace=alpha)

    response = client.get("/api/v1/workspace", HTTP_HOST=host_of(alpha))

    assert response.status_code == 403
    assert error_code(response) == "workspace_suspended"


def test_suspension_does_not_affect_other_workspaces(client, alpha, beta):
    workspace_suspend(workspace=alpha)

    assert client.get("/", HTTP_HOST=host_of(beta)).status_code == 200


def test_archived_workspace_no_longer_routes(client, alpha):
    workspace_archive(workspace=alpha)

    assert client.get("/", HTTP_HOST=host_of(alpha)).status_code == 404


def test_removed_domain_stops_routing_at_once(client, alpha):
    domain = domain_add(workspace=alpha, host="old.alpha-example.com", verified=True)
    assert client.get("/", HTTP_HOST="old.alpha-example.com").status_code == 301  # to primary

    domain.delete()

    assert client.get("/", HTTP_HOST="old.alpha-example.com").status_code == 404


def test_verifying_a_host_makes_it_route_at_once(client, alpha):
    domain = domain_add(workspace=alpha, host="late.alpha-example.com", verified=False)
    assert client.get("/", HTTP_HOST="late.alpha-example.com").status_code == 404

    domain.is_verified, domain.verified_at = True, timezone.now()
    domain.save()

    assert client.get("/", HTTP_HOST="late.alpha-example.com").status_code == 301  # to primary


def test_workspace_wagtail_site_answers_to_its_primary_host(alpha):
    from wagtail.models import Site

    with tenant_context(alpha):
        site = Site.objects.get(is_default_site=True)

    assert site.hostname == host_of(alpha)
    assert site.site_name == "Alpha Co"
    assert Domain.objects.get(tenant=alpha, is_primary=True).domain == host_of(alpha)


def test_tls_ask_allows_only_hosts_we_serve(client, alpha):
    domain_add(workspace=alpha, host="shop.alpha-example.com", verified=True)
    domain_add(workspace=alpha, host="pending.alpha-example.com", verified=False)

    def ask(domain):
        return client.get("/internal/tls/ask", {"domain": domain}, HTTP_HOST="web:8000")

    assert ask("localhost").status_code == 200
    assert ask(host_of(alpha)).status_code == 200
    assert ask("shop.alpha-example.com").status_code == 200
    assert ask("pending.alpha-example.com").status_code == 404
    assert ask("random.example.org").status_code == 404
    assert ask("").status_code == 404


def test_wagtail_admin_sign_in_goes_through_our_sign_in(client, alpha):
    direct = client.get("/cms/login/?next=/cms/", HTTP_HOST=host_of(alpha))
    admin = client.get("/cms/", HTTP_HOST=host_of(alpha))

    assert direct.status_code == 302
    assert direct["Location"] == "/accounts/sign-in/?next=/cms/"
    assert admin.status_code == 302
    assert admin["Location"].startswith("/accounts/sign-in/")
