"""A bio site's analytics page, its CSV export, and the site's and links' QR codes.

Everyone who may view content (viewer and up) sees them; the numbers come from
analytics_selectors.bio_site_analytics, and the codes from qr.py.
"""

import datetime
import hashlib
import math
from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_safe

from config.csv_export import csv_response
from shared_apps.billing.gate import feature_required
from tenant_apps.bio_sites import qr, selectors
from tenant_apps.bio_sites.analytics_selectors import (
    PRESETS,
    BioSiteAnalytics,
    analytics_range_resolve,
    bio_link_get_for_site,
    bio_site_analytics,
)
from tenant_apps.bio_sites.errors import AnalyticsRangeInvalidError
from tenants.roles import Permission, workspace_permission_required

TEMPLATE = "bio_sites/dashboard/analytics.html"
# A code encodes the site's slug and the primary host; an hour in the browser's own
# cache is plenty (never in a shared cache: the dashboard is signed-in only).
QR_MAX_AGE_SECONDS = 3600
QR_CONTENT_TYPES = {"png": "image/png", "svg": "image/svg+xml"}
_COUNTRY_NAMES = {
    "AE": "United Arab Emirates", "AR": "Argentina", "AT": "Austria", "AU": "Australia",
    "BD": "Bangladesh", "BE": "Belgium", "BR": "Brazil", "CA": "Canada", "CH": "Switzerland",
    "CL": "Chile", "CN": "China", "CO": "Colombia", "CZ": "Czechia", "DE": "Germany",
    "DK": "Denmark", "EG": "Egypt", "ES": "Spain", "FI": "Finland", "FR": "France",
    "GB": "United Kingdom", "GH": "Ghana", "GR": "Greece", "HK": "Hong Kong", "HU": "Hungary",
    "ID": "Indonesia", "IE": "Ireland", "IL": "Israel", "IN": "India", "IT": "Italy",
    "JP": "Japan", "KE": "Kenya", "KR": "South Korea", "MA": "Morocco", "MX": "Mexico",
    "MY": "Malaysia", "NG": "Nigeria", "NL": "Netherlands", "NO": "Norway", "NZ": "New Zealand",
    "PE": "Peru", "PH": "Philippines", "PK": "Pakistan", "PL": "Poland", "PT": "Portugal",
    "RO": "Romania", "RU": "Russia", "SA": "Saudi Arabia", "SE": "Sweden", "SG": "Singapore",
    "TH": "Thailand", "TR": "Türkiye", "TW": "Taiwan", "UA": "Ukraine", "US": "United States",
    "VN": "Vietnam", "ZA": "South Africa",
}  # fmt: skip
_DEVICE_NAMES = {"mobile": "Mobile", "tablet": "Tablet", "desktop": "Desktop"}


# --- the chart ------------------------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT = 720, 240
_LEFT, _RIGHT, _TOP, _BOTTOM = 44, 12, 12, 28
# Dots (with a tooltip each) only while they stay apart; a year of days is a line.
_MAX_DOTS = 62


@dataclass(frozen=True)
class ChartPoint:
    label: str
    views: int
    clicks: int
    x: float
    views_y: float
    clicks_y: float


@dataclass(frozen=True)
class Chart:
    title: str
    points: list[ChartPoint]
    views_line: str
    clicks_line: str
    views_area: str
    # (y, label) of the horizontal grid lines, and (x, label) under the axis.
    y_ticks: list[tuple[float, int]]
    x_ticks: list[tuple[float, str]]
    dots: bool
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    left: int = _LEFT
    right: int = CHART_WIDTH - _RIGHT
    baseline: int = CHART_HEIGHT - _BOTTOM


def _axis_max(value: int) -> int:
    """The smallest of 2, 4, 6, 8 or 10 times a power of ten that holds `value`, so the
    halfway grid line is a whole number too."""
    value = max(value, 1)
    magnitude = 10 ** max(0, math.floor(math.log10(value)))
    return next(f * magnitude for f in (2, 4, 6, 8, 10) if f * magnitude >= value)


def _chart(data: BioSiteAnalytics) -> Chart:
    if data.hourly:
        series = [(f"{p.hour:%H:%M}", p.views, p.clicks) for p in data.hourly]
        title = f"Views and clicks by hour on {data.start:%d %b %Y}"
    else:
        series = [(f"{p.day:%d %b}", p.views, p.clicks) for p in data.daily]
        title = f"Daily views and clicks, {data.start:%d %b %Y} to {data.end:%d %b %Y}"
    top = _axis_max(max(max(v, c) for _, v, c in series))
    width, height = CHART_WIDTH - _LEFT - _RIGHT, CHART_HEIGHT - _TOP - _BOTTOM
    baseline = CHART_HEIGHT - _BOTTOM

    def x_of(index: int) -> float:
        if len(series) == 1:
            return _LEFT + width / 2
        return round(_LEFT + width * index / (len(series) - 1), 1)

    def y_of(value: int) -> float:
        return round(baseline - height * value / top, 1)

    points = [
        ChartPoint(label, views, clicks, x_of(i), y_of(views), y_of(clicks))
        for i, (label, views, clicks) in enumerate(series)
    ]
    views_line = " ".join(f"{p.x},{p.views_y}" for p in points)
    ticked = sorted({0, len(points) // 2, len(points) - 1})
    return Chart(
        title=title,
        points=points,
        views_line=views_line,
        clicks_line=" ".join(f"{p.x},{p.clicks_y}" for p in points),
        views_area=f"{points[0].x},{baseline} {views_line} {points[-1].x},{baseline}",
        y_ticks=[(y_of(v), v) for v in (0, top // 2, top)],
        x_ticks=[(points[i].x, points[i].label) for i in ticked],
        dots=len(points) <= _MAX_DOTS,
    )


# --- the page -------------------------------------------------------------------------


def _named(pairs, names: dict[str, str], blank: str) -> list[tuple[str, int]]:
    return [(names.get(value, value) if value else blank, n) for value, n in pairs]


def _range_from(request) -> tuple[datetime.date, datetime.date]:
    return analytics_range_resolve(
        preset=request.GET.get("range", ""),
        start=request.GET.get("from", ""),
        end=request.GET.get("to", ""),
        today=timezone.localdate(),
    )


def _page(request, site, *, data=None, error=None, status=200):
    picked = {
        "range": request.GET.get("range", ""),
        "from": request.GET.get("from", ""),
        "to": request.GET.get("to", ""),
    }
    context = {
        "active_module": "bio",
        "site": site,
        "active": "analytics",
        "presets": list(PRESETS),
        "picked": picked,
        "error": error,
        "data": data,
        "site_qr_url": qr.bio_site_qr_url(site=site),
    }
    if data is not None:
        query = f"from={data.start.isoformat()}&to={data.end.isoformat()}"
        context.update(
            chart=_chart(data),
            query=query,
            custom=bool(picked["from"] or picked["to"]),
            current_preset=picked["range"] or ("" if picked["from"] else "30"),
            referrers=_named(data.referrers, {}, "Direct or unknown"),
            countries=_named(data.countries, _COUNTRY_NAMES, "Unknown"),
            devices=_named(data.devices, _DEVICE_NAMES, "Unknown"),
            ctr_percent=_percent(data.ctr),
            links=[(link, _percent(link.ctr)) for link in data.links],
        )
    return render(request, TEMPLATE, context, status=status)


@workspace_permission_required(Permission.CONTENT_VIEW)
@feature_required("bio_sites")
@require_safe
def analytics_page(request, site_id):
    site = selectors.bio_site_get_for_actor(actor=request.user, site_id=site_id)
    try:
        start, end = _range_from(request)
    except AnalyticsRangeInvalidError as error:
        return _page(request, site, error=error, status=error.status)
    return _page(request, site, data=bio_site_analytics(site=site, start=start, end=end))


# --- the CSV export -------------------------------------------------------------------


def _percent(ratio: float) -> str:
    return f"{ratio * 100:.1f}"


def _csv_rows(data: BioSiteAnalytics):
    """One file, sections one under the other, each a title row, a header row and its
    rows, with a blank row between sections: daily numbers (and a total), then links,
    then the breakdowns."""
    yield ["Daily"]
    yield ["date", "views", "unique_visitors", "clicks", "ctr_percent"]
    for point in data.daily:
        ctr = point.clicks / point.views if point.views else 0.0
        yield [
            point.day.isoformat(),
            point.views,
            point.unique_visitors,
            point.clicks,
            _percent(ctr),
        ]
    yield ["total", data.views, data.unique_visitors, data.clicks, _percent(data.ctr)]
    yield []
    yield ["Links"]
    yield ["link", "group", "type", "url", "clicks", "qr_clicks", "ctr_percent"]
    for link in data.links:
        yield [
            link.label,
            link.group,
            link.type,
            link.url,
            link.clicks,
            link.qr_clicks,
            _percent(link.ctr),
        ]
    sections = [
        ("Referrers", "referrer", _named(data.referrers, {}, "direct")),
        ("Countries", "country", _named(data.countries, {}, "unknown")),
        ("Devices", "device", data.devices),
        ("Campaigns", "utm_campaign", data.campaigns),
        ("Sources", "utm_source", data.sources),
    ]
    for title, column, pairs in sections:
        yield []
        yield [title]
        yield [column, "views"]
        yield from ([value, n] for value, n in pairs)


@workspace_permission_required(Permission.CONTENT_VIEW)
@feature_required("bio_sites")
@require_safe
def analytics_csv(request, site_id):
    site = selectors.bio_site_get_for_actor(actor=request.user, site_id=site_id)
    try:
        start, end = _range_from(request)
    except AnalyticsRangeInvalidError as error:
        return _page(request, site, error=error, status=error.status)
    data = bio_site_analytics(site=site, start=start, end=end)
    filename = f"{site.slug}-analytics-{start.isoformat()}-to-{end.isoformat()}.csv"
    return csv_response(_csv_rows(data), filename=filename)


# --- QR codes -------------------------------------------------------------------------


def _qr_response(request, *, url: str, fmt: str, filename: str):
    etag = '"' + hashlib.sha256(f"{fmt}\x00{url}".encode()).hexdigest()[:32] + '"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        if fmt == "png":
            response = HttpResponse(qr.qr_png(url=url), content_type=QR_CONTENT_TYPES[fmt])
        else:
            response = HttpResponse(qr.qr_svg(url=url), content_type=QR_CONTENT_TYPES[fmt])
            # An SVG opened directly is a document: no script, no plugins, nothing loaded.
            response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
        response["ETag"] = etag
        if request.GET.get("download") == "1":
            response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    patch_cache_control(response, private=True, max_age=QR_MAX_AGE_SECONDS)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@workspace_permission_required(Permission.CONTENT_VIEW)
@feature_required("bio_sites")
@require_safe
def site_qr(request, site_id, fmt: str):
    site = selectors.bio_site_get_for_actor(actor=request.user, site_id=site_id)
    return _qr_response(
        request, url=qr.bio_site_qr_url(site=site), fmt=fmt, filename=f"{site.slug}-qr"
    )


@workspace_permission_required(Permission.CONTENT_VIEW)
@feature_required("bio_sites")
@require_safe
def link_qr(request, site_id, component_id, fmt: str, item: int | None = None):
    site = selectors.bio_site_get_for_actor(actor=request.user, site_id=site_id)
    component = bio_link_get_for_site(site=site, component_id=component_id, item=item)
    suffix = "" if item is None else f"-{item}"
    return _qr_response(
        request,
        url=qr.bio_link_qr_url(site=site, component=component, item=item),
        fmt=fmt,
        filename=f"{site.slug}-link-{str(component.pk)[:8]}{suffix}-qr",
    )
