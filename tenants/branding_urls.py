"""The brand's assets on every host (workspace, agency and platform URL confs include
this module) and the workspace's branding settings page (404 off a workspace host)."""

from django.urls import path

from tenants import branding_views

app_name = "branding"

urlpatterns = [
    path("theme.css", branding_views.theme_css_view, name="theme_css"),
    path("manifest.webmanifest", branding_views.manifest_view, name="manifest"),
    path("favicon.ico", branding_views.favicon_view, name="favicon"),
    path("brand/logo", branding_views.logo_view, name="logo"),
    path("brand/icon.svg", branding_views.icon_svg_view, name="icon_svg"),
    path("dashboard/settings/branding/", branding_views.branding_settings, name="settings"),
    path(
        "dashboard/settings/branding/preview/",
        branding_views.branding_preview,
        name="preview",
    ),
]
