"""URLs of bench/bio_page.py's server: every workspace URL, plus a bare "hello" view that
is the baseline the bio page is compared with. Both go through the same middleware
(host routing, sessions, CSRF, auth, messages, …) in the same workers, and the hello
view sits right before the public bio pages' URLs, so resolving either walks the same
patterns: what differs is the view alone."""

from django.http import HttpResponse
from django.urls import path

from config.urls_tenant import handler403, handler404, handler500  # noqa: F401
from config.urls_tenant import urlpatterns as tenant_urlpatterns

HELLO = b"Hello, world"
BIO_URLS = "tenant_apps.bio_sites.urls"


def hello(request):
    return HttpResponse(HELLO, content_type="text/plain")


def _bio_index() -> int:
    for index, pattern in enumerate(tenant_urlpatterns):
        if getattr(getattr(pattern, "urlconf_module", None), "__name__", None) == BIO_URLS:
            return index
    raise LookupError(f"config.urls_tenant no longer includes {BIO_URLS}")


urlpatterns = [*tenant_urlpatterns]
urlpatterns.insert(_bio_index(), path("__hello__/", hello))
