"""Every component type has a template of its own; embeds are framed safely; nothing a
component stores reaches the page unescaped."""

import re

import pytest
from django.test import Client

from tenant_apps.bio_sites.components import COMPONENT_TYPES
from tenant_apps.bio_sites.services import bio_component_add, bio_site_create, bio_site_publish
from tests.helpers import host_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    return bio_site_publish(
        site=bio_site_create(name="Ada's links", slug="ada", actor=None), actor=None
    )


@pytest.fixture
def browser(alpha):
    return Client(HTTP_HOST=host_of(alpha))


def _add(site, type_key, data):
    return bio_component_add(site=site, type_key=type_key, data=data, actor=None)


def _iframes(html: str) -> list[str]:
    return re.findall(r"<iframe[^>]*>", html)


def test_every_component_type_renders_with_its_own_template(browser, site):
    for component_type in COMPONENT_TYPES.values():
        _add(site, component_type.key, component_type.example)

    response = browser.get("/b/ada/")

    assert response.status_code == 200
    used = {t.name for t in response.templates}
    assert "bio_sites/components/generic.html" not in used
    html = response.content.decode()
    assert html.count('class="bio-item ') == len(COMPONENT_TYPES)


def test_youtube_is_framed_from_the_privacy_enhanced_host_with_its_start(browser, site):
    _add(
        site,
        "youtube",
        {
            "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=9",
            "title": "My talk",
            "start_seconds": 42,
        },
    )
    _add(site, "youtube", {"url": "https://youtu.be/abcdefghijk"})

    frames = _iframes(browser.get("/b/ada/").content.decode())

    assert len(frames) == 2
    assert (
        'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?rel=0&amp;start=42"' in frames[0]
    )
    assert 'title="My talk"' in frames[0]
    assert "youtube-nocookie.com/embed/abcdefghijk" in frames[1]
    for frame in frames:
        assert 'loading="lazy"' in frame
        assert 'referrerpolicy="strict-origin-when-cross-origin"' in frame
        assert 'sandbox="allow-scripts allow-same-origin allow-presentation allow-popups"' in frame


@pytest.mark.parametrize(
    ("type_key", "data", "src"),
    [
        (
            "vimeo",
            {"url": "https://vimeo.com/76979871"},
            "https://player.vimeo.com/video/76979871?dnt=1",
        ),
        (
            "tiktok",
            {"url": "https://www.tiktok.com/@ada/video/7212345678901234567"},
            "https://www.tiktok.com/embed/v2/7212345678901234567",
        ),
        (
            "spotify",
            {"url": "https://open.spotify.com/intl-de/track/4uLU6hMCjMI75M1A2tKUQC"},
            "https://open.spotify.com/embed/track/4uLU6hMCjMI75M1A2tKUQC?utm_source=generator",
        ),
        (
            "apple_music",
            {"url": "https://music.apple.com/us/album/1440833098"},
            "https://embed.music.apple.com/us/album/1440833098",
        ),
        (
            "soundcloud",
            {"url": "https://soundcloud.com/ada/demo"},
            "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com%2Fada%2Fdemo",
        ),
        ("twitch", {"url": "https://www.twitch.tv/ada"}, "https://player.twitch.tv/?parent=alpha."),
        (
            "calendar_embed",
            {"url": "https://calendly.com/ada/intro"},
            "https://calendly.com/ada/intro",
        ),
        (
            "newsletter_embed",
            {"url": "https://ada.substack.com/embed"},
            "https://ada.substack.com/embed",
        ),
        (
            "map",
            {"query": "10 Downing Street, London"},
            "https://maps.google.com/maps?q=10+Downing",
        ),
        (
            "map",
            {"query": "Studio", "latitude": 51.5, "longitude": -0.12},
            "https://www.openstreetmap.org/export/embed.html?bbox=",
        ),
    ],
)
def test_embeds_are_framed_from_their_providers(browser, site, type_key, data, src):
    _add(site, type_key, data)

    frames = _iframes(browser.get("/b/ada/").content.decode())

    assert len(frames) == 1
    assert f'src="{src}' in frames[0].replace("&amp;", "&")
    assert 'loading="lazy"' in frames[0] and 'title="' in frames[0]
    assert "sandbox=" in frames[0]


def test_a_pdf_is_framed_without_a_sandbox_and_its_download_is_tracked(browser, site):
    pdf = _add(site, "pdf_embed", {"url": "https://cdn.example.com/guide.pdf", "title": "Guide"})

    html = browser.get("/b/ada/").content.decode()

    (frame,) = _iframes(html)
    assert 'src="https://cdn.example.com/guide.pdf"' in frame and 'title="Guide"' in frame
    # Browsers refuse to show PDFs in a sandboxed frame.
    assert "sandbox" not in frame
    assert f'href="/b/ada/go/{pdf.pk}/"' in html


def test_an_address_that_names_no_video_falls_back_to_a_tracked_link(browser, site):
    short = _add(site, "tiktok", {"url": "https://vm.tiktok.com/ZMabc123/", "title": "Dance"})

    html = browser.get("/b/ada/").content.decode()

    assert _iframes(html) == []
    assert f'href="/b/ada/go/{short.pk}/"' in html and "Dance" in html
    assert browser.get(f"/b/ada/go/{short.pk}/")["Location"] == "https://vm.tiktok.com/ZMabc123/"


def test_the_qr_code_is_drawn_inline_in_the_components_colours(browser, site):
    _add(
        site,
        "qr_code",
        {"target_url": "https://example.com/menu", "caption": "Our menu", "foreground": "#112233"},
    )

    html = browser.get("/b/ada/").content.decode()

    svg = re.search(r'<svg class="bio-qr"[^>]*>.*?</svg>', html, re.S).group(0)
    assert 'aria-label="Our menu"' in svg
    assert 'fill="#112233"' in svg and 'fill="#ffffff"' in svg
    assert re.search(r'<path d="M[0-9,HVMz.]+"', svg)
    # The encoded address is not printed (a scan reads it), and nothing is fetched.
    assert "https://example.com/menu" not in html
    assert "<img" not in svg


def test_faq_countdown_and_rss_render_without_a_server_side_fetch(browser, site):
    _add(site, "faq", {"items": [{"question": "Ship abroad?", "answer": "Yes."}]})
    _add(site, "countdown", {"title": "Launch", "ends_at": "2030-01-01T09:00:00+01:00"})
    rss = _add(site, "rss_feed", {"feed_url": "https://blog.example.com/feed.xml"})

    html = browser.get("/b/ada/").content.decode()

    assert "<details><summary>Ship abroad?</summary>" in html
    # The date is readable without the script, which turns it into a live count.
    assert 'data-bio-countdown="2030-01-01T09:00:00+01:00"' in html
    assert '<time datetime="2030-01-01T09:00:00+01:00">1 January 2030, 09:00' in html
    assert f'href="/b/ada/go/{rss.pk}/"' in html and "blog.example.com" in html


def test_component_text_is_escaped_everywhere(browser, site):
    attack = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"
    _add(site, "heading", {"text": attack[:120]})
    _add(site, "faq", {"title": attack, "items": [{"question": attack[:200], "answer": attack}]})
    _add(site, "testimonial", {"quote": attack, "author": attack[:80], "role": attack})
    _add(site, "email_signup", {"heading": attack[:120], "description": attack})
    _add(site, "badge_row", {"badges": [{"label": "<b>x</b>"}]})
    _add(
        site,
        "product_grid",
        {"title": attack, "products": [{"title": attack[:120], "url": "https://s.example.com"}]},
    )

    html = browser.get("/b/ada/").content.decode()

    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "<b>x</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_theme_values_in_the_style_element_cannot_close_it(browser, site):
    from tenant_apps.bio_sites.templatetags.bio_page import bio_css_value

    assert bio_css_value("linear-gradient(180deg, #fff 0%, #000 100%)") == (
        "linear-gradient(180deg, #fff 0%, #000 100%)"
    )
    assert bio_css_value("system-ui, 'Segoe UI', sans-serif") == "system-ui, 'Segoe UI', sans-serif"
    assert bio_css_value("red;}</style><script>") == ""
