"""URLs of the platform's own hosts (PLATFORM_DOMAIN and PLATFORM_EXTRA_HOSTS)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import TemplateView

from config.api import platform_api
from config.views import page_not_found

urlpatterns = [
    path("", TemplateView.as_view(template_name="platform/landing.html"), name="landing"),
    path("accounts/", include("shared_apps.accounts.urls")),
    path("", include("shared_apps.mfa.urls")),
    path("", include("tenants.urls")),
    path("api/platform/v1/", platform_api.urls),
    # Anything else under /api/ is a JSON 404, never a page or a slash redirect.
    re_path(r"^api/", page_not_found),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
