import datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenant_apps.analytics.models import Event
from tenant_apps.analytics.selectors import event_daily_series, event_summary
from tenant_apps.analytics.services import event_record

DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0 Safari/537.36"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148 Safari/604.1"
DAY1 = datetime.date(2026, 3, 1)
DAY2 = datetime.date(2026, 3, 2)


def _at(monkeypatch, day, hour=12):
    moment = datetime.datetime.combine(day, datetime.time(hour), datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def _visit(*, address, ua=DESKTOP, kind=Event.PAGE_VIEW, subject_id="site-1", **extra):
    meta = {"HTTP_USER_AGENT": ua, "REMOTE_ADDR": address}
    if "referrer" in extra:
        meta["HTTP_REFERER"] = extra.pop("referrer")
    if "country" in extra:
        meta["HTTP_CF_IPCOUNTRY"] = extra.pop("country")
    return event_record(
        request=RequestFactory().get("/", **meta),
        kind=kind,
        subject_type="bio_site",
        subject_id=subject_id,
        **extra,
    )


@pytest.fixture
def traffic(monkeypatch):
    """Day 1: visitor A views twice and clicks link-1; B (phone) views once and clicks
    link-1 and link-2. Day 2: A views once (a new visitor-day). Plus noise: another
    subject, a bot, and an event outside the range."""
    _at(monkeypatch, DAY1)
    _visit(address="203.0.113.1", referrer="https://instagram.com/a", country="DE")
    _visit(address="203.0.113.1", referrer="https://instagram.com/b", country="DE")
    _visit(address="203.0.113.1", kind=Event.CLICK, metadata={"target": "link-1"})
    _visit(address="203.0.113.2", ua=PHONE, referrer="https://t.co/x", country="US")
    _visit(address="203.0.113.2", ua=PHONE, kind=Event.CLICK, metadata={"target": "link-1"})
    _visit(address="203.0.113.2", ua=PHONE, kind=Event.CLICK, metadata={"target": "link-2"})
    _visit(address="203.0.113.3", subject_id="site-2")
    _visit(address="203.0.113.4", ua="Twitterbot/1.0")
    _at(monkeypatch, DAY2)
    _visit(address="203.0.113.1", country="DE")
    _at(monkeypatch, DAY2 + datetime.timedelta(days=1))
    _visit(address="203.0.113.9")
    monkeypatch.undo()


def test_summary_arithmetic(traffic, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        summary = event_summary(subject_type="bio_site", subject_id="site-1", start=DAY1, end=DAY2)

    assert summary.views == 4
    assert summary.unique_visitors == 3  # A and B on day 1, A again on day 2
    assert summary.clicks == 3
    assert summary.ctr == pytest.approx(0.75)
    assert summary.referrers == [("instagram.com", 2), ("", 1), ("t.co", 1)]
    assert summary.countries == [("DE", 3), ("US", 1)]
    assert summary.devices == [("desktop", 3), ("mobile", 1)]
    assert summary.targets == [("link-1", 2), ("link-2", 1)]


def test_summary_of_one_day_and_of_an_empty_range(traffic):
    day1 = event_summary(subject_type="bio_site", subject_id="site-1", start=DAY1, end=DAY1)
    assert (day1.views, day1.unique_visitors, day1.clicks) == (3, 2, 3)
    assert day1.ctr == pytest.approx(1.0)

    empty = event_summary(
        subject_type="bio_site",
        subject_id="site-1",
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 1, 31),
    )
    assert (empty.views, empty.unique_visitors, empty.clicks, empty.ctr) == (0, 0, 0, 0.0)
    assert empty.referrers == empty.countries == empty.devices == empty.targets == []


def test_daily_series_has_every_day_in_the_range(traffic, django_assert_num_queries):
    start = DAY1 - datetime.timedelta(days=1)
    with django_assert_num_queries(1):
        series = event_daily_series(
            subject_type="bio_site", subject_id="site-1", start=start, end=DAY2
        )

    assert [(p.day, p.views, p.unique_visitors, p.clicks) for p in series] == [
        (start, 0, 0, 0),
        (DAY1, 3, 2, 3),
        (DAY2, 1, 1, 0),
    ]


def test_summary_is_isolated_between_workspaces(traffic, beta):
    with tenant_context(beta):
        summary = event_summary(subject_type="bio_site", subject_id="site-1", start=DAY1, end=DAY2)
        series = event_daily_series(
            subject_type="bio_site", subject_id="site-1", start=DAY1, end=DAY2
        )

    assert (summary.views, summary.unique_visitors, summary.clicks) == (0, 0, 0)
    assert all(p.views == p.clicks == 0 for p in series)
