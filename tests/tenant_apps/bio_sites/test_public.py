from datetime import timedelta
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenant_apps.analytics.models import Event
from tenant_apps.analytics.services import event_deferred_record
from tenant_apps.bio_sites.services import (
    bio_component_add,
    bio_component_delete,
    bio_component_update,
    bio_site_create,
    bio_site_publish,
    bio_site_unpublish,
)
from tests.helpers import host_of

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


@pytest.fixture
def site():
    site = bio_site_create(name="Ada's links", slug="ada", actor=None)
    bio_component_add(site=site, type_key="header", data={"title": "Ada Lovelace"}, actor=None)
    return bio_site_publish(site=site, actor=None)


@pytest.fixture
def link(site):
    return bio_component_add(
        site=site,
        type_key="link",
        data={"title": "My shop", "url": "https://shop.example.com/?ref=bio"},
        actor=None,
    )


@pytest.fixture
def browser(alpha):
    return Client(HTTP_HOST=host_of(alpha), HTTP_USER_AGENT=BROWSER)


def _views(site) -> int:
    return Event.objects.filter(
        kind=Event.PAGE_VIEW, subject_type="bio_site", subject_id=str(site.pk)
    ).count()


def test_a_published_page_renders_its_components_in_the_brand(browser, site, link):
    response = browser.get("/b/ada/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ada Lovelace" in html and "My shop" in html
    assert "var(--brand-primary" in html
    # The link goes through the redirect, never straight out.
    assert f'href="/b/ada/go/{link.pk}/"' in html
    assert "https://shop.example.com" not in html
    assert "mewayz" not in html.lower()


def test_the_shared_page_carries_no_csrf_token(browser, site):
    html = browser.get("/b/ada/").content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert '"X-CSRFToken": ""' in html


def test_unpublished_and_unknown_pages_are_404(browser, site):
    bio_site_unpublish(site=site, actor=None)
    assert browser.get("/b/ada/").status_code == 404
    assert browser.get("/b/nobody/").status_code == 404


def test_hidden_and_out_of_window_components_are_not_shown(browser, site):
    now = timezone.now()
    hidden = bio_component_add(site=site, type_key="heading", data={"text": "Hidden"}, actor=None)
    bio_component_update(component=hidden, is_visible=False, actor=None)
    future = bio_component_add(site=site, type_key="heading", data={"text": "Soon"}, actor=None)
    bio_component_update(component=future, visible_from=now + timedelta(hours=1), actor=None)
    past = bio_component_add(site=site, type_key="heading", data={"text": "Over"}, actor=None)
    bio_component_update(
        component=past,
        visible_from=now - timedelta(hours=2),
        visible_until=now - timedelta(hours=1),
        actor=None,
    )
    live = bio_component_add(site=site, type_key="heading", data={"text": "Live now"}, actor=None)
    bio_component_update(
        component=live,
        visible_from=now - timedelta(hours=1),
        visible_until=now + timedelta(hours=1),
        actor=None,
    )
    html = browser.get("/b/ada/").content.decode()
    assert "Live now" in html
    assert "Hidden" not in html and "Soon" not in html and "Over" not in html


def test_the_cached_page_expires_when_a_window_opens(browser, site):
    soon = bio_component_add(site=site, type_key="heading", data={"text": "Drop"}, actor=None)
    bio_component_update(
        component=soon, visible_from=timezone.now() + timedelta(seconds=30), actor=None
    )
    with mock.patch.object(cache, "set", wraps=cache.set) as cache_set:
        browser.get("/b/ada/")
    timeouts = [c.kwargs["timeout"] for c in cache_set.call_args_list if "timeout" in c.kwargs]
    assert any(0 < t <= 31 for t in timeouts)


def test_a_warm_anonymous_visit_makes_no_queries_and_still_records_the_view(
    browser, site, django_assert_num_queries, django_capture_on_commit_callbacks
):
    first = browser.get("/b/ada/")  # warms the page and the host cache
    assert event_deferred_record() == 1  # the first view
    with django_capture_on_commit_callbacks() as callbacks, django_assert_num_queries(0):
        second = browser.get("/b/ada/?utm_source=ig")
    assert second.status_code == 200
    assert second.content == first.content
    assert callbacks == []  # nothing waits on a commit: the view is deferred to Redis
    assert _views(site) == 1
    assert event_deferred_record() == 1  # what the beat's drain task runs
    event = Event.objects.get(kind=Event.PAGE_VIEW, subject_id=str(site.pk), utm_source="ig")
    assert event.utm_source == "ig"
    assert event.device == Event.Device.MOBILE
    assert len(event.visitor_hash) == 64
    assert event_deferred_record() == 0  # drained once: never written twice


def test_bots_are_not_recorded(alpha, site):
    bot = Client(HTTP_HOST=host_of(alpha), HTTP_USER_AGENT=GOOGLEBOT)
    assert bot.get("/b/ada/").status_code == 200
    assert event_deferred_record() == 0
    assert _views(site) == 0


def test_a_component_change_invalidates_the_cache(browser, site, link):
    assert "My shop" in browser.get("/b/ada/").content.decode()
    # The test's transaction never commits, so _commit_hooks runs the invalidation.
    with _commit_hooks():
        bio_component_update(
            component=link,
            data={"title": "Our store", "url": "https://shop.example.com"},
            actor=None,
        )
    html = browser.get("/b/ada/").content.decode()
    assert "Our store" in html and "My shop" not in html
    with _commit_hooks():
        bio_component_delete(component=link, actor=None)
    assert "Our store" not in browser.get("/b/ada/").content.decode()


def test_without_invalidation_the_page_stays_cached(browser, site, link):
    """The control for the test above: the cache really is serving the page."""
    browser.get("/b/ada/")
    link.data = {"title": "Changed behind the cache", "url": "https://shop.example.com"}
    link.save()
    assert "Changed behind the cache" not in browser.get("/b/ada/").content.decode()


def test_unpublish_and_publish_invalidate_the_cache(browser, site):
    assert browser.get("/b/ada/").status_code == 200
    with _commit_hooks():
        bio_site_unpublish(site=site, actor=None)
    assert browser.get("/b/ada/").status_code == 404
    with _commit_hooks():
        bio_site_publish(site=site, actor=None)
    assert browser.get("/b/ada/").status_code == 200


def test_a_click_redirects_to_the_stored_url_with_utm_and_is_recorded(browser, site, link):
    response = browser.get(
        f"/b/ada/go/{link.pk}/?utm_source=ig&utm_campaign=spring&next=https://evil.example"
    )
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert (target.scheme, target.netloc, target.path) == ("https", "shop.example.com", "/")
    assert parse_qs(target.query) == {
        "ref": ["bio"],
        "utm_source": ["ig"],
        "utm_campaign": ["spring"],
    }
    event = Event.objects.get(kind=Event.CLICK)
    assert event.subject_id == str(site.pk)
    assert event.metadata == {"target": str(link.pk)}
    assert event.utm_source == "ig"


def test_a_bot_click_redirects_but_is_not_recorded(alpha, site, link):
    bot = Client(HTTP_HOST=host_of(alpha), HTTP_USER_AGENT=GOOGLEBOT)
    assert bot.get(f"/b/ada/go/{link.pk}/").status_code == 302
    assert not Event.objects.filter(kind=Event.CLICK).exists()


def test_clicks_only_reach_visible_link_components_of_that_published_page(browser, site, link):
    other = bio_site_publish(
        site=bio_site_create(name="Other", slug="other", actor=None), actor=None
    )
    other_link = bio_component_add(
        site=other, type_key="link", data={"title": "X", "url": "https://x.example.com"}, actor=None
    )
    header = site.components.get(type="header")
    image = bio_component_add(
        site=site,
        type_key="image",
        data={"url": "https://cdn.example.com/a.jpg", "alt": "A"},
        actor=None,
    )
    hidden = bio_component_add(
        site=site, type_key="link", data={"title": "H", "url": "https://h.example.com"}, actor=None
    )
    bio_component_update(component=hidden, is_visible=False, actor=None)
    for path in (
        "/b/ada/go/00000000-0000-0000-0000-000000000000/",
        f"/b/ada/go/{other_link.pk}/",  # another page's link
        f"/b/ada/go/{header.pk}/",  # no URL
        f"/b/ada/go/{image.pk}/",  # a URL, but not a link
        f"/b/ada/go/{hidden.pk}/",
        "/b/ada/go/not-a-uuid/",
        f"/b/nobody/go/{link.pk}/",
    ):
        assert browser.get(path).status_code == 404, path
    bio_site_unpublish(site=site, actor=None)
    assert browser.get(f"/b/ada/go/{link.pk}/").status_code == 404
    assert not Event.objects.filter(kind=Event.CLICK).exists()


def test_another_workspace_cannot_serve_the_page_or_its_clicks(alpha, beta, site, link):
    other = Client(HTTP_HOST=host_of(beta), HTTP_USER_AGENT=BROWSER)
    Client(HTTP_HOST=host_of(alpha), HTTP_USER_AGENT=BROWSER).get("/b/ada/")  # alpha's cache warm
    assert other.get("/b/ada/").status_code == 404
    assert other.get(f"/b/ada/go/{link.pk}/").status_code == 404


def test_the_same_slug_in_two_workspaces_serves_each_its_own_page(alpha, beta, site):
    with tenant_context(beta):
        beta_site = bio_site_create(name="Beta page", slug="ada", actor=None)
        bio_component_add(
            site=beta_site, type_key="heading", data={"text": "Beta own page"}, actor=None
        )
        bio_site_publish(site=beta_site, actor=None)
    alpha_html = Client(HTTP_HOST=host_of(alpha)).get("/b/ada/").content.decode()
    beta_html = Client(HTTP_HOST=host_of(beta)).get("/b/ada/").content.decode()
    assert "Ada Lovelace" in alpha_html and "Beta own page" not in alpha_html
    assert "Beta own page" in beta_html and "Ada Lovelace" not in beta_html


class _commit_hooks:
    """Runs the on-commit hooks registered inside the block (the test never commits)."""

    def __enter__(self):
        from django.db import connection

        self._connection = connection
        self._start = len(connection.run_on_commit)

    def __exit__(self, *exc):
        hooks = self._connection.run_on_commit[self._start :]
        del self._connection.run_on_commit[self._start :]
        for _sid, hook, _robust in hooks:
            hook()


def _location(response) -> str:
    assert response.status_code == 302, response.status_code
    return response["Location"]


def test_every_item_of_a_list_component_is_tracked_by_its_index(browser, site):
    group = bio_component_add(
        site=site,
        type_key="link_group",
        data={
            "title": "Resources",
            "links": [
                {"title": "Blog", "url": "https://example.com/blog"},
                {"title": "Shop", "url": "https://example.com/shop"},
            ],
        },
        actor=None,
    )
    social = bio_component_add(
        site=site,
        type_key="social_icons",
        data={"items": [{"network": "github", "url": "https://github.com/ada"}]},
        actor=None,
    )
    html = browser.get("/b/ada/").content.decode()
    assert f'href="/b/ada/go/{group.pk}/0/"' in html and f'href="/b/ada/go/{group.pk}/1/"' in html
    assert f'href="/b/ada/go/{social.pk}/0/"' in html
    assert "https://example.com/blog" not in html and "https://github.com/ada" not in html

    assert _location(browser.get(f"/b/ada/go/{group.pk}/1/?utm_source=ig")) == (
        "https://example.com/shop?utm_source=ig"
    )
    assert _location(browser.get(f"/b/ada/go/{social.pk}/0/")) == "https://github.com/ada"
    clicks = Event.objects.filter(kind=Event.CLICK).order_by("id")
    assert [e.metadata for e in clicks] == [
        {"target": str(group.pk), "item": 1},
        {"target": str(social.pk), "item": 0},
    ]


@pytest.mark.parametrize(
    ("type_key", "data", "item", "target"),
    [
        (
            "product_grid",
            {"products": [{"title": "Mug", "url": "https://shop.example.com/mug"}]},
            0,
            "https://shop.example.com/mug",
        ),
        (
            "app_store_badges",
            {"google_play_url": "https://play.google.com/store/apps/details?id=x.y"},
            1,
            "https://play.google.com/store/apps/details?id=x.y",
        ),
        (
            "podcast",
            {
                "title": "Engines",
                "feed_url": "https://pod.example.com/feed.xml",
                "links": [{"platform": "spotify", "url": "https://open.spotify.com/show/abc"}],
            },
            1,
            "https://pod.example.com/feed.xml",
        ),
        (
            "file_download",
            {"title": "Pack", "file_url": "https://cdn.example.com/p.zip", "file_name": "p.zip"},
            None,
            "https://cdn.example.com/p.zip",
        ),
        ("whatsapp", {"phone": "+447700900123"}, None, "https://wa.me/447700900123"),
        ("telegram", {"username": "ada_lovelace"}, None, "https://t.me/ada_lovelace"),
        (
            "github_repo",
            {"owner": "django", "repo": "django"},
            None,
            "https://github.com/django/django",
        ),
        (
            "image",
            {
                "url": "https://cdn.example.com/a.jpg",
                "alt": "A",
                "link_url": "https://a.example.com",
            },
            None,
            "https://a.example.com",
        ),
    ],
)
def test_outbound_links_of_every_kind_go_through_the_redirect(
    browser, site, type_key, data, item, target
):
    component = bio_component_add(site=site, type_key=type_key, data=data, actor=None)
    path = f"/b/ada/go/{component.pk}/" + ("" if item is None else f"{item}/")

    html = browser.get("/b/ada/").content.decode()

    assert f'href="{path}"' in html
    assert _location(browser.get(path)) == target
    event = Event.objects.get(kind=Event.CLICK)
    expected = {"target": str(component.pk)}
    if item is not None:
        expected["item"] = item
    assert event.metadata == expected


def test_item_indexes_are_checked(browser, site, link):
    group = bio_component_add(
        site=site,
        type_key="link_group",
        data={"title": "R", "links": [{"title": "Blog", "url": "https://example.com/blog"}]},
        actor=None,
    )
    badges = bio_component_add(
        site=site,
        type_key="app_store_badges",
        data={"app_store_url": "https://apps.apple.com/app/id1"},
        actor=None,
    )
    for path in (
        f"/b/ada/go/{group.pk}/1/",  # out of range
        f"/b/ada/go/{group.pk}/",  # a list needs its index
        f"/b/ada/go/{group.pk}/-1/",
        f"/b/ada/go/{badges.pk}/1/",  # an empty slot
        f"/b/ada/go/{link.pk}/0/",  # a one-link component takes no index
    ):
        assert browser.get(path).status_code == 404, path
    assert not Event.objects.filter(kind=Event.CLICK).exists()


def test_mail_links_stay_direct(browser, site):
    bio_component_add(
        site=site,
        type_key="email_link",
        data={"label": "Mail", "email": "hi@example.com"},
        actor=None,
    )

    assert 'href="mailto:hi@example.com"' in browser.get("/b/ada/").content.decode()


def test_a_visit_to_no_page_is_deferred_but_never_written(browser, site):
    # The view is deferred before the page is known (one round trip); the drain resolves
    # the slug and drops what no published site answers to.
    assert browser.get("/b/nobody/").status_code == 404
    bio_site_unpublish(site=site, actor=None)
    assert event_deferred_record() == 0
    assert Event.objects.count() == 0


def test_a_process_keeps_the_page_in_memory_but_checks_its_version_every_visit(browser, site, link):
    assert "My shop" in browser.get("/b/ada/").content.decode()
    with mock.patch.object(cache, "get", wraps=cache.get) as get:
        assert "My shop" in browser.get("/b/ada/").content.decode()
    # Warm: only the version token came from Redis, not the page.
    assert not [c for c in get.call_args_list if c.args and c.args[0] == "bio:page:ada"]

    # Another process changes the page: all it touches is the token in Redis.
    with _commit_hooks():
        bio_component_update(component=link, data={**link.data, "title": "Spring sale"}, actor=None)
    html = browser.get("/b/ada/").content.decode()
    assert "Spring sale" in html and "My shop" not in html


def test_a_page_held_in_memory_still_expires_at_its_next_visibility_edge(browser, site, link):
    soon = timezone.now() + timedelta(seconds=30)
    with _commit_hooks():
        bio_component_update(component=link, visible_until=soon, actor=None)
    assert "My shop" in browser.get("/b/ada/").content.decode()
    # Half a minute later the link's window has closed: the held copy has expired with it.
    later = timezone.now() + timedelta(seconds=31)
    with (
        mock.patch("tenant_apps.bio_sites.page_cache.time.time", return_value=later.timestamp()),
        mock.patch("django.utils.timezone.now", return_value=later),
    ):
        assert "My shop" not in browser.get("/b/ada/").content.decode()
