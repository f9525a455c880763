"""The public bio page and its click redirect.

The page is the most-served page of a workspace, so a cached visit touches no database
and makes one Redis round trip of its own: a pipeline that reads the page (with its
version token) from the tenant-scoped cache and defers the page view (a list push that
the beat drains into the one recorder every few seconds; visits.py resolves the slug
and visitor then). A Celery task per view, the first design, cost more CPU than a whole
bare Django request (bench/bio_page.py). Bots are filtered before anything is deferred.

A/B tests keep that property. The running test's plan is cached with the page; a
visitor carries a random id in a first-party cookie, and a hash of that id and the test
picks the variant (experiment_selectors.plan_variant_for_visitor), so assignment needs
no lookup and stays the same on every visit. Each variant's HTML is cached on its own.
"""

import re
import secrets
from datetime import timedelta
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

from tenant_apps.analytics.models import Event
from tenant_apps.analytics.services import (
    event_deferred_capture,
    event_deferred_push,
    event_record,
    user_agent_is_bot,
)
from tenant_apps.bio_sites import experiment_selectors, page_cache, selectors, visits
from tenant_apps.bio_sites.experiment_selectors import ExperimentPlan
from tenant_apps.bio_sites.rendering import bio_page_html

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


def _page_render(request, slug: str) -> tuple[str, ExperimentPlan | None, int]:
    site = selectors.bio_site_published_get(slug=slug)
    components, next_change = selectors.bio_site_public_components(site=site)
    html = bio_page_html(request=request, site=site, components=components)
    plan = experiment_selectors.experiment_plan_for_site(site=site)
    return html, plan, _timeout_until(next_change)


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


@require_safe
def bio_page(request, slug: str):
    is_bot = user_agent_is_bot(request.META.get("HTTP_USER_AGENT", ""))
    visitor_id = _visitor_id(request)
    new_visitor_id = None
    if visitor_id is None and not is_bot:
        # Only ever sent as a cookie when the page runs a test (below).
        visitor_id = new_visitor_id = secrets.token_urlsafe(16)

    # The page view is deferred in the round trip that reads the page (visits.py turns
    # the slug and visitor into the site and variant when it is drained).
    record = None
    if request.method == "GET" and not is_bot:
        record = event_deferred_capture(
            request=request,
            kind=Event.PAGE_VIEW,
            subject_type=visits.SUBJECT_TYPE,
            resolver="bio_page_view",
            ref={"slug": slug, "visitor": visitor_id},
        )
    version, cached = page_cache.page_cache_read(
        slug=slug,
        then=(lambda pipeline: event_deferred_push(pipeline, record)) if record else None,
    )
    if cached is None:
        html, plan, timeout = _page_render(request, slug)
        page_cache.page_cache_store(slug=slug, version=version, entry=(html, plan), timeout=timeout)
    else:
        html, plan = cached

    # Crawlers see the control and get no cookie: what search engines index is the
    # page as its owner made it.
    if plan is not None and not is_bot:
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
            if variant_html is not None:
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
    variant_id = _click_variant(request, site)
    if variant_id:
        # A variant that changed this link's address sends its visitors there.
        url = (
            experiment_selectors.variant_link_target(
                site=site, variant_id=variant_id, component=component, item=item
            )
            or url
        )
    event_record(
        request=request,
        kind=Event.CLICK,
        subject_type="bio_site",
        subject_id=str(site.pk),
        variant=variant_id,
        metadata=metadata,
    )
    # The target is a validated https address stored in (or built from) that component
    # of this page; the request only contributes utm_* parameters to its query string.
    return HttpResponseRedirect(_with_utm(url, request))
