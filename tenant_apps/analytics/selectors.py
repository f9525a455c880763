"""Summaries of recorded events, computed in the database (aggregates, never row loops).

These read by subject and do not authorise: the caller (e.g. a bio site selector that
checks the actor may see the site) decides whether the subject may be shown.

Dates are inclusive and taken in the current time zone. A unique visitor is a distinct
daily visitor hash, so over several days it counts visitor-days: the daily salt makes
the same person on two days unlinkable by design.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import TruncDate
from django.utils import timezone

from tenant_apps.analytics.models import Event

BREAKDOWN_LIMIT = 10

_VIEWS = Q(kind=Event.PAGE_VIEW)
_CLICKS = Q(kind=Event.CLICK)


@dataclass(frozen=True)
class EventSummary:
    views: int
    unique_visitors: int
    clicks: int
    # Clicks per view (0.0 without views); may exceed 1 when visitors click several links.
    ctr: float
    # (value, views) pairs, most views first; "" is "direct / unknown".
    referrers: list[tuple[str, int]] = field(default_factory=list)
    countries: list[tuple[str, int]] = field(default_factory=list)
    devices: list[tuple[str, int]] = field(default_factory=list)
    # (metadata["target"], clicks) pairs: which links were clicked.
    targets: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True)
class DailyPoint:
    day: datetime.date
    views: int
    unique_visitors: int
    clicks: int


def _bounds(
    start: datetime.date, end: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time(), zone),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), zone),
    )


def _events(*, subject_type: str, subject_id: str, start, end) -> QuerySet[Event]:
    since, until = _bounds(start, end)
    return Event.objects.filter(
        subject_type=subject_type,
        subject_id=str(subject_id),
        occurred_at__gte=since,
        occurred_at__lt=until,
    )


def _totals():
    return {
        "views": Count("id", filter=_VIEWS),
        "unique_visitors": Count("visitor_hash", filter=_VIEWS, distinct=True),
        "clicks": Count("id", filter=_CLICKS),
    }


def _breakdown(events: QuerySet[Event], column: str) -> list[tuple[str, int]]:
    rows = events.values_list(column).annotate(n=Count("id")).order_by("-n", column)
    return [(value, n) for value, n in rows[:BREAKDOWN_LIMIT]]


def event_summary(
    *, subject_type: str, subject_id: str, start: datetime.date, end: datetime.date
) -> EventSummary:
    events = _events(subject_type=subject_type, subject_id=subject_id, start=start, end=end)
    totals = events.aggregate(**_totals())
    views = events.filter(_VIEWS)
    clicks = events.filter(_CLICKS).annotate(target=KT("metadata__target"))
    return EventSummary(
        views=totals["views"],
        unique_visitors=totals["unique_visitors"],
        clicks=totals["clicks"],
        ctr=totals["clicks"] / totals["views"] if totals["views"] else 0.0,
        referrers=_breakdown(views, "referrer_host"),
        countries=_breakdown(views, "country"),
        devices=_breakdown(views, "device"),
        targets=_breakdown(clicks.exclude(target=None), "target"),
    )


def event_daily_series(
    *, subject_type: str, subject_id: str, start: datetime.date, end: datetime.date
) -> list[DailyPoint]:
    """One point per day from start to end, days without events included as zeros."""
    events = _events(subject_type=subject_type, subject_id=subject_id, start=start, end=end)
    rows = (
        events.annotate(day=TruncDate("occurred_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(**_totals())
        .order_by("day")
    )
    by_day = {row["day"]: row for row in rows}
    points = []
    for offset in range((end - start).days + 1):
        day = start + datetime.timedelta(days=offset)
        row = by_day.get(day, {})
        points.append(
            DailyPoint(
                day=day,
                views=row.get("views", 0),
                unique_visitors=row.get("unique_visitors", 0),
                clicks=row.get("clicks", 0),
            )
        )
    return points
