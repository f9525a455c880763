"""Error pages in the brand of the site they are served on: 404, 403 and 500, the last
without a query; hosts we do not serve get a page with no brand at all.

This module is also the URL conf of its own tests (views that raise)."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory, override_settings
from django.urls import include, path

from config.views import server_error
from tenants.branding_services import workspace_branding_update
from tenants.selectors import workspace_get_for_host
from tests.helpers import CaptureQueriesContext, connection, error_code, host_of
from tests.tenants.test_branding_services import white_label_on


def _deny(request):
    raise PermissionDenied


def _explode(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("deny/", _deny),
    path("explode/", _explode),
    path("api/deny/", _deny),
    path("", include("tenants.branding_urls")),
    path("accounts/", include("shared_apps.accounts.urls")),
]
handler403 = "config.views.permission_denied"
handler500 = "config.views.server_error"


@pytest.fixture
def raising_urls():
    with override_settings(ROOT_URLCONF=__name__):
        yield


@pytest.fixture
def browser():
    return Client(raise_request_exception=False)


PLATFORM = settings.PLATFORM_NAME


# ---- 404 ----------------------------------------------------------------------------------


def test_a_workspace_404_wears_its_brand(client, alpha, owner):
    workspace_branding_update(
        workspace=alpha,
        actor=owner,
        data={"display_name": "Alpha Studio", "primary_color": "#0f766e"},
    )

    response = client.get("/no-such-page/", HTTP_HOST=host_of(alpha))

    html = response.content.decode()
    assert response.status_code == 404
    assert "Back to Alpha Studio" in html
    assert f'href="{response.context["theme_css_url"]}"' in html
    assert "data-powered-by" in html  # alpha has no white label


def test_a_white_label_404_never_names_the_platform(client, alpha, owner):
    white_label_on(alpha, owner)

    response = client.get("/no-such-page/", HTTP_HOST=host_of(alpha))

    assert response.status_code == 404
    assert PLATFORM not in response.content.decode()


def test_an_unknown_host_404_has_no_brand_and_no_platform(client, db):
    response = client.get("/no-such-page/", HTTP_HOST="nobody.example.org")

    html = response.content.decode()
    assert response.status_code == 404
    assert PLATFORM not in html
    assert "theme.css" not in html
    assert "manifest" not in html
    assert "Powered by" not in html


def test_an_unknown_host_gets_no_theme_manifest_or_icon(client, db):
    for asset in ("/theme.css", "/manifest.webmanifest", "/favicon.ico"):
        response = client.get(asset, HTTP_HOST="nobody.example.org")
        assert response.status_code == 404
        assert PLATFORM not in response.content.decode()


# ---- 403 ----------------------------------------------------------------------------------


def test_a_403_on_a_workspace_wears_its_brand_in_the_public_layout(browser, alpha, raising_urls):
    response = browser.get("/deny/", HTTP_HOST=host_of(alpha))

    html = response.content.decode()
    assert response.status_code == 403
    assert "You don't have access to this page" in html
    assert "Back to Alpha Co" in html
    assert "layouts/public.html" in [t.name for t in response.templates]
    assert "/accounts/sign-in/?next=/deny/" in html


def test_a_403_for_staff_is_shown_in_the_dashboard(staff_client, alpha, raising_urls):
    response = staff_client.get("/deny/", HTTP_HOST=host_of(alpha))

    assert response.status_code == 403
    assert "layouts/dashboard.html" in [t.name for t in response.templates]


def test_a_403_under_the_api_is_json(browser, alpha, raising_urls):
    response = browser.get("/api/deny/", HTTP_HOST=host_of(alpha))

    assert response.status_code == 403
    assert error_code(response) == "permission_denied"


def test_a_white_label_403_never_names_the_platform(browser, alpha, owner, raising_urls):
    white_label_on(alpha, owner)

    response = browser.get("/deny/", HTTP_HOST=host_of(alpha))

    assert response.status_code == 403
    assert PLATFORM not in response.content.decode()


def test_the_platform_403_is_branded_as_the_platform(db):
    from django.contrib.auth.models import AnonymousUser

    from config.views import permission_denied

    request = RequestFactory().get("/deny/", HTTP_HOST=settings.PLATFORM_DOMAIN)
    request.workspace, request.agency, request.user = None, None, AnonymousUser()

    response = permission_denied(request)

    assert response.status_code == 403
    assert f"Back to {PLATFORM}" in response.content.decode()
    assert "data-powered-by" not in response.content.decode()


# ---- 500 ----------------------------------------------------------------------------------


def test_a_500_wears_the_workspace_brand(browser, alpha, owner, raising_urls):
    workspace_branding_update(workspace=alpha, actor=owner, data={"display_name": "Alpha Studio"})

    response = browser.get("/explode/", HTTP_HOST=host_of(alpha))

    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong · Alpha Studio" in html
    assert '<link rel="stylesheet" href="/theme.css?v=' in html
    assert "data-powered-by" in html


def test_a_white_label_500_never_names_the_platform(browser, alpha, owner, raising_urls):
    white_label_on(alpha, owner)

    response = browser.get("/explode/", HTTP_HOST=host_of(alpha))

    assert response.status_code == 500
    assert PLATFORM not in response.content.decode()


def test_the_500_page_is_rendered_without_a_single_query(alpha):
    # The routed workspace, as the middleware leaves it on the request and the connection.
    workspace = workspace_get_for_host(host=host_of(alpha))
    request = RequestFactory().get("/explode/", HTTP_HOST=host_of(alpha))
    request.workspace, request.agency = workspace, None

    with CaptureQueriesContext(connection) as queries:
        response = server_error(request)

    assert response.status_code == 500
    assert "Alpha Co" in response.content.decode()
    assert queries.captured_queries == []


def test_when_even_the_brand_fails_the_500_is_plain_and_names_no_one(alpha, monkeypatch):
    from tenants import theme

    def broken(**kwargs):
        raise RuntimeError("cache down")

    monkeypatch.setattr(theme, "brand_context", broken)
    request = RequestFactory().get("/explode/", HTTP_HOST=host_of(alpha))
    request.workspace, request.agency = workspace_get_for_host(host=host_of(alpha)), None

    response = server_error(request)

    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in html
    assert PLATFORM not in html
    assert "theme.css" not in html


def test_a_500_under_the_api_is_json(browser, alpha):
    with override_settings(ROOT_URLCONF=__name__):
        urlpatterns.append(path("api/explode/", _explode))
        try:
            response = browser.get("/api/explode/", HTTP_HOST=host_of(alpha))
        finally:
            urlpatterns.pop()

    assert response.status_code == 500
    assert error_code(response) == "server_error"


# ---- the suspended page --------------------------------------------------------------------


def test_a_suspended_workspace_page_wears_its_display_name(client, alpha, owner):
    from tenants.services import workspace_suspend

    workspace_branding_update(workspace=alpha, actor=owner, data={"display_name": "Alpha Studio"})
    workspace_suspend(workspace=alpha, reason="unpaid")

    response = client.get("/", HTTP_HOST=host_of(alpha))

    html = response.content.decode()
    assert response.status_code == 503
    assert "Alpha Studio is temporarily unavailable" in html
    assert PLATFORM not in html
