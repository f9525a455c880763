"""The public bio page and its click redirect.

The page is the most-served page of a workspace, so a cached visit touches no database:
the HTML and the site id come from the tenant-scoped cache, and the page view is handed
to a Celery task (a Redis write) after the response is built. A task rather than a
Redis buffer because it needs nothing new: no flush job, and the recorder it runs is
the same one the click redirect uses. Bots are filtered before anything is queued.
"""

from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.views.decorators.http import require_safe

from shared_apps.platform.services import client_address
from tenant_apps.analytics.models import Event
from tenant_apps.analytics.services import event_record, user_agent_is_bot
from tenant_apps.bio_sites import page_cache, selectors
from tenant_apps.bio_sites.rendering import bio_page_html
from tenant_apps.bio_sites.tasks import bio_page_view_record_task
from tenants.task_routing import enqueue_on_commit

# What the recorder reads from a request; nothing else of the visit is queued.
_RECORDED_META = ("HTTP_USER_AGENT", "HTTP_REFERER")


def _page_render(request, slug: str) -> tuple[str, str, int]:
    site = selectors.bio_site_published_get(slug=slug)
    components, next_change = selectors.bio_site_public_components(site=site)
    html = bio_page_html(request=request, site=site, components=components)
    timeout = page_cache.PAGE_TIMEOUT_SECONDS
    if next_change is not None:
        timeout = max(1, min(timeout, int((next_change - timezone.now()).total_seconds()) + 1))
    return str(site.pk), html, timeout


def _page_view_enqueue(request, site_id: str) -> None:
    meta = {key: request.META[key] for key in _RECORDED_META if key in request.META}
    # The address goes through the broker only to be hashed by the recorder; it is
    # never stored (tenant_apps.analytics.services).
    meta["REMOTE_ADDR"] = client_address(request) or ""
    country_header = settings.ANALYTICS_COUNTRY_HEADER
    if country_header in request.META:
        meta[country_header] = request.META[country_header]
    query = urlencode({k: v for k, v in request.GET.items() if k.startswith("utm_")})
    enqueue_on_commit(bio_page_view_record_task, site_id=site_id, meta=meta, query=query)


@require_safe
def bio_page(request, slug: str):
    version = page_cache.page_cache_version(slug=slug)
    key = page_cache.page_cache_key(slug=slug, version=version)
    cached = cache.get(key)
    if cached is None:
        site_id, html, timeout = _page_render(request, slug)
        cache.set(key, (site_id, html), timeout=timeout)
    else:
        site_id, html = cached
    response = HttpResponse(html)
    if request.method == "GET" and not user_agent_is_bot(request.META.get("HTTP_USER_AGENT", "")):
        _page_view_enqueue(request, site_id)
    return response


def _with_utm(url: str, request) -> str:
    utm = [(k, v) for k, v in request.GET.items() if k.startswith("utm_")]
    if not utm:
        return url
    parts = urlsplit(url)
    query = "&".join(filter(None, [parts.query, urlencode(utm)]))
    return urlunsplit(parts._replace(query=query))


@require_safe
def bio_click(request, slug: str, component_id):
    site, component = selectors.bio_component_click_target(slug=slug, component_id=component_id)
    event_record(
        request=request,
        kind=Event.CLICK,
        subject_type="bio_site",
        subject_id=str(site.pk),
        metadata={"target": str(component.id)},
    )
    # The target is the stored, validated https address of a component on this page;
    # the request only contributes utm_* parameters to its query string.
    return HttpResponseRedirect(_with_utm(component.data["url"], request))
