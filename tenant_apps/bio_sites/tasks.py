"""Background work of bio sites."""

from django.http import HttpRequest, QueryDict

from config.celery import app
from tenant_apps.analytics.models import Event
from tenant_apps.analytics.services import event_record


@app.task
def bio_page_view_record_task(*, site_id: str, meta: dict, query: str, variant: str = "") -> None:
    """Record a page view served from the cache (views.bio_page): the visit's request
    headers arrive as a small dict and are replayed through the one event recorder.
    `variant` is the id of the A/B test variant the visitor was shown, if any (the
    default keeps tasks queued before it existed valid)."""
    request = HttpRequest()
    request.META = meta
    request.GET = QueryDict(query)
    event_record(
        request=request,
        kind=Event.PAGE_VIEW,
        subject_type="bio_site",
        subject_id=site_id,
        variant=variant,
    )
