from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from wagtail.models import Page, Site

from shared_apps.accounts.models import User

SEARCH_RESULTS_PER_PAGE = 10
SEARCH_QUERY_MAX_LENGTH = 200


def site_default() -> Site | None:
    return Site.objects.filter(is_default_site=True).select_related("root_page").first()


def site_for_request(request) -> Site | None:
    """The Wagtail site a request is for; the workspace has one, so fall back to it."""
    return Site.find_for_request(request) or site_default()


def pages_search(*, site: Site | None, query: str, page_number) -> PaginatorPage | None:
    """Live, public pages of this workspace's site matching `query`, best first; None
    for an empty query. The search index lives in the workspace's own schema, so no
    other workspace's page can ever match."""
    query = (query or "").strip()[:SEARCH_QUERY_MAX_LENGTH]
    if not query or site is None:
        return None
    pages = (
        Page.objects.live()
        .public()
        .descendant_of(site.root_page, inclusive=True)
        .specific()
        .search(query)
    )
    return Paginator(pages, SEARCH_RESULTS_PER_PAGE).get_page(page_number)


def form_notification_recipients(*, page) -> list[str]:
    """Where a form page's submissions are mailed: its own addresses, or else the
    workspace's owners (their tenant-local mirrors carry the role; no control-plane read)."""
    addresses = [a.strip() for a in (page.to_address or "").split(",") if a.strip()]
    if addresses:
        return addresses
    return list(
        User.objects.filter(staff_role="owner", is_active=True, identity_id__isnull=False)
        .order_by("email")
        .values_list("email", flat=True)
    )
