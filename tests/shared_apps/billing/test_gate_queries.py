"""After warm-up, the gate costs no query: its snapshot rides in the routing cache."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from tests.helpers import host_of
from tests.shared_apps.billing.support import choose


@pytest.fixture
def _gate_urls():
    with override_settings(ROOT_URLCONF="tests.shared_apps.billing.gate_urls"):
        yield


@pytest.mark.usefixtures("_gate_urls")
def test_a_gated_view_costs_the_same_queries_as_the_ungated_one(
    staff_client, alpha, owner, django_assert_num_queries
):
    choose(alpha, "crm", actor=owner)
    host = host_of(alpha)
    for _ in range(2):  # warm-up: routing cache, session, the first-request writes
        staff_client.get("/gated/plain/", HTTP_HOST=host)
        staff_client.get("/gated/crm/", HTTP_HOST=host)
    with CaptureQueriesContext(connection) as ungated:
        assert staff_client.get("/gated/plain/", HTTP_HOST=host).status_code == 200

    with django_assert_num_queries(len(ungated.captured_queries)) as gated:
        assert staff_client.get("/gated/crm/", HTTP_HOST=host).status_code == 200

    assert not [q for q in gated.captured_queries if "billing_" in q["sql"]]


@pytest.mark.usefixtures("_gate_urls")
def test_a_refused_request_costs_no_billing_query_either(
    staff_client, alpha, django_assert_num_queries
):
    host = host_of(alpha)
    staff_client.get("/gated/crm/", HTTP_HOST=host)
    staff_client.get("/gated/crm/", HTTP_HOST=host)

    with CaptureQueriesContext(connection) as refused:
        assert staff_client.get("/gated/crm/", HTTP_HOST=host).status_code == 403

    assert not [q for q in refused.captured_queries if "billing_" in q["sql"]]


def test_the_dashboard_menu_checks_features_without_queries(staff_client, alpha, owner):
    choose(alpha, "crm", "store", actor=owner)
    host = host_of(alpha)
    staff_client.get("/dashboard/", HTTP_HOST=host)
    staff_client.get("/dashboard/", HTTP_HOST=host)

    with CaptureQueriesContext(connection) as warm:
        assert staff_client.get("/dashboard/", HTTP_HOST=host).status_code == 200

    assert not [q for q in warm.captured_queries if "billing_" in q["sql"]]


def test_a_change_is_seen_by_the_next_request_after_one_reload(staff_client, alpha, owner):
    with override_settings(ROOT_URLCONF="tests.shared_apps.billing.gate_urls"):
        host = host_of(alpha)
        staff_client.get("/gated/crm/", HTTP_HOST=host)
        choose(alpha, "crm", actor=owner)

        with CaptureQueriesContext(connection) as cold:
            assert staff_client.get("/gated/crm/", HTTP_HOST=host).status_code == 200
        with CaptureQueriesContext(connection) as warm:
            assert staff_client.get("/gated/crm/", HTTP_HOST=host).status_code == 200

    assert len([q for q in cold.captured_queries if "billing_" in q["sql"]]) == 3
    assert not [q for q in warm.captured_queries if "billing_" in q["sql"]]
