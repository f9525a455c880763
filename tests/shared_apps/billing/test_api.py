"""GET /api/v1/billing/features: the catalog with each feature's state, for staff, and
itself part of the API access feature (the gate's django-ninja side)."""

from tests.helpers import add_member, client_for_member, error_code, host_of
from tests.shared_apps.billing.support import choose

URL = "/api/v1/billing/features"


def test_without_api_access_the_answer_is_a_403_feature_disabled(staff_client, alpha):
    response = staff_client.get(URL, HTTP_HOST=host_of(alpha))

    assert response.status_code == 403
    assert error_code(response) == "feature_disabled"
    assert "API access is not turned on" in response.json()["error"]["message"]


def test_lists_every_feature_with_its_state(staff_client, alpha, owner):
    choose(alpha, "api_access", "crm", actor=owner)

    response = staff_client.get(URL, HTTP_HOST=host_of(alpha))

    assert response.status_code == 200
    rows = {row["key"]: row for row in response.json()}
    assert len(rows) == 18
    assert rows["crm"] == {
        "key": "crm",
        "name": "CRM",
        "description": "Contacts, deals and pipelines.",
        "group": "Grow",
        "state": "on",
        "enabled": True,
        "pending": False,
        "killed": False,
        "plans": ["free", "professional", "enterprise"],
    }
    assert rows["store"]["state"] == "off"
    assert rows["whitelabel"]["plans"] == ["enterprise"]


def test_any_staff_member_may_read_it(alpha, owner):
    choose(alpha, "api_access", actor=owner)
    viewer = add_member(alpha, "viewer")

    response = client_for_member(viewer, alpha).get(URL, HTTP_HOST=host_of(alpha))

    assert response.status_code == 200


def test_customers_may_not(client, alpha, owner):
    from django_tenants.utils import tenant_context

    from tests.factories import IdentityFactory

    choose(alpha, "api_access", actor=owner)
    with tenant_context(alpha):
        client.force_login(IdentityFactory(email="buyer@example.test"))

    response = client.get(URL, HTTP_HOST=host_of(alpha))

    assert response.status_code == 403
    assert error_code(response) == "permission_denied"


def test_each_workspace_answers_for_itself(alpha, beta, owner):
    choose(alpha, "api_access", "crm", actor=owner)
    choose(beta, "api_access", actor=owner)

    response = client_for_member(owner, beta).get(URL, HTTP_HOST=host_of(beta))

    rows = {row["key"]: row["state"] for row in response.json()}
    assert rows["crm"] == "off"
    assert rows["api_access"] == "on"
