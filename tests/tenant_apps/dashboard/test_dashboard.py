"""The workspace dashboard shell on a workspace host."""

from tests.helpers import host_of


def test_dashboard_requires_sign_in(client, alpha):
    response = client.get("/dashboard/", HTTP_HOST=host_of(alpha))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_dashboard_lists_modules_and_the_workspace(staff_client, alpha, owner):
    response = staff_client.get("/dashboard/", HTTP_HOST=host_of(alpha))

    assert response.status_code == 200
    keys = [module.key for module in response.context["modules"]]
    assert {"home", "pages", "team", "audit", "site"} <= set(keys)
    assert response.context["workspace"] == alpha
    content = response.content.decode()
    assert "Alpha Co" in content
    assert owner.email in content
    assert 'href="/cms/"' in content


def test_dashboard_wears_the_workspace_brand(staff_client, alpha):
    alpha.branding = {"primary_color": "#123456"}
    alpha.save()

    response = staff_client.get("/dashboard/", HTTP_HOST=host_of(alpha))

    # The brand arrives as the site's theme stylesheet (tenants.theme).
    theme_url = response.context["theme_css_url"]
    assert f'href="{theme_url}"' in response.content.decode()
    theme = staff_client.get(theme_url, HTTP_HOST=host_of(alpha))
    assert "--brand-primary: #123456" in theme.content.decode()


def test_invalid_branding_cannot_break_out_of_the_style_block(staff_client, alpha):
    alpha.branding = {"primary_color": "red;}</style><script>alert(1)</script>"}
    alpha.save()

    response = staff_client.get("/dashboard/", HTTP_HOST=host_of(alpha))

    assert "<script>alert(1)</script>" not in response.content.decode()


def test_customers_cannot_open_the_dashboard(client, alpha):
    from tests.factories import IdentityFactory

    customer = IdentityFactory(email="shopper@example.test")
    client.force_login(customer)

    response = client.get("/dashboard/", HTTP_HOST=host_of(alpha))

    assert response.status_code == 403
    assert "modules" not in response.context or response.context["modules"] == []


def test_navigation_follows_the_role(alpha):
    from tests.helpers import add_member, client_for_member

    viewer = add_member(alpha, "viewer")

    response = client_for_member(viewer, alpha).get("/dashboard/", HTTP_HOST=host_of(alpha))

    assert [module.key for module in response.context["modules"]] == ["home", "bio", "team", "site"]
