"""The public bio page and its click redirect.

The page is the most-served page of a workspace, so a cached visit touches no database:
the HTML and the site id come from the tenant-scoped cache, and the page view is handed
to a Celery task (a Redis write) after the response is built. A task rather than a
Redis buffer because it needs nothing new: no flush job, and the recorder it runs is
the same one the click redirect uses. Bots are filtered before anything is queued.

A/B tests keep that property. The running test's plan is cached with the page; a
visitor carries a random id in a first-party cookie, and a hash of that id and the test
picks the variant (experiment_selectors.plan_variant_for_visitor), so assignment needs
no lookup and stays the same on every visit. Each variant's HTML is cached on its own.
"""

import re
import secrets
from datetime import timedelta
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

from shared_apps.platform.services import client_address
from tenant_apps.analytics.models import Event
from tenant_apps.analytics.services import event_record, user_agent_is_bot
from tenant_apps.bio_sites import experiment_selectors, page_cache, selectors
from tenant_apps.bio_sites.experiment_selectors import ExperimentPlan
from tenant_apps.bio_sites.rendering import bio_page_html
from tenant_apps.bio_sites.tasks import bio_page_view_record_task
from tenants.task_routing import enqueue_on_commit

# What the recorder reads from a request; nothing else of the visit is queued.
_RECORDED_META = ("HTTP_USER_AGENT", "HTTP_REFERER")

# The visitor id of A/B tests: random, meaningless outside this workspace's host, and
# set only on pages that run a test. The name is neutral (white label).
VISITOR_COOKIE = "bv"
VISITOR_COOKIE_MAX_AGE = timedelta(days=90)
_VISITOR_ID_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _timeout_until(next_change) -> int:
    timeout = page_cache.PAGE_TIMEOUT_SECONDS
    if next_change is not None:
        timeout = max(1, min(timeout, int((next_change - timezone.now()).total_seconds()) + 1))
    return timeout


def _page_render(request, slug: str) -> tuple[str, str, ExperimentPlan | None, int]:
    site = selectors.bio_site_published_get(slug=slug)
    components, next_change = selectors.bio_site_public_components(site=site)
    html = bio_page_html(request=request, site=site, components=components)
    plan = experiment_selectors.experiment_plan_for_site(site=site)
    return str(site.pk), html, plan, _timeout_until(next_change)


def _variant_render(request, slug: str, variant_id: str) -> tuple[str, int] | None:
    """A variant's HTML; None when its test ended since the plan was cached."""
    site = selectors.bio_site_published_get(slug=slug)
    variant = experiment_selectors.variant_running_get(site=site, variant_id=variant_id)
    if variant is None:
        return None
    components, next_change = selectors.bio_site_public_components(site=site)
    html = bio_page_html(
        request=request,
        site=site,
        components=experiment_selectors.variant_public_components(
            components=components, variant=variant
        ),
        theme_key=variant.theme or None,
    )
    return html, _timeout_until(next_change)


def _visitor_id(request) -> str | None:
    value = request.COOKIES.get(VISITOR_COOKIE, "")
    return value if _VISITOR_ID_RE.match(value) else None


def _page_view_enqueue(request, site_id: str, variant_id: str) -> None:
    meta = {key: request.META[key] for key in _RECORDED_META if key in request.META}
    # The address goes through the broker only to be hashed by the recorder; it is
    # never stored (tenant_apps.analytics.services).
    meta["REMOTE_ADDR"] = client_address(request) or ""
    country_header = settings.ANALYTICS_COUNTRY_HEADER
    if country_header in request.META:
        meta[country_header] = request.META[country_header]
    query = urlencode({k: v for k, v in request.GET.items() if k.startswith("utm_")})
    enqueue_on_commit(
        bio_page_view_record_task, site_id=site_id, meta=meta, query=query, variant=variant_id
    )


@require_safe
def bio_page(request, slug: str):
    version = page_cache.page_cache_version(slug=slug)
    key = page_cache.page_cache_key(slug=slug, version=version)
    cached = cache.get(key)
    if cached is None:
        site_id, html, plan, timeout = _page_render(request, slug)
        cache.set(key, (site_id, html, plan), timeout=timeout)
    else:
        site_id, html, plan = cached

    is_bot = user_agent_is_bot(request.META.get("HTTP_USER_AGENT", ""))
    variant_id = ""
    new_visitor_id = None
    # Crawlers see the control and get no cookie: what search engines index is the
    # page as its owner made it.
    if plan is not None and not is_bot:
        visitor_id = _visitor_id(request)
        if visitor_id is None:
            visitor_id = new_visitor_id = secrets.token_urlsafe(16)
        variant_id, is_control = experiment_selectors.plan_variant_for_visitor(
            plan=plan, visitor_id=visitor_id
        )
        if not is_control:
            variant_key = page_cache.variant_cache_key(
                slug=slug, version=version, variant_id=variant_id
            )
            variant_html = cache.get(variant_key)
            if variant_html is None:
                rendered = _variant_render(request, slug, variant_id)
                if rendered is not None:
                    variant_html, timeout = rendered
                    cache.set(variant_key, variant_html, timeout=timeout)
            if variant_html is None:
                variant_id = ""
            else:
                html = variant_html

    response = HttpResponse(html)
    if plan is not None:
        # The same URL answers differently per visitor: no shared cache may keep it.
        patch_cache_control(response, private=True)
        patch_vary_headers(response, ["Cookie"])
    if new_visitor_id is not None:
        response.set_cookie(
            VISITOR_COOKIE,
            new_visitor_id,
            max_age=VISITOR_COOKIE_MAX_AGE,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
    if request.method == "GET" and not is_bot:
        _page_view_enqueue(request, site_id, variant_id)
    return response


def _click_variant(request, site) -> str:
    """The variant the clicking visitor was shown: the same cookie and hash as the page.
    Without the cookie the visitor never saw a test here, and nothing is looked up."""
    visitor_id = _visitor_id(request)
    if visitor_id is None:
        return ""
    plan = experiment_selectors.experiment_plan_for_site(site=site)
    if plan is None:
        return ""
    variant_id, _is_control = experiment_selectors.plan_variant_for_visitor(
        plan=plan, visitor_id=visitor_id
    )
    return variant_id


def _with_utm(url: str, request) -> str:
    utm = [(k, v) for k, v in request.GET.items() if k.startswith("utm_")]
    if not utm:
        return url
    parts = urlsplit(url)
    query = "&".join(filter(None, [parts.query, urlencode(utm)]))
    return urlunsplit(parts._replace(query=query))


@require_safe
def bio_click(request, slug: str, component_id, item: int | None = None):
    site, component, url = selectors.bio_component_click_target(
        slug=slug, component_id=component_id, item=item
    )
    metadata = {"target": str(component.id)}
    if item is not None:
        metadata["item"] = item
    event_record(
        request=request,
        kind=Event.CLICK,
        subject_type="bio_site",
        subject_id=str(site.pk),
        variant=_click_variant(request, site),
        metadata=metadata,
    )
    # The target is a validated https address stored in (or built from) that component
    # of this page; the request only contributes utm_* parameters to its query string.
    return HttpResponseRedirect(_with_utm(url, request))
