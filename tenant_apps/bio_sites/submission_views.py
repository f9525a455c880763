"""The endpoint a bio page's signup and contact forms post to.

It is csrf_exempt by design. The page is cached and shared by every visitor, so it
cannot carry anyone's CSRF token; and CSRF protects what a session is allowed to do,
while this endpoint uses no session, cookie or authority of any kind: it accepts the
same anonymous message from anyone, exactly like the form on the page. What guards it
instead: a honeypot field, a per-visitor rate limit, a body size limit and validation
(submission_services).
"""

import datetime

from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from shared_apps.platform.services import client_address
from tenant_apps.analytics.services import event_record, visitor_hash
from tenant_apps.bio_sites import selectors
from tenant_apps.bio_sites.errors import SubmissionInvalidError, SubmissionRateLimitedError
from tenant_apps.bio_sites.routing import bio_site_path
from tenant_apps.bio_sites.submission_services import MAX_LENGTHS, bio_submission_create
from tenant_apps.bio_sites.themes import theme_get

SIGNUP_EVENT = "signup"
# Far above what the largest form (a 5,000-character message) needs.
MAX_BODY_BYTES = 16 * 1024
# Filled in only by bots: the field is hidden from people and assistive technology.
HONEYPOT_FIELD = "website"
_FIELDS = (*MAX_LENGTHS, "consent")


def _visitor_key(request) -> str:
    # The analytics visitor hash (daily salt, user agent, address): a stable key for
    # the day that never stores the address itself.
    return visitor_hash(
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        address=client_address(request) or "",
        day=timezone.now().astimezone(datetime.UTC).date(),
    )


def _body_too_large(request) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES
    except ValueError:  # a malformed length: refuse rather than read an unknown body
        return True


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _sent(request, site, component):
    if _is_htmx(request):
        return TemplateResponse(request, "bio_sites/submission_thanks.html", {"d": component.data})
    anchor = f"?sent={component.pk}#c-{component.pk}"
    return HttpResponseRedirect(bio_site_path(site) + anchor, status=303)


def _refused(request, site, component, *, errors: dict, values: dict, status: int):
    theme = theme_get(site.theme)
    context = {
        "site": site,
        # What the form's templates read of a component (a PublicComponent's shape).
        "c": {"id": str(component.pk), "type": component.type},
        "d": component.data,
        "errors": errors,
        "values": values,
        "theme": theme,
        "theme_variables": theme.css_variables(),
        "preview": False,
        "page_path": bio_site_path(site),
        "csrf_token": "",
        "messages": (),
    }
    template = (
        "bio_sites/components/_form.html"
        if _is_htmx(request)
        else ("bio_sites/submission_error.html")
    )
    return TemplateResponse(request, template, context, status=status)


@csrf_exempt  # by design: see the module's docstring
@require_POST
def bio_submission_post(request, slug: str, component_id):
    site, component = selectors.bio_component_submission_target(
        slug=slug, component_id=component_id
    )
    if _body_too_large(request):
        errors = {"__all__": ["That is too long to send. Please shorten your message."]}
        return _refused(request, site, component, errors=errors, values={}, status=413)
    if request.POST.get(HONEYPOT_FIELD):
        # Answered like a success so a bot learns nothing; nothing is stored.
        return _sent(request, site, component)
    fields = {name: request.POST.get(name, "") for name in _FIELDS}
    try:
        bio_submission_create(
            site=site, component=component, fields=fields, visitor_key=_visitor_key(request)
        )
    except (SubmissionInvalidError, SubmissionRateLimitedError) as error:
        errors = error.fields or {"__all__": [error.message]}
        values = {k: v[: MAX_LENGTHS.get(k, 3)] for k, v in fields.items()}
        return _refused(request, site, component, errors=errors, values=values, status=error.status)
    event_record(
        request=request,
        kind=SIGNUP_EVENT,
        subject_type="bio_site",
        subject_id=str(site.pk),
        metadata={"target": str(component.pk)},
    )
    return _sent(request, site, component)
