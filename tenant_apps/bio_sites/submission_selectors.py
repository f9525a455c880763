"""What visitors sent through a bio site's forms, as the dashboard's inbox reads it.

    bio_submissions_for_site(*, site, search="", kind="") -> QuerySet[BioSubmission]
    bio_submission_get_for_site(*, site, submission_id) -> BioSubmission

`site` is already authorised (selectors.bio_site_get_for_actor); who may read these
contact details at all is the view's rule (content editors, not viewers).
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from tenant_apps.bio_sites.models import BioSite, BioSubmission

# The component types whose posts are stored (submission_services), in the order the
# inbox's filter lists them.
SUBMISSION_KINDS = ("email_signup", "sms_signup", "contact_form")


def bio_submissions_for_site(
    *, site: BioSite, search: str = "", kind: str = ""
) -> QuerySet[BioSubmission]:
    """The site's submissions, newest first; `kind` keeps one component type, `search`
    matches the email, phone, name or message (any case)."""
    submissions = BioSubmission.objects.filter(site=site)
    if kind:
        submissions = submissions.filter(component_type=kind)
    if search:
        submissions = submissions.filter(
            Q(email__icontains=search)
            | Q(phone__icontains=search)
            | Q(name__icontains=search)
            | Q(message__icontains=search)
        )
    # The id breaks ties between submissions stored in the same instant, so pages of
    # the inbox never repeat or skip a row.
    return submissions.order_by("-created_at", "-pk")


def bio_submission_get_for_site(*, site: BioSite, submission_id: int) -> BioSubmission:
    """A submission of `site`; 404 for one of any other site (or workspace)."""
    submission = BioSubmission.objects.filter(site=site, pk=submission_id).first()
    if submission is None:
        raise Http404("No such submission.")
    return submission
