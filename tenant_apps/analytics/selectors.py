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
from django.db.models.functions import TruncDate, TruncHour
from django.utils import timezone

from tenant_apps.analytics.models import Event

BREAKDOWN_LIMIT = 10
# The longest range a summary covers: a year, leap day included.
MAX_RANGE_DAYS = 366
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2099, 12, 31)
# Columns a breakdown may group by: the visit's context, never its hash or metadata.
BREAKDOWN_COLUMNS = frozenset(
    {"referrer_host", "country", "device", "utm_source", "utm_medium", "utm_campaign", "variant"}
)

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


@dataclass(frozen=True)
class HourlyPoint:
    # The hour's start, aware, in the current time zone.
    hour: datetime.datetime
    views: int
    unique_visitors: int
    clicks: int


@dataclass(frozen=True)
class TargetClicks:
    """Clicks on one link of a page: `target` is metadata["target"] (a component id) and
    `item` is metadata["item"], the index of a link inside a group (None for a whole
    component). `qr_clicks` are those that arrived with utm_source=qr (a scanned code)."""

    target: str
    item: int | None
    clicks: int
    qr_clicks: int


def date_range_error(*, start: datetime.date, end: datetime.date) -> str:
    """Why start..end cannot be summarised, or "" when it can."""
    # Far from today a date is a typo, and near date.min/max the bounds would overflow.
    if not (start >= EARLIEST_DATE and end <= LATEST_DATE):
        return f"Choose dates between {EARLIEST_DATE:%Y} and {LATEST_DATE:%Y}."
    if end < start:
        return "The end date is before the start date."
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        return f"Choose a range of at most {MAX_RANGE_DAYS} days."
    return ""


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


def event_hourly_series(
    *, subject_type: str, subject_id: str, start: datetime.date, end: datetime.date
) -> list[HourlyPoint]:
    """One point per hour from the start of `start` to the end of `end` (local time),
    hours without events included as zeros. Meant for short ranges: a day is 23 to 25
    points, depending on daylight saving."""
    zone = timezone.get_current_timezone()
    events = _events(subject_type=subject_type, subject_id=subject_id, start=start, end=end)
    rows = (
        events.annotate(hour=TruncHour("occurred_at", tzinfo=zone))
        .values("hour")
        .annotate(**_totals())
        .order_by("hour")
    )
    by_hour = {row["hour"].astimezone(datetime.UTC): row for row in rows}
    since, until = _bounds(start, end)
    # Stepping in UTC keeps every hour exactly once across daylight-saving changes.
    moment, until = since.astimezone(datetime.UTC), until.astimezone(datetime.UTC)
    points = []
    while moment < until:
        row = by_hour.get(moment, {})
        points.append(
            HourlyPoint(
                hour=moment.astimezone(zone),
                views=row.get("views", 0),
                unique_visitors=row.get("unique_visitors", 0),
                clicks=row.get("clicks", 0),
            )
        )
        moment += datetime.timedelta(hours=1)
    return points


def _item(value: str | None) -> int | None:
    # KT() reads JSON as text: an index stored as 3 arrives as "3"; anything else is no item.
    return int(value) if value is not None and value.isdigit() else None


def event_targets(
    *, subject_type: str, subject_id: str, start: datetime.date, end: datetime.date
) -> list[TargetClicks]:
    """Clicks per (target, item), most clicks first; every target, not only the top ones,
    so a page's link table can show each of its links."""
    rows = (
        _events(subject_type=subject_type, subject_id=subject_id, start=start, end=end)
        .filter(_CLICKS)
        .annotate(target=KT("metadata__target"), item=KT("metadata__item"))
        .exclude(target=None)
        .values("target", "item")
        .annotate(clicks=Count("id"), qr_clicks=Count("id", filter=Q(utm_source="qr")))
        .order_by("-clicks", "target", "item")
    )
    merged: dict[tuple[str, int | None], list[int]] = {}
    for row in rows:
        # Two raw items can read as one (e.g. null and a non-numeric value): add them up.
        counts = merged.setdefault((row["target"], _item(row["item"])), [0, 0])
        counts[0] += row["clicks"]
        counts[1] += row["qr_clicks"]
    targets = [
        TargetClicks(target=target, item=item, clicks=clicks, qr_clicks=qr_clicks)
        for (target, item), (clicks, qr_clicks) in merged.items()
    ]
    return sorted(targets, key=lambda t: (-t.clicks, t.target, -1 if t.item is None else t.item))


def event_breakdown(
    *,
    subject_type: str,
    subject_id: str,
    start: datetime.date,
    end: datetime.date,
    column: str,
    kind: str = Event.PAGE_VIEW,
    include_blank: bool = True,
) -> list[tuple[str, int]]:
    """(value, events) pairs of one column for one kind of event, most first; e.g. page
    views by utm_campaign without the blank (no campaign) row."""
    if column not in BREAKDOWN_COLUMNS:
        raise ValueError(f"Cannot break events down by {column!r}.")
    events = _events(subject_type=subject_type, subject_id=subject_id, start=start, end=end).filter(
        kind=kind
    )
    if not include_blank:
        events = events.exclude(**{column: ""})
    return _breakdown(events, column)
