"""After warm-up, a workspace request costs no query against the control plane."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.domains import domain_add
from tenants.services import workspace_suspend, workspace_unsuspend
from tests.helpers import control_plane_queries, host_of


def test_warm_workspace_request_issues_no_control_plane_query(
    client, alpha, django_assert_num_queries
):
    client.get("/", HTTP_HOST=host_of(alpha))  # warm-up: routing cache and Wagtail's
    with CaptureQueriesContext(connection) as warm:
        client.get("/", HTTP_HOST=host_of(alpha))
    expected = len(warm.captured_queries)

    with django_assert_num_queries(expected) as queries:
        response = client.get("/", HTTP_HOST=host_of(alpha))

    assert response.status_code == 200
    assert control_plane_queries(queries) == []
    # One SET search_path, then Wagtail: site, content type, page, ancestors, restrictions.
    assert expected <= 6, "\n".join(q["sql"][:300] for q in queries.captured_queries)


def test_cold_request_looks_the_host_up_once(client, alpha):
    with CaptureQueriesContext(connection) as cold:
        client.get("/", HTTP_HOST=host_of(alpha))

    assert len([q for q in control_plane_queries(cold) if "tenants_domain" in q]) == 1


def test_unknown_hosts_are_cached_too(client, db):
    client.get("/", HTTP_HOST="nobody.example.org")
    with CaptureQueriesContext(connection) as second:
        response = client.get("/", HTTP_HOST="nobody.example.org")

    assert response.status_code == 404
    assert second.captured_queries == []


def test_new_domain_invalidates_a_cached_unknown_host(client, alpha):
    assert client.get("/", HTTP_HOST="fresh.alpha-example.com").status_code == 404

    domain_add(workspace=alpha, host="fresh.alpha-example.com", verified=True)

    assert client.get("/", HTTP_HOST="fresh.alpha-example.com").status_code == 301  # to primary


def test_workspace_change_invalidates_its_cached_hosts(client, alpha):
    assert client.get("/", HTTP_HOST=host_of(alpha)).status_code == 200

    workspace_suspend(workspace=alpha)
    assert client.get("/", HTTP_HOST=host_of(alpha)).status_code == 503

    workspace_unsuspend(workspace=alpha)
    assert client.get("/", HTTP_HOST=host_of(alpha)).status_code == 200
