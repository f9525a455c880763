"""The bio sites' dashboard pages, under /dashboard/bio/: the editor and site settings,
the analytics, and the A/B tests, each from its own module."""

from django.urls import include, path

app_name = "bio_dashboard"

urlpatterns = [
    path("", include("tenant_apps.bio_sites.editor_urls")),
    path("", include("tenant_apps.bio_sites.analytics_urls")),
    path("", include("tenant_apps.bio_sites.experiment_urls")),
    path("", include("tenant_apps.bio_sites.submission_urls")),
]
