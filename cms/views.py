"""Per-host routes of a workspace's site: robots.txt, the sitemap, search and the
newsletter block's form. Plain `def` views: async views lose the tenant schema."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.models import Page

from cms.errors import NewsletterEmailInvalidError
from cms.selectors import pages_search, site_for_request
from cms.services import newsletter_signup_create
from tenants.selectors import absolute_url

# Staff and machine areas: nothing there is for search engines.
ROBOTS_DISALLOWED = ("/cms/", "/dashboard/", "/api/", "/accounts/")


@require_GET
def robots_txt(request):
    # The sitemap lives on the workspace's primary host (routed with the workspace),
    # never on whichever host the crawler happened to ask.
    sitemap_url = absolute_url(host=request.workspace.primary_host, path="/sitemap.xml")
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {path}" for path in ROBOTS_DISALLOWED]
    lines += ["", f"Sitemap: {sitemap_url}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_GET
def sitemap_xml(request):
    return wagtail_sitemap(request)


@require_GET
def search(request):
    query = request.GET.get("q", "").strip()
    results = pages_search(
        site=site_for_request(request), query=query, page_number=request.GET.get("page")
    )
    return render(request, "cms/search.html", {"query": query, "results": results})


@require_POST
def newsletter_signup(request):
    """The newsletter block posts here. HTMX swaps the block's form for the answer;
    without JavaScript the visitor goes back to the page with a message, or sees the
    error on a page of its own (400)."""
    page = Page.objects.live().filter(pk=_int_or_none(request.POST.get("page_id"))).first()
    next_url = request.POST.get("next") or (page.url if page else "/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    email = request.POST.get("email", "")
    is_htmx = request.headers.get("HX-Request") == "true"
    try:
        newsletter_signup_create(email=email, page=page)
    except NewsletterEmailInvalidError as error:
        context = {"error": error.message, "email": email, "next_url": next_url}
        template = (
            "blocks/newsletter_signup_result.html" if is_htmx else "cms/newsletter_signup.html"
        )
        return render(request, template, context, status=error.status)
    if is_htmx:
        return render(request, "blocks/newsletter_signup_result.html", {"subscribed": True})
    messages.success(request, "Thanks! You are subscribed.")
    return redirect(next_url)


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
