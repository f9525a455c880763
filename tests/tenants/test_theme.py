"""The one theme mechanism: /theme.css, /manifest.webmanifest and /favicon.ico served per
host in that host's brand, cached, and never crossing from one site to another; the
"Powered by" mark on workspaces without white label, and nothing of the platform on those
with it."""

import json

import pytest
from django.conf import settings
from django.utils import timezone

from tenants import theme
from tenants.branding_services import agency_branding_update, workspace_branding_update
from tenants.host_cache import forget_hosts
from tenants.models import Agency, AgencyHost, Workspace
from tenants.services import workspace_provision
from tests.helpers import CaptureQueriesContext, connection, control_plane_queries, host_of
from tests.tenants.test_branding_services import image_upload, white_label_on

AGENCY_HOST = "dash.theme-agency.test"


def brand(workspace, owner, **data):
    workspace_branding_update(workspace=workspace, actor=owner, data=data)
    return Workspace.objects.get(pk=workspace.pk)


def theme_url_on(client, host) -> str:
    response = client.get("/accounts/sign-in/", HTTP_HOST=host)
    assert response.status_code == 200
    return response.context["theme_css_url"]


# ---- the theme stylesheet ---------------------------------------------------------------


def test_pages_link_the_theme_of_their_own_host(client, alpha, owner):
    brand(alpha, owner, primary_color="#123456", font="slab", radius="4px")

    page = client.get("/accounts/sign-in/", HTTP_HOST=host_of(alpha))
    url = page.context["theme_css_url"]
    response = client.get(url, HTTP_HOST=host_of(alpha))

    assert f'<link rel="stylesheet" href="{url}">' in page.content.decode()
    assert url.startswith("/theme.css?v=")  # on this host: a relative URL
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    css = response.content.decode()
    assert "--brand-primary: #123456;" in css
    assert "--brand-radius: 4px;" in css
    assert "Rockwell" in css  # the slab stack
    assert "<" not in css


def test_the_current_version_is_cached_for_good_and_revalidates_by_etag(client, alpha):
    url = theme_url_on(client, host_of(alpha))

    response = client.get(url, HTTP_HOST=host_of(alpha))
    again = client.get(url, HTTP_HOST=host_of(alpha), HTTP_IF_NONE_MATCH=response["ETag"])

    assert "immutable" in response["Cache-Control"]
    assert "max-age=31536000" in response["Cache-Control"]
    assert response["ETag"] == f'"{url.split("v=")[1]}"'
    assert again.status_code == 304
    assert again.content == b""


def test_a_stale_version_gets_the_current_theme_briefly_cached(client, alpha, owner):
    old_url = theme_url_on(client, host_of(alpha))
    brand(alpha, owner, primary_color="#abcdef")

    new_url = theme_url_on(client, host_of(alpha))
    stale = client.get(old_url, HTTP_HOST=host_of(alpha))

    assert new_url != old_url  # a brand change is a new URL: browsers fetch it at once
    assert "--brand-primary: #abcdef;" in stale.content.decode()
    assert "immutable" not in stale["Cache-Control"]


def test_one_workspace_s_theme_is_never_served_on_another_s_host(client, alpha, beta, owner):
    brand(alpha, owner, primary_color="#a1a1a1", text_color="#000000")
    brand(beta, owner, primary_color="#b2b2b2")
    alpha_url = theme_url_on(client, host_of(alpha))
    client.get(alpha_url, HTTP_HOST=host_of(alpha))  # alpha's theme is now cached

    on_beta = client.get(alpha_url, HTTP_HOST=host_of(beta)).content.decode()

    assert "#b2b2b2" in on_beta
    assert "#a1a1a1" not in on_beta


def test_the_theme_is_rendered_once_then_served_from_the_cache(client, alpha, monkeypatch):
    calls = []
    real = theme.theme_css_render
    monkeypatch.setattr(theme, "theme_css_render", lambda owner: calls.append(owner) or real(owner))
    url = theme_url_on(client, host_of(alpha))

    first = client.get(url, HTTP_HOST=host_of(alpha))
    second = client.get(url, HTTP_HOST=host_of(alpha))

    assert len(calls) == 1
    assert first.content == second.content


def test_a_warm_theme_request_never_touches_the_control_plane(client, alpha):
    url = theme_url_on(client, host_of(alpha))
    client.get(url, HTTP_HOST=host_of(alpha))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_HOST=host_of(alpha))

    assert response.status_code == 200
    assert queries.captured_queries == []


def test_a_warm_page_costs_no_control_plane_query_for_its_brand(staff_client, alpha, owner):
    brand(alpha, owner, primary_color="#123456")
    staff_client.get("/dashboard/", HTTP_HOST=host_of(alpha))

    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get("/dashboard/", HTTP_HOST=host_of(alpha))

    assert response.status_code == 200
    assert control_plane_queries(queries) == []


def test_custom_css_comes_after_the_properties_sanitised(client, alpha, owner):
    alpha = white_label_on(alpha, owner)
    brand(alpha, owner, custom_css="/* note */ .hero { padding: 0 }")

    css = client.get(
        theme_url_on(client, host_of(alpha)), HTTP_HOST=host_of(alpha)
    ).content.decode()

    assert css.index(":root") < css.index(".hero { padding: 0 }")
    assert "/* note */" not in css


def test_hostile_css_stored_behind_the_services_back_is_never_served(client, alpha):
    Workspace.objects.filter(pk=alpha.pk).update(
        branding={"primary_color": "#222222", "custom_css": "</style><script>alert(1)</script>"}
    )
    forget_hosts([host_of(alpha)])

    css = client.get(
        theme_url_on(client, host_of(alpha)), HTTP_HOST=host_of(alpha)
    ).content.decode()

    assert "--brand-primary: #222222;" in css
    assert "script" not in css and "<" not in css


def test_the_platform_serves_its_default_theme(client, db):
    url = theme_url_on(client, settings.PLATFORM_DOMAIN)

    css = client.get(url, HTTP_HOST=settings.PLATFORM_DOMAIN).content.decode()

    assert "--brand-primary: #4f46e5;" in css


def test_base_html_has_no_inline_brand_style(client, alpha):
    html = client.get("/accounts/sign-in/", HTTP_HOST=host_of(alpha)).content.decode()

    assert "--brand-primary" not in html


# ---- manifest and icons -----------------------------------------------------------------


def test_the_manifest_wears_the_host_s_brand(client, alpha, beta, owner):
    brand(alpha, owner, display_name="Alpha Studio Collective", primary_color="#123456")

    response = client.get("/manifest.webmanifest", HTTP_HOST=host_of(alpha))
    on_beta = json.loads(client.get("/manifest.webmanifest", HTTP_HOST=host_of(beta)).content)

    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Alpha Studio Collective"
    assert manifest["short_name"] == "Alpha"
    assert manifest["start_url"] == "/"
    assert manifest["theme_color"] == "#123456"
    assert manifest["background_color"] == "#ffffff"
    assert manifest["icons"][-1]["type"] == "image/svg+xml"
    assert all(icon["src"].startswith("/") for icon in manifest["icons"])  # this host only
    assert on_beta["name"] == "Beta Co"


def test_the_manifest_offers_the_uploaded_logo(client, alpha, owner):
    workspace_branding_update(workspace=alpha, actor=owner, data={}, logo=image_upload())

    icons = json.loads(client.get("/manifest.webmanifest", HTTP_HOST=host_of(alpha)).content)[
        "icons"
    ]

    assert icons[0]["src"].startswith("/brand/logo?v=")
    assert icons[0]["type"] == "image/png"
    assert client.get(icons[0]["src"], HTTP_HOST=host_of(alpha)).content[:4] == b"\x89PNG"


def test_without_uploads_the_favicon_is_a_monogram_in_the_brand_colour(client, alpha, owner):
    brand(alpha, owner, display_name="zeta", primary_color="#0f766e")

    response = client.get("/favicon.ico", HTTP_HOST=host_of(alpha))

    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert 'fill="#0f766e"' in svg
    assert ">Z</text>" in svg
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_an_uploaded_favicon_is_served_from_the_workspace_host(client, alpha, beta, owner):
    workspace_branding_update(
        workspace=alpha, actor=owner, data={}, favicon=image_upload("f.png", size=(32, 32))
    )
    page = client.get("/accounts/sign-in/", HTTP_HOST=host_of(alpha))
    icon_url = page.context["brand_icon_url"]

    response = client.get(icon_url, HTTP_HOST=host_of(alpha))
    on_beta = client.get("/favicon.ico", HTTP_HOST=host_of(beta))

    assert f'<link rel="icon" href="{icon_url}">' in page.content.decode()
    assert response["Content-Type"] == "image/png"
    assert response.content[:4] == b"\x89PNG"
    assert "immutable" in response["Cache-Control"]
    assert on_beta["Content-Type"] == "image/svg+xml"  # beta has none: its own monogram


def test_the_logo_falls_back_to_404_when_there_is_none(client, alpha):
    assert client.get("/brand/logo", HTTP_HOST=host_of(alpha)).status_code == 404


def test_pages_link_the_manifest_and_icon(client, alpha):
    html = client.get("/accounts/sign-in/", HTTP_HOST=host_of(alpha)).content.decode()

    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<link rel="icon" href="/brand/icon.svg?v=' in html


# ---- agencies ----------------------------------------------------------------------------


@pytest.fixture
def agency(db, owner):
    agency = Agency.objects.create(name="Theme Agency", slug="theme-agency")
    AgencyHost.objects.create(
        agency=agency,
        host=AGENCY_HOST,
        is_verified=True,
        status=AgencyHost.Status.VERIFIED,
        verified_at=timezone.now(),
    )
    agency_branding_update(
        agency=agency, actor=owner, data={"display_name": "Themed", "primary_color": "#7c2d12"}
    )
    return agency


def test_an_agency_host_serves_the_agency_s_theme_and_manifest(client, agency):
    css = client.get("/theme.css", HTTP_HOST=AGENCY_HOST).content.decode()
    manifest = json.loads(client.get("/manifest.webmanifest", HTTP_HOST=AGENCY_HOST).content)

    assert "--brand-primary: #7c2d12;" in css
    assert manifest["name"] == "Themed"


# ---- powered by, and white label ---------------------------------------------------------


def test_a_workspace_without_white_label_shows_a_small_powered_by_mark(client, alpha):
    html = client.get("/accounts/sign-in/", HTTP_HOST=host_of(alpha)).content.decode()

    assert "data-powered-by" in html
    assert f"Powered by <strong>{settings.PLATFORM_NAME}</strong>" in html


def test_the_platform_itself_shows_no_powered_by(client, db):
    html = client.get("/accounts/sign-in/", HTTP_HOST=settings.PLATFORM_DOMAIN).content.decode()

    assert "data-powered-by" not in html


def _audit_white_label(client, host):
    """Every page and asset a visitor or staff member meets: none may name the platform
    or point at its domain, in the body, the headers or the cookies."""
    platform = settings.PLATFORM_NAME.lower()
    platform_link = f"//{settings.PLATFORM_DOMAIN}"
    first_page = client.get("/no-such-page/", HTTP_HOST=host)
    paths = [
        "/",
        "/accounts/sign-in/",
        "/accounts/password-reset/",
        "/dashboard/",
        "/dashboard/settings/branding/",
        "/no-such-page/",
        first_page.context["theme_css_url"],
        "/manifest.webmanifest",
        "/favicon.ico",
        "/brand/icon.svg",
        "/static/css/app.css",
        "/static/js/app.js",
    ]
    for path in paths:
        response = client.get(path, HTTP_HOST=host)
        assert response.status_code in (200, 302, 404), (path, response.status_code)
        assert platform_link not in response.get("Location", ""), path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", "replace").lower()
        assert platform not in text, path
        assert platform_link not in text, path
        for header, value in response.items():
            assert platform not in f"{header}: {value}".lower(), (path, header)
        for name, morsel in response.cookies.items():
            assert platform not in f"{name}={morsel.value}".lower(), (path, name)


def test_with_white_label_the_platform_appears_nowhere(client, staff_client, alpha, owner):
    white_label_on(alpha, owner)

    _audit_white_label(client, host_of(alpha))  # a visitor
    _audit_white_label(staff_client, host_of(alpha))  # the owner in the dashboard


def test_an_agency_client_is_white_label_and_goes_home_to_the_agency(owner, agency):
    workspace = workspace_provision(name="Client Co", slug="client-co", owner=owner, agency=agency)
    forget_hosts([host_of(workspace)])
    from tests.helpers import client_for_member

    staff = client_for_member(owner, workspace)

    response = staff.get("/dashboard/", HTTP_HOST=host_of(workspace))
    html = response.content.decode()

    assert response.context["white_label"] is True
    assert "data-powered-by" not in html
    assert f'href="http://{AGENCY_HOST}/dashboard/"' in html  # "All workspaces"
    _audit_white_label(staff, host_of(workspace))


def test_an_enterprise_white_label_has_no_way_to_the_platform_dashboard(staff_client, alpha, owner):
    white_label_on(alpha, owner)

    response = staff_client.get("/dashboard/", HTTP_HOST=host_of(alpha))

    assert response.context["home_dashboard_url"] is None
    assert "All workspaces" not in response.content.decode()


def test_a_normal_workspace_goes_home_to_the_platform_dashboard(staff_client, alpha):
    response = staff_client.get("/dashboard/", HTTP_HOST=host_of(alpha))

    assert response.context["home_dashboard_url"] == f"http://{settings.PLATFORM_DOMAIN}/dashboard/"
    assert "All workspaces" in response.content.decode()


def test_the_design_system_files_carry_no_platform_name():
    # Asset paths and bytes are part of the white-label audit (renamed, comments cleaned).
    from django.contrib.staticfiles import finders

    for path in ("css/app.css", "js/app.js"):
        found = finders.find(path)
        assert found, path
        with open(found, "rb") as handle:
            assert settings.PLATFORM_NAME.lower().encode() not in handle.read().lower()
    assert finders.find("css/mewayz.css") is None


def test_the_white_label_audit_would_catch_the_platform(client, alpha):
    # Without white label the "Powered by" mark names the platform: the audit must see it.
    with pytest.raises(AssertionError):
        _audit_white_label(client, host_of(alpha))
