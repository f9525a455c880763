"""The primary host: other hosts redirect to it, and removing hosts keeps it sound."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shared_apps.platform.models import AuditEvent
from tenants.domains import custom_domain_remove, domain_add, domain_set_primary
from tenants.errors import DomainError
from tenants.models import Domain
from tests.helpers import control_plane_queries, host_of

SHOP = "shop.alpha-example.com"


@pytest.fixture
def site_syncs(monkeypatch):
    """What site_hostname_sync was sent: (hostname, schema it was sent from)."""
    from cms.tasks import site_hostname_sync

    sent = []
    monkeypatch.setattr(
        site_hostname_sync,
        "delay",
        lambda **kwargs: sent.append((kwargs["hostname"], connection.schema_name)),
    )
    return sent


@pytest.fixture
def shop(alpha):
    """A verified custom host of alpha, made primary."""
    domain = domain_add(workspace=alpha, host=SHOP, verified=True)
    return domain_set_primary(domain=domain)


def test_without_a_custom_primary_the_default_host_serves_pages(client, alpha):
    domain_add(workspace=alpha, host=SHOP, verified=True)

    assert client.get("/", HTTP_HOST=host_of(alpha)).status_code == 200
    assert client.get("/", HTTP_HOST=SHOP)["Location"] == f"http://{host_of(alpha)}/"


def test_the_primary_host_serves_pages(client, shop, alpha):
    response = client.get("/", HTTP_HOST=SHOP)

    assert response.status_code == 200
    assert response.wsgi_request.workspace == alpha


def test_other_hosts_redirect_to_the_primary_keeping_path_and_query(client, shop, alpha):
    response = client.get("/courses/intro/?ref=bio&utm_source=x%20y", HTTP_HOST=host_of(alpha))

    assert response.status_code == 301
    assert response["Location"] == f"http://{SHOP}/courses/intro/?ref=bio&utm_source=x%20y"
    # Browsers would keep an unqualified 301 forever, masking a later change of primary.
    assert "max-age=3600" in response["Cache-Control"]


def test_every_other_verified_host_redirects(client, shop, alpha):
    domain_add(workspace=alpha, host="www.alpha-example.com", verified=True)

    response = client.get("/about/", HTTP_HOST="www.alpha-example.com")

    assert response["Location"] == f"http://{SHOP}/about/"


def test_head_requests_redirect_too(client, shop, alpha):
    assert client.head("/", HTTP_HOST=host_of(alpha)).status_code == 301


def test_the_redirect_uses_the_public_port(client, shop, alpha, settings):
    settings.PUBLIC_URL_PORT = 8000

    response = client.get("/x/", HTTP_HOST=f"{host_of(alpha)}:8000")

    assert response["Location"] == f"http://{SHOP}:8000/x/"


@pytest.mark.parametrize(
    "path",
    ["/api/v1/workspace", "/api/v1/nothing-here", "/sso/accept/?token=abc", "/healthz"],
)
def test_api_sso_and_health_paths_are_served_where_they_arrive(client, shop, alpha, path):
    response = client.get(path, HTTP_HOST=host_of(alpha))

    assert response.status_code not in (301, 302, 308), response.status_code


def test_a_form_posted_to_another_host_is_served_there(client, shop, alpha):
    response = client.post("/accounts/sign-in/", {}, HTTP_HOST=host_of(alpha))

    assert response.status_code != 301
    assert response.wsgi_request.workspace == alpha


def test_a_new_primary_reaches_hosts_cached_before_it(client, alpha):
    domain = domain_add(workspace=alpha, host=SHOP, verified=True)
    assert client.get("/", HTTP_HOST=host_of(alpha)).status_code == 200  # cached now

    domain_set_primary(domain=domain)

    assert client.get("/", HTTP_HOST=host_of(alpha))["Location"] == f"http://{SHOP}/"


def test_a_warm_redirect_issues_no_control_plane_query(client, shop, alpha):
    client.get("/", HTTP_HOST=host_of(alpha))  # warm-up

    with CaptureQueriesContext(connection) as warm:
        response = client.get("/", HTTP_HOST=host_of(alpha))

    assert response.status_code == 301
    assert control_plane_queries(warm) == []


def test_making_a_host_primary_moves_the_site_and_is_audited(
    alpha, owner, django_capture_on_commit_callbacks, site_syncs
):
    domain = domain_add(workspace=alpha, host=SHOP, verified=True)

    with django_capture_on_commit_callbacks(execute=True):
        domain_set_primary(domain=domain, actor=owner)

    assert list(Domain.objects.filter(tenant=alpha, is_primary=True)) == [domain]
    assert site_syncs == [(SHOP, "ws_alpha")]
    event = AuditEvent.objects.get(action="domain.made_primary", workspace_id=alpha.pk)
    assert (event.actor, event.data["host"]) == (owner, SHOP)


def test_making_the_primary_primary_again_changes_nothing(
    shop, django_capture_on_commit_callbacks, site_syncs
):
    with django_capture_on_commit_callbacks(execute=True):
        domain_set_primary(domain=shop)

    assert site_syncs == []


def test_an_unverified_host_cannot_become_primary(alpha):
    domain = domain_add(workspace=alpha, host=SHOP)

    with pytest.raises(DomainError) as caught:
        domain_set_primary(domain=domain)

    assert caught.value.code == "domain_not_verified"
    assert Domain.objects.get(tenant=alpha, is_primary=True).domain == host_of(alpha)


def test_removing_the_primary_host_hands_primary_back_to_the_default_host(
    client, shop, alpha, owner, django_capture_on_commit_callbacks, site_syncs
):
    with django_capture_on_commit_callbacks(execute=True):
        custom_domain_remove(domain=shop, actor=owner)

    assert not Domain.objects.filter(domain=SHOP).exists()
    assert Domain.objects.get(tenant=alpha, is_primary=True).domain == host_of(alpha)
    assert site_syncs == [(host_of(alpha), "ws_alpha")]  # the Wagtail site moves back
    assert client.get("/", HTTP_HOST=host_of(alpha)).status_code == 200
    assert client.get("/", HTTP_HOST=SHOP).status_code == 404
    event = AuditEvent.objects.get(action="domain.removed", workspace_id=alpha.pk)
    assert (event.actor, event.data["host"]) == (owner, SHOP)


def test_removing_another_host_keeps_the_primary(client, shop, alpha, owner):
    www = domain_add(workspace=alpha, host="www.alpha-example.com", verified=True)

    custom_domain_remove(domain=www, actor=owner)

    assert Domain.objects.get(tenant=alpha, is_primary=True) == shop
    assert client.get("/", HTTP_HOST="www.alpha-example.com").status_code == 404


def test_the_default_host_cannot_be_removed(alpha, owner):
    default = Domain.objects.get(domain=host_of(alpha))

    with pytest.raises(DomainError) as caught:
        custom_domain_remove(domain=default, actor=owner)

    assert caught.value.code == "domain_protected"
    assert Domain.objects.filter(pk=default.pk).exists()
