"""The "create your workspace" step on the platform host."""

import pytest
from django_tenants.utils import schema_exists

from tenants.models import Membership, Workspace

CREATE = "/workspaces/new/"
CHECK = "/workspaces/slug-check/"


@pytest.fixture
def signed_in(client, identity, platform_host):
    client.force_login(identity)
    return client


def test_create_requires_sign_in(client, db, platform_host):
    response = client.get(CREATE, HTTP_HOST=platform_host)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_create_provisions_and_lists_the_workspace(signed_in, identity, platform_host):
    response = signed_in.post(
        CREATE,
        {"name": "Kappa Kitchen", "slug": "kappa", "description": "Meals"},
        HTTP_HOST=platform_host,
    )

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    workspace = Workspace.objects.get(slug="kappa")
    assert schema_exists(workspace.schema_name)
    assert Membership.objects.get(workspace=workspace).identity == identity
    dashboard = signed_in.get("/dashboard/", HTTP_HOST=platform_host)
    assert b"Kappa Kitchen" in dashboard.content
    assert b"http://kappa.localhost/" in dashboard.content


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "slug": "okay-slug"}, "name"),
        ({"name": "X", "slug": ""}, "slug"),
        ({"name": "X", "slug": "Bad Slug"}, "slug"),
        ({"name": "X", "slug": "api"}, "slug"),
        ({"name": "X", "slug": "alpha"}, "slug"),
        ({"name": "X" * 121, "slug": "long-name"}, "name"),
    ],
)
def test_create_with_bad_input_is_a_400_and_creates_nothing(signed_in, platform_host, data, field):
    before = Workspace.objects.count()

    response = signed_in.post(CREATE, data, HTTP_HOST=platform_host)

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert Workspace.objects.count() == before


def test_slug_check_says_available(signed_in, platform_host):
    response = signed_in.get(CHECK, {"slug": "Brand New"}, HTTP_HOST=platform_host)

    assert response.status_code == 200
    assert response.context["slug"] == "brand-new"
    assert response.context["problem"] is None
    assert b"brand-new.localhost" in response.content


@pytest.mark.parametrize(
    ("slug", "message"), [("alpha", "taken"), ("admin", "reserved"), ("", "Choose")]
)
def test_slug_check_explains_the_problem(signed_in, platform_host, slug, message):
    response = signed_in.get(CHECK, {"slug": slug}, HTTP_HOST=platform_host)

    assert message in response.context["problem"]
    assert message.encode() in response.content


def test_platform_dashboard_empty_state(signed_in, platform_host):
    response = signed_in.get("/dashboard/", HTTP_HOST=platform_host)

    assert response.status_code == 200
    assert response.context["rows"] == []


def test_platform_dashboard_lists_only_my_workspaces(client, owner, identity, platform_host):
    client.force_login(owner)
    mine = client.get("/dashboard/", HTTP_HOST=platform_host)
    client.force_login(identity)
    theirs = client.get("/dashboard/", HTTP_HOST=platform_host)

    assert [row["workspace"].slug for row in mine.context["rows"]] == ["alpha", "beta"]
    assert theirs.context["rows"] == []
