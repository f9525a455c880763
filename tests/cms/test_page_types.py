"""Every page type renders on its workspace's host, in the workspace's brand."""

import datetime

import pytest
from django_tenants.utils import tenant_context
from wagtail.models import Page

from cms.models import (
    BlogIndexPage,
    BlogPostPage,
    ContentPage,
    FormPage,
    HomePage,
    LandingPage,
    LegalPage,
)
from tests.cms.factories import blog_create, form_page_create, home_page, page_add
from tests.helpers import host_of


def _get(client, workspace, path):
    return client.get(path, HTTP_HOST=host_of(workspace))


def test_home_page_renders_intro_body_and_blocks(client, alpha):
    with tenant_context(alpha):
        home = home_page()
        home.intro = "We bake bread."
        home.body = "<p>Since 1999.</p>"
        home.content = [
            {
                "type": "call_to_action",
                "value": {
                    "heading": "Order today",
                    "text": "",
                    "style": "brand",
                    "button": {"label": "Order", "page": None, "url": "https://shop.example.test/"},
                },
            }
        ]
        home.save_revision().publish()

    response = _get(client, alpha, "/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "We bake bread." in html
    assert "Since 1999." in html
    assert "Order today" in html
    assert 'href="https://shop.example.test/"' in html
    assert "css/pages.css" in html
    assert html.count("<h1") == 1


def test_content_page_renders_title_intro_and_body(client, alpha):
    with tenant_context(alpha):
        page_add(
            ContentPage(
                title="About us",
                slug="about",
                intro="Who we are.",
                body=[{"type": "rich_text", "value": "<p>A small team.</p>"}],
            )
        )

    response = _get(client, alpha, "/about/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "About us" in html
    assert "Who we are." in html
    assert "A small team." in html


def test_landing_page_hero_is_the_title_and_header_can_be_hidden(client, alpha):
    with tenant_context(alpha):
        hero = {
            "type": "hero",
            "value": {
                "eyebrow": "",
                "heading": "Launch day",
                "text": "Big news.",
                "image": None,
                "primary_button": {"label": "", "page": None, "url": ""},
                "secondary_button": {"label": "", "page": None, "url": ""},
                "alignment": "center",
            },
        }
        page_add(LandingPage(title="Launch", slug="launch", body=[hero]))
        page_add(LandingPage(title="Bare", slug="bare", body=[hero], hide_header=True))

    shown = _get(client, alpha, "/launch/").content.decode()
    bare = _get(client, alpha, "/bare/").content.decode()

    assert '<h1 class="pg-hero__title">Launch day</h1>' in shown
    assert shown.count("<h1") == 1
    assert "site-header" in shown
    assert "site-header" not in bare
    assert '<main id="main"' in bare
    assert "Launch day" in bare


def test_blog_index_lists_published_posts_newest_first_and_paginates(client, alpha):
    with tenant_context(alpha):
        index = page_add(BlogIndexPage(title="Blog", slug="blog"))
        today = datetime.date(2026, 5, 1)
        for day in range(12):
            page_add(
                BlogPostPage(
                    title=f"Post of day {day:02d}",
                    slug=f"day-{day}",
                    date=today + datetime.timedelta(days=day),
                    excerpt=f"Excerpt {day}",
                ),
                parent=index,
            )
        page_add(
            BlogPostPage(title="Secret draft", slug="draft", date=today),
            parent=index,
            publish=False,
        )

    first = _get(client, alpha, "/blog/").content.decode()
    second = _get(client, alpha, "/blog/?page=2").content.decode()
    beyond = _get(client, alpha, "/blog/?page=99")

    assert first.index("Post of day 11") < first.index("Post of day 10")
    assert "Post of day 02" in first and "Post of day 01" not in first
    assert "Post of day 01" in second and "Post of day 00" in second
    assert "Secret draft" not in first + second
    assert 'rel="next"' in first
    assert beyond.status_code == 200  # an out-of-range page shows the last one
    assert "Post of day 00" in beyond.content.decode()


def test_blog_index_without_posts_shows_an_empty_state(client, alpha):
    with tenant_context(alpha):
        blog_create()

    html = _get(client, alpha, "/blog/").content.decode()

    assert "No posts yet" in html


def test_blog_post_renders_date_author_excerpt_body_and_tags(client, alpha):
    with tenant_context(alpha):
        index = blog_create()
        post = BlogPostPage(
            title="Sourdough basics",
            slug="sourdough",
            date=datetime.date(2026, 3, 2),
            author_name="Ada",
            excerpt="Flour, water, time.",
            body=[{"type": "rich_text", "value": "<p>Feed the starter.</p>"}],
        )
        post.tags.add("bread", "howto")
        page_add(post, parent=index)

    html = _get(client, alpha, "/blog/sourdough/").content.decode()

    assert "Sourdough basics" in html
    assert 'datetime="2026-03-02"' in html
    assert "By Ada" in html
    assert "Flour, water, time." in html
    assert "Feed the starter." in html
    assert "bread" in html and "howto" in html
    assert '<meta property="og:type" content="article">' in html


def test_form_page_renders_its_fields(client, alpha):
    with tenant_context(alpha):
        form_page_create(intro="<p>Write to us.</p>")

    html = _get(client, alpha, "/contact/").content.decode()

    assert "Write to us." in html
    assert 'name="your_name"' in html
    assert 'name="email"' in html and 'type="email"' in html
    assert 'name="message"' in html
    assert "csrfmiddlewaretoken" in html


def test_legal_page_renders_kind_date_and_text(client, alpha):
    with tenant_context(alpha):
        page_add(
            LegalPage(
                title="Privacy policy",
                slug="privacy",
                kind=LegalPage.Kind.PRIVACY,
                last_updated=datetime.date(2026, 1, 15),
                body="<p>We keep little.</p>",
            )
        )

    html = _get(client, alpha, "/privacy/").content.decode()

    assert "Privacy policy" in html
    assert "Last updated 15 January 2026" in html
    assert "We keep little." in html


def test_pages_are_served_only_on_their_own_workspace(client, alpha, beta):
    with tenant_context(alpha):
        page_add(ContentPage(title="Alpha only", slug="alpha-only"))

    assert _get(client, alpha, "/alpha-only/").status_code == 200
    assert _get(client, beta, "/alpha-only/").status_code == 404


def test_draft_pages_are_not_served(client, alpha):
    with tenant_context(alpha):
        page_add(ContentPage(title="Draft", slug="not-yet"), publish=False)

    assert _get(client, alpha, "/not-yet/").status_code == 404


@pytest.mark.parametrize(
    ("child", "parent", "allowed"),
    [
        (ContentPage, HomePage, True),
        (LandingPage, ContentPage, True),
        (BlogPostPage, HomePage, False),
        (BlogPostPage, BlogIndexPage, True),
        (FormPage, BlogIndexPage, False),
        (LegalPage, HomePage, True),
        (HomePage, HomePage, False),
        (HomePage, Page, False),  # only one home page, made by the template schema
    ],
)
def test_page_tree_shape(in_alpha, child, parent, allowed):
    if parent is Page:
        parent_page = Page.objects.get(depth=1)
    elif parent is HomePage:
        parent_page = home_page()
    else:
        parent_page = page_add(parent(title="Parent", slug="parent"))

    assert child.can_create_at(parent_page) is allowed
