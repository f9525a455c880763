"""The dashboard menu uses the gate's template tag: off hides, read-only is marked."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from shared_apps.billing.models import WorkspaceFeature
from tenant_apps.dashboard import modules
from tenants.roles import Permission
from tests.helpers import add_member, client_for_member, host_of
from tests.shared_apps.billing.support import choose, set_state

CRM = modules.Module("crm", "CRM", "/dashboard/crm/", "users", Permission.CONTENT_VIEW, "crm")


@pytest.fixture
def crm_module(monkeypatch):
    monkeypatch.setattr(modules, "MODULES", [*modules.MODULES, CRM])


def _nav(response) -> str:
    content = response.content.decode()
    return content[content.index('<nav class="nav"') : content.index("</nav>")]


@pytest.mark.usefixtures("crm_module")
def test_menu_hides_a_module_whose_feature_is_off(staff_client, alpha):
    response = staff_client.get("/dashboard/", HTTP_HOST=host_of(alpha))

    assert 'href="/dashboard/crm/"' not in _nav(response)
    assert 'href="/dashboard/team/"' in _nav(response)  # entries without a feature stay


@pytest.mark.usefixtures("crm_module")
def test_menu_shows_it_once_turned_on_and_marks_read_only(staff_client, alpha, owner):
    choose(alpha, "crm", actor=owner)
    assert 'href="/dashboard/crm/"' in _nav(
        staff_client.get("/dashboard/", HTTP_HOST=host_of(alpha))
    )

    set_state(alpha, "crm", WorkspaceFeature.State.READ_ONLY)
    nav = _nav(staff_client.get("/dashboard/", HTTP_HOST=host_of(alpha)))

    assert 'href="/dashboard/crm/"' in nav
    assert "Read-only" in nav


@pytest.mark.usefixtures("crm_module")
def test_menu_follows_each_workspace(alpha, beta, owner):
    choose(alpha, "crm", actor=owner)

    alpha_nav = _nav(client_for_member(owner, alpha).get("/dashboard/", HTTP_HOST=host_of(alpha)))
    beta_nav = _nav(client_for_member(owner, beta).get("/dashboard/", HTTP_HOST=host_of(beta)))

    assert 'href="/dashboard/crm/"' in alpha_nav
    assert 'href="/dashboard/crm/"' not in beta_nav


def test_billing_is_in_the_menu_of_owners_only(staff_client, alpha):
    admin = add_member(alpha, "admin")

    owner_nav = _nav(staff_client.get("/dashboard/", HTTP_HOST=host_of(alpha)))
    admin_nav = _nav(client_for_member(admin, alpha).get("/dashboard/", HTTP_HOST=host_of(alpha)))

    assert 'href="/dashboard/billing/"' in owner_nav
    assert 'href="/dashboard/billing/"' not in admin_nav


def test_the_tag_in_any_template(alpha, owner):
    choose(alpha, "crm", actor=owner)
    request = RequestFactory().get("/")
    request.workspace = alpha
    template = Template(
        '{% load billing %}{% feature_state "crm" as crm %}{% feature_state "store" as store %}'
        "{% feature_state module_feature as none %}{{ crm }}/{{ store }}/{{ none }}"
    )

    assert template.render(Context({"request": request, "module_feature": None})) == "on/off/on"
