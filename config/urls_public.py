"""URLs of the platform's own hosts (PLATFORM_DOMAIN and PLATFORM_EXTRA_HOSTS)."""

from django.conf import settings
from django.urls import include, path, re_path
from django.views.generic import TemplateView

from config.api import platform_api
from config.views import page_not_found
from shared_apps.platform.console_site import console_site

urlpatterns = [
    path("", TemplateView.as_view(template_name="platform/landing.html"), name="landing"),
    # Social sign-in (django-allauth), on the platform host only: workspace hosts
    # neither route nor offer it.
    path("accounts/social/", include("shared_apps.accounts.social_urls")),
    path("accounts/", include("shared_apps.accounts.urls")),
    path("", include("shared_apps.mfa.urls")),
    path("", include("tenants.urls")),
    # The agency dashboard (agency hosts only; 404 on the platform's own hosts).
    path("", include("tenants.agency_urls")),
    path("", include("tenants.branding_urls")),  # theme, manifest, icons (agency hosts too)
    # Stripe's webhook endpoint (signed requests from Stripe, no session, no CSRF).
    path("billing/stripe/", include("shared_apps.billing.stripe_urls")),
    path("api/platform/v1/", platform_api.urls),
    # Anything else under /api/ is a JSON 404, never a page or a slash redirect.
    re_path(r"^api/", page_not_found),
    # The platform owner's console: superusers only (shared_apps.platform.console_site),
    # and only here, so no workspace host routes to it.
    path("admin/", console_site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "config.views.page_not_found"
handler403 = "config.views.permission_denied"
handler500 = "config.views.server_error"
