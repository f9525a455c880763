"""What a bio site's analytics dashboard, its CSV export and the API show, composed from
tenant_apps.analytics.selectors (every number is aggregated in the database).

These do not authorise: callers pass a site they got from
selectors.bio_site_get_for_actor. Dates are inclusive, in the current time zone.
"""

import datetime
from dataclasses import dataclass, field

from django.http import Http404

from tenant_apps.analytics import selectors as analytics
from tenant_apps.analytics.selectors import DailyPoint, HourlyPoint
from tenant_apps.bio_sites.components import component_title
from tenant_apps.bio_sites.errors import AnalyticsRangeInvalidError
from tenant_apps.bio_sites.models import BioComponent, BioSite
from tenant_apps.bio_sites.selectors import (
    ITEM_LINK_TYPES,
    component_link_targets,
)

SUBJECT_TYPE = "bio_site"
# Components whose clicks are counted: whole-component links, and the links in a group
# (each one is a row of its own, told apart by its index: metadata["item"]).
DELETED_LABEL = "Deleted link"
# Preset ranges of the date picker: key -> days, today included.
PRESETS = {"7": 7, "30": 30, "90": 90}
DEFAULT_PRESET = "30"


@dataclass(frozen=True)
class LinkStats:
    """One row of the per-link table. `component_id` and `item` are what clicks are
    recorded against; `deleted` rows are clicks on links no longer on the page."""

    component_id: str
    item: int | None
    label: str
    # The title of the link group this link is in ("" for a link of its own).
    group: str
    type: str
    url: str
    clicks: int
    qr_clicks: int
    # Clicks on this link per page view of the site (0.0 without views).
    ctr: float
    deleted: bool = False


@dataclass(frozen=True)
class BioSiteAnalytics:
    """Everything the dashboard shows for one site over start..end (inclusive).

    Plain values only (str, int, float, date, datetime, lists of these and of the
    dataclasses above), so dataclasses.asdict() serialises it. Breakdowns are
    (value, page views) pairs, most first; "" is "direct / unknown".
    """

    site_id: str
    start: datetime.date
    end: datetime.date
    views: int
    # Distinct visitors per day, summed over the days: the daily salt makes the same
    # person on two days unlinkable, so these are visitor-days.
    unique_visitors: int
    clicks: int
    # Clicks per page view; may exceed 1 when visitors click several links.
    ctr: float
    daily: list[DailyPoint]
    # Hour by hour, for a one-day range only (empty otherwise).
    hourly: list[HourlyPoint]
    links: list[LinkStats]
    referrers: list[tuple[str, int]] = field(default_factory=list)
    countries: list[tuple[str, int]] = field(default_factory=list)
    devices: list[tuple[str, int]] = field(default_factory=list)
    campaigns: list[tuple[str, int]] = field(default_factory=list)
    sources: list[tuple[str, int]] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return bool(self.views or self.clicks)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def analytics_range_resolve(
    *, preset: str, start: str, end: str, today: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The range a dashboard query asks for: `start`/`end` as YYYY-MM-DD (both, for a
    custom range) or else a preset ("7", "30", "90": the last n days, today included;
    DEFAULT_PRESET when empty). AnalyticsRangeInvalidError for anything else."""
    if start or end:
        try:
            first = datetime.date.fromisoformat(start)
        except ValueError:
            raise _range_error("start", "Enter the start date as YYYY-MM-DD.") from None
        try:
            last = datetime.date.fromisoformat(end)
        except ValueError:
            raise _range_error("end", "Enter the end date as YYYY-MM-DD.") from None
    else:
        days = PRESETS.get(preset or DEFAULT_PRESET)
        if days is None:
            raise _range_error("range", "Choose 7, 30 or 90 days, or enter dates.")
        first, last = today - datetime.timedelta(days=days - 1), today
    analytics_range_check(start=first, end=last)
    return first, last


def _range_error(field_name: str, message: str) -> AnalyticsRangeInvalidError:
    return AnalyticsRangeInvalidError(message, fields={field_name: [message]})


def analytics_range_check(*, start: datetime.date, end: datetime.date) -> None:
    """Raise AnalyticsRangeInvalidError unless start..end is a range that can be shown."""
    error = analytics.date_range_error(start=start, end=end)
    if error:
        raise _range_error("end", error)


def _label(component: BioComponent) -> str:
    return component_title(type_key=component.type, data=component.data)


def _ctr(clicks: int, views: int) -> float:
    return clicks / views if views else 0.0


def _item_labels(component: BioComponent, count: int) -> list[str]:
    """What each link of a list component is called in the table."""
    data = component.data
    match component.type:
        case "link_group":
            labels = [link.get("title", "") for link in data.get("links", [])]
        case "social_icons":
            labels = [
                item.get("network", "").replace("_", " ").title() for item in data.get("items", [])
            ]
        case "product_grid":
            labels = [product.get("title", "") for product in data.get("products", [])]
        case "app_store_badges":
            labels = ["App Store", "Google Play"]
        case "podcast":
            labels = [
                link.get("platform", "").replace("_", " ").title() for link in data.get("links", [])
            ] + ["RSS feed"]
        case _:
            labels = []
    return [
        (labels[index] if index < len(labels) and labels[index] else f"Link {index + 1}")
        for index in range(count)
    ]


def _link_rows(
    *, site: BioSite, targets: list[analytics.TargetClicks], views: int
) -> list[LinkStats]:
    """Every tracked link on the page in page order (clicked or not; a list component's
    links one by one), then clicks on links that are gone (most clicked first)."""
    counts = {(t.target, t.item): t for t in targets}
    components = list(site.components.order_by("position"))
    rows: list[LinkStats] = []
    shown: set[tuple[str, int | None]] = set()

    def add(key, *, label: str, group: str = "", type_key: str, url: str, deleted=False):
        found = counts.get(key)
        clicks, qr_clicks = (found.clicks, found.qr_clicks) if found else (0, 0)
        shown.add(key)
        rows.append(
            LinkStats(
                component_id=key[0],
                item=key[1],
                label=label,
                group=group,
                type=type_key,
                url=url,
                clicks=clicks,
                qr_clicks=qr_clicks,
                ctr=_ctr(clicks, views),
                deleted=deleted,
            )
        )

    by_id = {str(c.pk): c for c in components}
    for component in components:
        component_id = str(component.pk)
        # The same addresses the page links and the click redirect follows.
        urls = component_link_targets(type_key=component.type, data=component.data)
        if component.type in ITEM_LINK_TYPES:
            group_title = _label(component)
            labels = _item_labels(component, len(urls))
            for index, url in enumerate(urls):
                if url:
                    add(
                        (component_id, index),
                        label=labels[index],
                        group=group_title,
                        type_key=component.type,
                        url=url,
                    )
            # Clicks counted on the list as a whole (before its links were told apart).
            if (component_id, None) in counts:
                add((component_id, None), label=group_title, type_key=component.type, url="")
        elif urls and urls[0]:
            add(
                (component_id, None),
                label=_label(component),
                type_key=component.type,
                url=urls[0],
            )

    for target in targets:  # already most clicked first
        key = (target.target, target.item)
        if key in shown:
            continue
        # A component that is gone, or a link since removed from a group that is not.
        group = by_id.get(target.target)
        group_title = _label(group) if group is not None and group.type in ITEM_LINK_TYPES else ""
        add(key, label=DELETED_LABEL, group=group_title, type_key="", url="", deleted=True)
    return rows


def bio_site_analytics(
    *, site: BioSite, start: datetime.date, end: datetime.date
) -> BioSiteAnalytics:
    """The site's analytics over start..end; AnalyticsRangeInvalidError for an end before
    the start or a range longer than analytics.MAX_RANGE_DAYS."""
    analytics_range_check(start=start, end=end)
    scope = {"subject_type": SUBJECT_TYPE, "subject_id": str(site.pk), "start": start, "end": end}
    summary = analytics.event_summary(**scope)
    targets = analytics.event_targets(**scope)
    return BioSiteAnalytics(
        site_id=str(site.pk),
        start=start,
        end=end,
        views=summary.views,
        unique_visitors=summary.unique_visitors,
        clicks=summary.clicks,
        ctr=summary.ctr,
        daily=analytics.event_daily_series(**scope),
        hourly=analytics.event_hourly_series(**scope) if start == end else [],
        links=_link_rows(site=site, targets=targets, views=summary.views),
        referrers=summary.referrers,
        countries=summary.countries,
        devices=summary.devices,
        campaigns=analytics.event_breakdown(**scope, column="utm_campaign", include_blank=False),
        sources=analytics.event_breakdown(**scope, column="utm_source", include_blank=False),
    )


def bio_link_get_for_site(*, site: BioSite, component_id, item: int | None = None) -> BioComponent:
    """A component of `site` whose link (its item `item`, for a list of links) goes
    through the click redirect, so it can have a QR code of its own; 404 for anything
    else, including another site's components and an index with no link."""
    component = site.components.filter(pk=component_id).first()
    if component is None or (item is None) == (component.type in ITEM_LINK_TYPES):
        raise Http404("No such link.")
    targets = component_link_targets(type_key=component.type, data=component.data)
    index = item or 0
    if index >= len(targets) or not targets[index]:
        raise Http404("No such link.")
    return component
