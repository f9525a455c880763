import csv
import datetime
import io
import re

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from tenant_apps.analytics.models import Event
from tenant_apps.analytics.services import event_record
from tenant_apps.bio_sites.analytics_selectors import bio_site_analytics
from tenant_apps.bio_sites.errors import AnalyticsRangeInvalidError
from tenant_apps.bio_sites.services import (
    bio_component_add,
    bio_component_delete,
    bio_site_create,
    bio_site_publish,
)
from tests.helpers import add_member, client_for_member, host_of

pytestmark = pytest.mark.django_db

DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0 Safari/537.36"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148 Safari/604.1"
DAY1 = datetime.date(2026, 3, 1)
DAY2 = datetime.date(2026, 3, 2)
DAY3 = datetime.date(2026, 3, 3)
RANGE = "from=2026-03-01&to=2026-03-02"


@pytest.fixture
def site():
    site = bio_site_create(name="Ada's links", slug="ada", actor=None)
    bio_component_add(site=site, type_key="header", data={"title": "Ada Lovelace"}, actor=None)
    return bio_site_publish(site=site, actor=None)


@pytest.fixture
def links(site):
    link = bio_component_add(
        site=site,
        type_key="link",
        data={"title": "My shop", "url": "https://shop.example.com"},
        actor=None,
    )
    button = bio_component_add(
        site=site,
        type_key="button",
        data={"label": "Book a call", "url": "https://example.com/book"},
        actor=None,
    )
    group = bio_component_add(
        site=site,
        type_key="link_group",
        data={
            "title": "Resources",
            "links": [
                {"title": "Blog", "url": "https://example.com/blog"},
                {"title": "Talks", "url": "https://example.com/talks"},
            ],
        },
        actor=None,
    )
    return {"link": link, "button": button, "group": group}


def _at(monkeypatch, day, hour=12, minute=0, second=0):
    moment = datetime.datetime.combine(day, datetime.time(hour, minute, second), datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def _record(site, *, address, kind=Event.PAGE_VIEW, ua=DESKTOP, query="", **meta):
    request = RequestFactory().get(
        f"/b/ada/{query}", HTTP_USER_AGENT=ua, REMOTE_ADDR=address, **meta
    )
    return event_record(
        request=request, kind=kind, subject_type="bio_site", subject_id=str(site.pk)
    )


def _click(site, target, *, address, item=None, ua=DESKTOP, query=""):
    metadata = {"target": str(target.pk if hasattr(target, "pk") else target)}
    if item is not None:
        metadata["item"] = item
    request = RequestFactory().get(f"/b/ada/go/x/{query}", HTTP_USER_AGENT=ua, REMOTE_ADDR=address)
    return event_record(
        request=request,
        kind=Event.CLICK,
        subject_type="bio_site",
        subject_id=str(site.pk),
        metadata=metadata,
    )


@pytest.fixture
def traffic(monkeypatch, site, links):
    """Day 1: A (desktop, from Instagram, Germany, campaign "spring") and B (phone, US)
    view; A and B click the shop link, B clicks the group's second link and a link that is
    deleted afterwards. Day 2: A views again and clicks the button from a QR code. Day 3:
    C views (outside the usual range). Plus a view of another site of the workspace."""
    other = bio_site_create(name="Other", slug="other", actor=None)
    gone = bio_component_add(
        site=site, type_key="link", data={"title": "Old", "url": "https://old.example"}, actor=None
    )
    _at(monkeypatch, DAY1)
    _record(
        site,
        address="203.0.113.1",
        query="?utm_campaign=spring",
        HTTP_REFERER="https://www.instagram.com/ada",
        HTTP_CF_IPCOUNTRY="DE",
    )
    _record(site, address="203.0.113.2", ua=PHONE, HTTP_CF_IPCOUNTRY="US")
    _click(site, links["link"], address="203.0.113.1")
    _click(site, links["link"], address="203.0.113.2", ua=PHONE)
    _click(site, links["group"], address="203.0.113.2", item=1, ua=PHONE)
    _click(site, gone, address="203.0.113.2", ua=PHONE)
    _record(other, address="203.0.113.7")
    _at(monkeypatch, DAY2)
    _record(site, address="203.0.113.1", HTTP_CF_IPCOUNTRY="DE")
    _click(site, links["button"], address="203.0.113.1", query="?utm_source=qr")
    _at(monkeypatch, DAY3)
    _record(site, address="203.0.113.3")
    monkeypatch.undo()
    bio_component_delete(component=gone, actor=None)
    return links


def _url(site, suffix="analytics/"):
    return f"/dashboard/bio/{site.pk}/{suffix}"


def _stat(html, name):
    match = re.search(rf'data-stat="{name}">([^<]*)<', html)
    assert match, name
    return match.group(1)


def _row(html, key):
    """The cells of the per-link table's row for `key` ("<component id>[:<item>]")."""
    match = re.search(rf'<tr data-link="{re.escape(key)}">(.*?)</tr>', html, re.S)
    assert match, key
    return [
        re.sub(r"<[^>]+>", " ", cell).split()
        for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", match.group(1), re.S)
    ]


def test_the_page_shows_the_exact_numbers_of_the_range(staff_client, alpha, site, traffic):
    response = staff_client.get(f"{_url(site)}?{RANGE}", HTTP_HOST=host_of(alpha))

    assert response.status_code == 200
    html = response.content.decode()
    assert _stat(html, "views") == "3"
    assert _stat(html, "unique_visitors") == "3"
    assert _stat(html, "clicks") == "5"
    assert _stat(html, "ctr") == "166.7%"
    assert "Counted per day" in html  # visitor-days are explained


def test_the_link_table_lists_every_link_with_clicks_and_ctr(staff_client, alpha, site, traffic):
    html = staff_client.get(f"{_url(site)}?{RANGE}", HTTP_HOST=host_of(alpha)).content.decode()

    link, button, group = traffic["link"], traffic["button"], traffic["group"]
    assert _row(html, str(link.pk))[1:4] == [["2"], ["0"], ["66.7%"]]
    assert _row(html, str(button.pk))[1:4] == [["1"], ["1"], ["33.3%"]]
    assert _row(html, f"{group.pk}:0")[0][:3] == ["Resources", "\u203a", "Blog"]
    assert _row(html, f"{group.pk}:0")[1:4] == [["0"], ["0"], ["0.0%"]]
    assert _row(html, f"{group.pk}:1")[0][:3] == ["Resources", "\u203a", "Talks"]
    assert _row(html, f"{group.pk}:1")[1:4] == [["1"], ["0"], ["33.3%"]]
    deleted = re.findall(r'<tr data-link="[^"]+">\s*<th scope="row">(.*?)</th>', html, re.S)
    assert any("Deleted link" in cell for cell in deleted)
    assert html.index(str(link.pk)) < html.index(str(button.pk)) < html.index("Deleted link")


def test_the_breakdowns_and_the_chart(staff_client, alpha, site, traffic):
    html = staff_client.get(f"{_url(site)}?{RANGE}", HTTP_HOST=host_of(alpha)).content.decode()

    assert '<td>instagram.com</td><td class="num">1</td>' in html
    assert '<td>Direct or unknown</td><td class="num">2</td>' in html
    assert '<td>Germany</td><td class="num">2</td>' in html
    assert '<td>United States</td><td class="num">1</td>' in html
    assert '<td>Desktop</td><td class="num">2</td>' in html
    assert '<td>Mobile</td><td class="num">1</td>' in html
    assert '<td>spring</td><td class="num">1</td>' in html
    # The chart is inline SVG with a title and the same numbers as a table.
    assert '<svg viewBox="0 0 720 240" role="img"' in html
    assert (
        '<title id="chart-svg-title">Daily views and clicks, 01 Mar 2026 to 02 Mar 2026</title>'
        in html
    )
    table = html[html.index("data-chart-table") :]
    assert re.search(r'01 Mar</th><td class="num">2</td><td class="num">4</td>', table)
    assert re.search(r'02 Mar</th><td class="num">1</td><td class="num">1</td>', table)
    assert "<script" not in html[html.index("<svg viewBox") : html.index("</svg>")]


def test_a_one_day_range_charts_by_hour(staff_client, alpha, site, traffic):
    html = staff_client.get(
        f"{_url(site)}?from=2026-03-02&to=2026-03-02", HTTP_HOST=host_of(alpha)
    ).content.decode()

    assert _stat(html, "views") == "1"
    assert _stat(html, "clicks") == "1"
    assert "Views and clicks by hour on 02 Mar 2026" in html
    assert re.search(r'12:00</th><td class="num">1</td><td class="num">1</td>', html)
    assert html.count('<tr><th scope="row">') == 24


def test_range_boundaries_are_inclusive_whole_days(monkeypatch, staff_client, alpha, site):
    for moment in (
        (DAY1, 23, 59, 59),  # before
        (DAY2, 0, 0, 0),  # first second: in
        (DAY2, 23, 59, 59),  # last second: in
        (DAY3, 0, 0, 0),  # after
    ):
        _at(monkeypatch, moment[0], *moment[1:])
        _record(site, address="198.51.100.1")
    monkeypatch.undo()

    html = staff_client.get(
        f"{_url(site)}?from=2026-03-02&to=2026-03-02", HTTP_HOST=host_of(alpha)
    ).content.decode()
    assert _stat(html, "views") == "2"
    html = staff_client.get(
        f"{_url(site)}?from=2026-03-01&to=2026-03-03", HTTP_HOST=host_of(alpha)
    ).content.decode()
    assert _stat(html, "views") == "4"


def test_presets_count_back_from_today_and_default_to_30_days(
    monkeypatch, staff_client, alpha, site
):
    today = timezone.localdate()
    for days_ago in (0, 6, 7, 29, 30):
        _at(monkeypatch, today - datetime.timedelta(days=days_ago))
        _record(site, address=f"198.51.100.{days_ago + 1}")
    monkeypatch.undo()

    def views(query):
        response = staff_client.get(f"{_url(site)}{query}", HTTP_HOST=host_of(alpha))
        assert response.status_code == 200
        return _stat(response.content.decode(), "views")

    assert views("?range=7") == "2"
    assert views("?range=30") == "4"
    assert views("") == "4"
    assert views("?range=90") == "5"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-03-02&to=2026-03-01", "The end date is before the start date."),
        ("from=2025-01-01&to=2026-01-02", "Choose a range of at most 366 days."),
        ("from=yesterday&to=2026-03-01", "Enter the start date as YYYY-MM-DD."),
        ("from=2026-03-01", "Enter the end date as YYYY-MM-DD."),
        ("from=0001-01-01&to=0001-01-02", "Choose dates between 2000 and 2099."),
        ("from=9999-12-30&to=9999-12-31", "Choose dates between 2000 and 2099."),
        ("range=365", "Choose 7, 30 or 90 days, or enter dates."),
    ],
)
def test_a_bad_range_is_a_400_page_that_says_why(staff_client, alpha, site, query, message):
    for suffix in ("analytics/", "analytics.csv"):
        response = staff_client.get(f"{_url(site, suffix)}?{query}", HTTP_HOST=host_of(alpha))

        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
        html = response.content.decode()
        assert message in html
        assert 'role="alert"' in html


def test_a_full_year_is_allowed(staff_client, alpha, site):
    response = staff_client.get(
        f"{_url(site)}?from=2024-01-01&to=2024-12-31", HTTP_HOST=host_of(alpha)
    )
    assert response.status_code == 200  # 366 days: a leap year


def test_the_selector_refuses_bad_ranges_too(site):
    with pytest.raises(AnalyticsRangeInvalidError):
        bio_site_analytics(site=site, start=DAY2, end=DAY1)


def test_an_empty_site_shows_the_empty_state(staff_client, alpha, site):
    html = staff_client.get(_url(site), HTTP_HOST=host_of(alpha)).content.decode()

    assert "No visits in this range yet" in html
    assert "This page has no links yet." in html
    assert _stat(html, "views") == "0"
    assert _stat(html, "ctr") == "0.0%"
    assert "<svg viewBox" not in html


def test_clicks_through_the_public_redirect_show_up(alpha, staff_client, site, links):
    visitor = Client(HTTP_HOST=host_of(alpha), HTTP_USER_AGENT=PHONE)
    assert visitor.get(f"/b/ada/go/{links['link'].pk}/?utm_source=qr").status_code == 302
    assert visitor.get(f"/b/ada/go/{links['link'].pk}/").status_code == 302

    html = staff_client.get(_url(site), HTTP_HOST=host_of(alpha)).content.decode()
    assert _stat(html, "clicks") == "2"
    assert _row(html, str(links["link"].pk))[1:3] == [["2"], ["1"]]


# --- CSV ------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_csv_has_the_daily_table_the_links_and_the_breakdowns(
    staff_client, alpha, site, traffic
):
    response = staff_client.get(f"{_url(site, 'analytics.csv')}?{RANGE}", HTTP_HOST=host_of(alpha))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="ada-analytics-2026-03-01-to-2026-03-02.csv"'
    )
    assert "no-store" in response["Cache-Control"]
    rows = _csv(response)
    assert rows[:6] == [
        ["Daily"],
        ["date", "views", "unique_visitors", "clicks", "ctr_percent"],
        ["2026-03-01", "2", "2", "4", "200.0"],
        ["2026-03-02", "1", "1", "1", "100.0"],
        ["total", "3", "3", "5", "166.7"],
        [],
    ]
    links_at = rows.index(["Links"])
    assert rows[links_at + 1] == [
        "link",
        "group",
        "type",
        "url",
        "clicks",
        "qr_clicks",
        "ctr_percent",
    ]
    assert rows[links_at + 2 : links_at + 7] == [
        ["My shop", "", "link", "https://shop.example.com", "2", "0", "66.7"],
        ["Book a call", "", "button", "https://example.com/book", "1", "1", "33.3"],
        ["Blog", "Resources", "link_group", "https://example.com/blog", "0", "0", "0.0"],
        ["Talks", "Resources", "link_group", "https://example.com/talks", "1", "0", "33.3"],
        ["Deleted link", "", "", "", "1", "0", "33.3"],
    ]
    countries_at = rows.index(["Countries"])
    assert rows[countries_at + 1 : countries_at + 4] == [
        ["country", "views"],
        ["DE", "2"],
        ["US", "1"],
    ]
    campaigns_at = rows.index(["Campaigns"])
    assert rows[campaigns_at + 1 : campaigns_at + 3] == [["utm_campaign", "views"], ["spring", "1"]]


def test_csv_cells_that_a_spreadsheet_would_run_are_escaped(monkeypatch, staff_client, alpha, site):
    bio_component_add(
        site=site,
        type_key="link",
        data={"title": '=HYPERLINK("https://evil.example")', "url": "https://ok.example"},
        actor=None,
    )
    for campaign in ("+cmd", "-2+3", "@SUM(A1)", "=1+1"):
        _record(site, address="198.51.100.9", query=f"?utm_campaign={campaign.replace('+', '%2B')}")

    rows = _csv(staff_client.get(_url(site, "analytics.csv"), HTTP_HOST=host_of(alpha)))

    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("https://evil.example")' in cells
    for campaign in ("+cmd", "-2+3", "@SUM(A1)", "=1+1"):
        assert "'" + campaign in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]


# --- roles and isolation --------------------------------------------------------------


@pytest.mark.parametrize("role", ["viewer", "editor", "admin"])
def test_every_role_may_see_the_analytics_and_download(alpha, site, traffic, role):
    client = client_for_member(add_member(alpha, role), alpha)
    for suffix in ("analytics/", "analytics.csv", "qr.png", "qr.svg"):
        response = client.get(f"{_url(site, suffix)}?{RANGE}", HTTP_HOST=host_of(alpha))
        assert response.status_code == 200, suffix
    html = client.get(f"{_url(site)}?{RANGE}", HTTP_HOST=host_of(alpha)).content.decode()
    assert _stat(html, "views") == "3"


def test_anonymous_visitors_are_sent_to_sign_in(alpha, site):
    anonymous = Client()
    for suffix in ("analytics/", "analytics.csv", "qr.png", "qr.svg"):
        response = anonymous.get(_url(site, suffix), HTTP_HOST=host_of(alpha))
        assert response.status_code == 302
        assert "login" in response["Location"] or "sign" in response["Location"]


def test_another_workspaces_site_is_a_404_and_its_events_never_show(
    monkeypatch, staff_client, alpha, beta, site
):
    with tenant_context(beta):
        theirs = bio_site_create(name="Beta's links", slug="ada", actor=None)
        _at(monkeypatch, DAY1)
        for n in range(3):
            _record(theirs, address=f"192.0.2.{n}")
            # Same subject id as alpha's site, recorded in beta's schema.
            _record(site, address=f"192.0.2.{n}")
        monkeypatch.undo()

    for suffix in ("analytics/", "analytics.csv", "qr.png", "qr.svg"):
        response = staff_client.get(_url(theirs, suffix), HTTP_HOST=host_of(alpha))
        assert response.status_code == 404, suffix
    html = staff_client.get(f"{_url(site)}?{RANGE}", HTTP_HOST=host_of(alpha)).content.decode()
    assert _stat(html, "views") == "0"


def test_the_serialisable_result_for_the_api(site, traffic):
    from dataclasses import asdict

    data = asdict(bio_site_analytics(site=site, start=DAY1, end=DAY2))

    assert (data["views"], data["unique_visitors"], data["clicks"]) == (3, 3, 5)
    assert data["daily"][0] == {"day": DAY1, "views": 2, "unique_visitors": 2, "clicks": 4}
    assert data["hourly"] == []
    assert data["links"][0]["label"] == "My shop"
    assert data["countries"] == [("DE", 2), ("US", 1)]


def test_with_the_feature_off_the_pages_explain_and_nothing_is_lost(
    staff_client, alpha, owner, site, traffic
):
    from shared_apps.billing.services import feature_kill_switch_set

    with schema_context("public"):
        feature_kill_switch_set(key="bio_sites", disabled=True, actor=owner)
    for suffix in ("analytics/", "analytics.csv", "qr.png", "qr.svg"):
        response = staff_client.get(_url(site, suffix), HTTP_HOST=host_of(alpha))
        assert response.status_code == 403, suffix
    assert Event.objects.filter(subject_id=str(site.pk)).count() == 9


def test_days_are_taken_in_the_current_time_zone(monkeypatch, site):
    # 03:00 UTC on 2 March is still 1 March (22:00) in New York.
    _at(monkeypatch, DAY2, hour=3)
    _record(site, address="198.51.100.1")
    monkeypatch.undo()

    with timezone.override("America/New_York"):
        data = bio_site_analytics(site=site, start=DAY1, end=DAY1)
        assert data.views == 1
        assert [(p.hour.hour, p.views) for p in data.hourly if p.views] == [(22, 1)]
    assert bio_site_analytics(site=site, start=DAY1, end=DAY1).views == 0


def test_the_numbers_cost_a_fixed_number_of_queries(
    monkeypatch, site, traffic, django_assert_max_num_queries
):
    _at(monkeypatch, DAY1)
    for n in range(20):
        _record(site, address=f"198.51.100.{n}")
        _click(site, traffic["link"], address=f"198.51.100.{n}")
    monkeypatch.undo()

    with django_assert_max_num_queries(10):
        data = bio_site_analytics(site=site, start=DAY1, end=DAY2)
    assert (data.views, data.clicks) == (23, 25)


def test_links_inside_lists_and_single_link_blocks_each_get_a_row_and_a_qr_code(
    staff_client, alpha, site
):
    icons = bio_component_add(
        site=site,
        type_key="social_icons",
        data={
            "items": [
                {"network": "instagram", "url": "https://instagram.com/ada"},
                {"network": "youtube", "url": "https://youtube.com/@ada"},
            ]
        },
        actor=None,
    )
    download = bio_component_add(
        site=site,
        type_key="file_download",
        data={
            "title": "Media kit",
            "file_url": "https://files.example.com/kit.pdf",
            "file_name": "kit.pdf",
        },
        actor=None,
    )
    _record(site, address="203.0.113.1")
    _click(site, icons, address="203.0.113.1", item=1)
    _click(site, download, address="203.0.113.1")

    html = staff_client.get(_url(site), HTTP_HOST=host_of(alpha)).content.decode()

    assert _row(html, f"{icons.pk}:0")[1] == ["0"]
    assert "Youtube" in _row(html, f"{icons.pk}:1")[0] and _row(html, f"{icons.pk}:1")[1] == ["1"]
    assert "Media" in _row(html, str(download.pk))[0] and _row(html, str(download.pk))[1] == ["1"]
    assert "Deleted link" not in html
    item_qr = f"/dashboard/bio/{site.pk}/qr/{icons.pk}/1.svg"
    assert f'href="{item_qr}?download=1"' in html
    qr = staff_client.get(item_qr, HTTP_HOST=host_of(alpha))
    assert qr.status_code == 200 and qr["Content-Type"].startswith("image/svg+xml")
    # Past the last icon, or an index on a one-link block: no code.
    for path in (f"qr/{icons.pk}/2.svg", f"qr/{download.pk}/0.svg", f"qr/{icons.pk}.svg"):
        assert staff_client.get(_url(site, path), HTTP_HOST=host_of(alpha)).status_code == 404
