"""A bio site's submissions inbox: the signups and contact messages visitors sent
through its forms, their CSV export, and deleting one.

These are people's contact details, so the inbox is for those who may edit content:
viewers, who read everything else about a site, get the 403 page here.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from config.csv_export import csv_response
from shared_apps.billing.gate import feature_required
from tenant_apps.bio_sites import selectors
from tenant_apps.bio_sites.components import component_type_label
from tenant_apps.bio_sites.submission_selectors import (
    SUBMISSION_KINDS,
    bio_submission_get_for_site,
    bio_submissions_for_site,
)
from tenant_apps.bio_sites.submission_services import bio_submission_delete
from tenants.roles import Permission, workspace_permission_required

SUBMISSIONS_PER_PAGE = 50
EXCERPT_CHARS = 120
_MAX_SEARCH_CHARS = 100
_CSV_HEADER = ["date", "type", "email", "phone", "name", "message", "consent"]


def _filters(source) -> tuple[str, str]:
    """The search and type filter asked for; an unknown type shows every type."""
    search = source.get("q", "").strip()[:_MAX_SEARCH_CHARS]
    kind = source.get("type", "")
    return search, kind if kind in SUBMISSION_KINDS else ""


def _query(*, search: str, kind: str, page: str = "") -> str:
    """The list's query string for these filters ("" without any), for links and
    redirects that keep the user where they were."""
    pairs = [(k, v) for k, v in (("q", search), ("type", kind), ("page", page)) if v]
    return urlencode(pairs)


@workspace_permission_required(Permission.CONTENT_EDIT)
@feature_required("bio_sites")
@require_safe
def submission_list(request, site_id):
    site = selectors.bio_site_get_for_actor(actor=request.user, site_id=site_id)
    search, kind = _filters(request.GET)
    submissions = bio_submissions_for_site(site=site, search=search, kind=kind)
    page = Paginator(submissions, SUBMISSIONS_PER_PAGE).get_page(request.GET.get("page"))
    filter_query = _query(search=search, kind=kind)
    return render(
        request,
        "bio_sites/dashboard/submissions.html",
        {
            "active_module": "bio",
            "site": site,
            "active": "submissions",
            "page": page,
            "rows": [(s, component_type_label(s.component_type)) for s in page.object_list],
            "search": search,
            "kind": kind,
            "kinds": [(k, component_type_label(k)) for k in SUBMISSION_KINDS],
            "filtered": bool(search or kind),
            "filter_query": filter_query,
            "excerpt_chars": EXCERPT_CHARS,
        },
    )


@workspace_permission_required(Permission.CONTENT_EDIT)
@feature_required("bio_sites")
@require_safe
def submission_csv(request, site_id):
    site = selectors.bio_site_get_for_actor(actor=request.user, site_id=site_id)
    search, kind = _filters(request.GET)
    submissions = bio_submissions_for_site(site=site, search=search, kind=kind)
    time_zone = timezone.get_current_timezone()
    rows = [_CSV_HEADER] + [
        [
            s.created_at.astimezone(time_zone).isoformat(timespec="seconds"),
            s.component_type,
            s.email,
            s.phone,
            s.name,
            s.message,
            "yes" if s.consent else "no",
        ]
        for s in submissions.iterator()
    ]
    return csv_response(rows, filename=f"{site.slug}-submissions.csv")


@workspace_permission_required(Permission.CONTENT_EDIT)
@feature_required("bio_sites")
@require_POST
def submission_delete(request, site_id, submission_id):
    site = selectors.bio_site_get_for_actor(actor=request.user, site_id=site_id)
    submission = bio_submission_get_for_site(site=site, submission_id=submission_id)
    bio_submission_delete(submission=submission, actor=request.user)
    messages.success(request, "Submission deleted.")
    search, kind = _filters(request.POST)
    page = request.POST.get("page", "")
    query = _query(search=search, kind=kind, page=page if page.isdigit() else "")
    url = reverse("bio_dashboard:submissions", args=[site.pk])
    return redirect(f"{url}?{query}" if query else url)
