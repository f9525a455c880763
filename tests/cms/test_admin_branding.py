"""Wagtail's admin on a workspace host shows the workspace's name, logo (or monogram)
and colours, never the platform's."""

from django.conf import settings
from django_tenants.utils import tenant_context

from cms.branding import admin_colour_css, hex_to_hsl
from tests.helpers import add_member, client_for_member, host_of


def _owner_client(workspace):
    return client_for_member(add_member(workspace, "owner"), workspace)


def test_admin_pages_wear_the_workspace_name_and_never_the_platforms(alpha):
    client = _owner_client(alpha)

    for path in ("/cms/", "/cms/pages/", "/cms/users/", "/cms/images/"):
        html = client.get(path, HTTP_HOST=host_of(alpha)).content.decode()
        assert "Mewayz" not in html, path
        assert "Alpha Co</title>" in html, path


def test_dashboard_welcomes_with_the_workspace_name(alpha, beta):
    alpha_html = _owner_client(alpha).get("/cms/", HTTP_HOST=host_of(alpha)).content.decode()
    beta_html = _owner_client(beta).get("/cms/", HTTP_HOST=host_of(beta)).content.decode()

    assert "Welcome to Alpha Co" in alpha_html and "Beta Co" not in alpha_html
    assert "Welcome to Beta Co" in beta_html and "Alpha Co" not in beta_html


def test_admin_colours_follow_the_workspace_brand(alpha):
    alpha.branding = {"primary_color": "#1d6f42"}
    alpha.save()
    hue, saturation, _ = hex_to_hsl("#1d6f42")

    html = _owner_client(alpha).get("/cms/", HTTP_HOST=host_of(alpha)).content.decode()

    assert f"--w-color-secondary-hue: {hue};" in html
    assert f"--w-color-secondary-saturation: {saturation}%;" in html
    assert "--workspace-brand-primary: #1d6f42;" in html


def test_sidebar_shows_a_monogram_without_a_logo(alpha):
    html = _owner_client(alpha).get("/cms/", HTTP_HOST=host_of(alpha)).content.decode()

    logo = html.split("data-wagtail-sidebar-branding-logo>", 1)[1].split("</template>", 1)[0]
    assert 'aria-label="Alpha Co"' in logo
    assert ">A</span>" in logo


def test_light_brand_colours_are_darkened_for_white_text():
    css = admin_colour_css(branding={"primary_color": "#ffe066"})

    assert "--w-color-secondary-lightness: 38.0%;" in css
    assert "--w-color-primary-lightness: 24.0%;" in css


def test_hex_to_hsl():
    assert hex_to_hsl("#ff0000") == (0.0, 100.0, 50.0)
    assert hex_to_hsl("#fff") == (0.0, 0.0, 100.0)


def test_wagtail_site_name_is_the_active_workspaces(alpha, beta):
    with tenant_context(alpha):
        assert str(settings.WAGTAIL_SITE_NAME) == "Alpha Co"
    with tenant_context(beta):
        assert str(settings.WAGTAIL_SITE_NAME) == "Beta Co"
    assert "Mewayz" not in str(settings.WAGTAIL_SITE_NAME)


def test_display_name_wins_over_the_workspace_name(alpha):
    alpha.branding = {"display_name": "Alpha Bakery"}
    alpha.save()

    with tenant_context(alpha):
        assert str(settings.WAGTAIL_SITE_NAME) == "Alpha Bakery"
