"""The gate through real HTTP: the workspace's host, real middleware, signed-in staff."""

import pytest
from django.test import override_settings

from shared_apps.billing.models import WorkspaceFeature
from shared_apps.billing.services import feature_kill_switch_set
from tests.helpers import add_member, client_for_member, error_code, host_of
from tests.shared_apps.billing.support import choose, set_state

pytestmark = pytest.mark.usefixtures("_gate_urls")


@pytest.fixture
def _gate_urls():
    with override_settings(ROOT_URLCONF="tests.shared_apps.billing.gate_urls"):
        yield


def test_an_enabled_feature_serves_its_page(staff_client, alpha, owner):
    choose(alpha, "crm", actor=owner)

    response = staff_client.get("/gated/crm/", HTTP_HOST=host_of(alpha))

    assert response.status_code == 200
    assert response.content == b"contacts (GET)"


def test_a_disabled_feature_answers_a_clear_page_with_the_way_to_billing(staff_client, alpha):
    response = staff_client.get("/gated/crm/", HTTP_HOST=host_of(alpha))

    assert response.status_code == 403
    content = response.content.decode()
    assert "CRM is not turned on" in content
    assert '<a class="btn btn--primary" href="/dashboard/billing/">Turn on CRM' in content
    assert response.templates[0].name == "billing/feature_unavailable.html"
    assert "layouts/dashboard.html" in [t.name for t in response.templates]


def test_staff_who_cannot_change_billing_are_told_whom_to_ask(alpha):
    editor = add_member(alpha, "editor")

    response = client_for_member(editor, alpha).get("/gated/crm/", HTTP_HOST=host_of(alpha))

    assert response.status_code == 403
    content = response.content.decode()
    assert "Ask an owner of Alpha Co to turn it on" in content
    assert "/dashboard/billing/" not in content


def test_visitors_get_the_public_page_without_a_billing_link(client, alpha):
    response = client.get("/gated/shop/", HTTP_HOST=host_of(alpha))

    assert response.status_code == 403
    content = response.content.decode()
    assert "Store is not turned on" in content
    assert "/dashboard/billing/" not in content
    assert "layouts/public.html" in [t.name for t in response.templates]


def test_read_only_allows_reading_but_not_writing(staff_client, alpha, owner):
    choose(alpha, "crm", actor=owner)
    set_state(alpha, "crm", WorkspaceFeature.State.READ_ONLY)
    host = host_of(alpha)

    read = staff_client.get("/gated/crm/", HTTP_HOST=host)
    write = staff_client.post("/gated/crm/", HTTP_HOST=host)
    write_page = staff_client.get("/gated/crm/new/", HTTP_HOST=host)

    assert read.status_code == 200
    assert write.status_code == 403
    assert "CRM is read-only" in write.content.decode()
    assert "Nothing has been deleted" in write.content.decode()
    assert write_page.status_code == 403


def test_a_killed_feature_is_off_everywhere_at_once(staff_client, alpha, beta, owner):
    choose(alpha, "crm", actor=owner)
    choose(beta, "crm", actor=owner)
    beta_client = client_for_member(owner, beta)
    assert staff_client.get("/gated/crm/", HTTP_HOST=host_of(alpha)).status_code == 200
    assert beta_client.get("/gated/crm/", HTTP_HOST=host_of(beta)).status_code == 200

    feature_kill_switch_set(key="crm", disabled=True, actor=owner, reason="incident 42")

    for client, workspace in ((staff_client, alpha), (beta_client, beta)):
        response = client.get("/gated/crm/", HTTP_HOST=host_of(workspace))
        assert response.status_code == 403
        assert "temporarily unavailable" in response.content.decode()
        assert "Turn on CRM" not in response.content.decode()  # no upgrade helps
    assert WorkspaceFeature.objects.filter(key="crm", enabled=True).count() == 2  # untouched

    feature_kill_switch_set(key="crm", disabled=False, actor=owner)

    assert staff_client.get("/gated/crm/", HTTP_HOST=host_of(alpha)).status_code == 200


def test_turning_a_feature_on_takes_effect_on_the_next_request(staff_client, alpha, owner):
    host = host_of(alpha)
    assert staff_client.get("/gated/crm/", HTTP_HOST=host).status_code == 403

    choose(alpha, "crm", actor=owner)
    assert staff_client.get("/gated/crm/", HTTP_HOST=host).status_code == 200

    choose(alpha, actor=owner)
    assert staff_client.get("/gated/crm/", HTTP_HOST=host).status_code == 403


def test_one_workspaces_features_never_reach_another(staff_client, alpha, beta, owner):
    choose(alpha, "crm", actor=owner)

    response = client_for_member(owner, beta).get("/gated/crm/", HTTP_HOST=host_of(beta))

    assert staff_client.get("/gated/crm/", HTTP_HOST=host_of(alpha)).status_code == 200
    assert response.status_code == 403


def test_the_api_answers_403_json_with_a_machine_readable_code(staff_client, alpha, owner):
    host = host_of(alpha)

    off = staff_client.get("/gated-api/crm/contacts", HTTP_HOST=host)

    assert off.status_code == 403
    assert error_code(off) == "feature_disabled"
    assert "/dashboard/billing/" in off.json()["error"]["message"]

    choose(alpha, "crm", actor=owner)
    assert staff_client.get("/gated-api/crm/contacts", HTTP_HOST=host).json() == {"contacts": []}
    created = staff_client.post("/gated-api/crm/contacts", HTTP_HOST=host)
    assert (created.status_code, created.json()) == (200, {"created": True})


def test_the_api_in_read_only_mode_reads_but_refuses_writes(staff_client, alpha, owner):
    choose(alpha, "crm", actor=owner)
    set_state(alpha, "crm", WorkspaceFeature.State.READ_ONLY)
    host = host_of(alpha)

    read = staff_client.get("/gated-api/crm/contacts", HTTP_HOST=host)
    write = staff_client.post("/gated-api/crm/contacts", HTTP_HOST=host)

    assert read.status_code == 200
    assert write.status_code == 403
    assert error_code(write) == "feature_read_only"


def test_unknown_feature_keys_fail_when_the_view_is_defined():
    from shared_apps.billing.gate import feature_required

    with pytest.raises(KeyError, match="Unknown feature 'crn'"):
        feature_required("crn")
