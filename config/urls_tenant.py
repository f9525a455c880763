"""URLs of every workspace host. Wagtail's page serving comes last: it owns the rest."""

from django.conf import settings
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from config.api import workspace_api
from config.views import page_not_found
from tenant_apps.bio_sites import routing as bio_routing

urlpatterns = [
    path("accounts/", include("shared_apps.accounts.urls")),
    path("sso/", include("tenants.sso_urls")),
    path("", include("tenants.join_urls")),  # /join/<token>/, the staff sign-in code step
    path("dashboard/billing/", include("shared_apps.billing.urls")),
    path("dashboard/", include("tenants.team_urls")),
    path("dashboard/domains/", include("tenants.domain_urls")),
    path("", include("tenants.branding_urls")),  # theme, manifest, icons, branding page
    path("dashboard/bio/", include("tenant_apps.bio_sites.dashboard_urls")),
    path("dashboard/", include("tenant_apps.dashboard.urls")),
    path("", include("tenant_apps.bio_sites.urls")),  # /b/<slug>/, the public bio pages
    path("api/v1/", workspace_api.urls),
    # Anything else under /api/ is a JSON 404, never a page or a slash redirect.
    re_path(r"^api/", page_not_found),
    # Wagtail's own password form would bypass sign-in throttling and two-factor.
    path("cms/login/", RedirectView.as_view(url="/accounts/sign-in/", query_string=True)),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # robots.txt, sitemap.xml, search and the newsletter form of the workspace's site.
    path("", include("cms.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    # A published bio site at the root or at /<slug>/, else Wagtail's page there.
    path("", bio_routing.bio_root, name="bio_root"),
    path("<slug:slug>/", bio_routing.bio_slug_or_page, name="bio_slug"),
    path("", include(wagtail_urls)),
]

handler404 = "config.views.page_not_found"
handler403 = "config.views.permission_denied"
handler500 = "config.views.server_error"
