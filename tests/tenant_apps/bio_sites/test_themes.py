"""Themes are written into the page as --bio-* custom properties; custom CSS comes after
them; link highlights move only for visitors who accept motion; the preview is inert."""

import re

import pytest
from django.test import Client, RequestFactory

from tenant_apps.bio_sites.rendering import bio_page_html
from tenant_apps.bio_sites.selectors import bio_site_public_components
from tenant_apps.bio_sites.services import (
    bio_component_add,
    bio_site_create,
    bio_site_publish,
    bio_site_settings_update,
)
from tenant_apps.bio_sites.themes import THEMES
from tests.helpers import host_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    site = bio_site_create(name="Ada's links", slug="ada", actor=None)
    bio_component_add(
        site=site,
        type_key="link",
        data={"title": "Shop", "url": "https://shop.example.com", "highlight": "wobble"},
        actor=None,
    )
    return bio_site_publish(site=site, actor=None)


@pytest.fixture
def browser(alpha):
    return Client(HTTP_HOST=host_of(alpha))


def _style_block(html: str) -> str:
    return re.search(r"\.bio-shell \{(.*?)\}", html, re.S).group(1)


@pytest.mark.parametrize("key", sorted(THEMES))
def test_every_theme_is_written_as_custom_properties(browser, site, key):
    bio_site_settings_update(site=site, actor=None, theme=key)
    theme = THEMES[key]

    html = browser.get("/b/ada/").content.decode()

    block = _style_block(html)
    for name, value in theme.css_variables().items():
        # Quoted font names arrive as written: HTML escaping would break them in CSS.
        assert f"{name}: {value};" in block
    assert f"bio-theme-{key} bio-buttons-{theme.button_style}" in html


def test_the_brand_theme_follows_the_workspace_brand_variables(browser, site):
    html = browser.get("/b/ada/").content.decode()

    block = _style_block(html)
    assert "--bio-bg: var(--brand-bg, #ffffff);" in block
    assert "--bio-button: var(--brand-primary, #222222);" in block
    assert "--bio-button-text: var(--brand-on-primary, #ffffff);" in block


def test_each_button_style_has_its_own_rules(browser, site):
    html = browser.get("/b/ada/").content.decode()

    for style in {theme.button_style for theme in THEMES.values()}:
        assert f".bio-buttons-{style} .bio-link" in html or style == "solid"
    assert "min-height: 44px" in html
    assert ":focus-visible" in html


def test_custom_css_comes_after_the_theme(browser, site):
    bio_site_settings_update(
        site=site, actor=None, theme="midnight", custom_css=".bio-link { letter-spacing: 2px; }"
    )

    html = browser.get("/b/ada/").content.decode()

    assert html.index("--bio-bg: linear-gradient(180deg, #0b1020") < html.index(
        "letter-spacing: 2px"
    )


def test_highlight_animations_respect_reduced_motion(browser, site):
    html = browser.get("/b/ada/").content.decode()

    assert 'class="bio-link bio-hl-wobble"' in html
    motion = html.index("@media (prefers-reduced-motion: no-preference)")
    assert html.index(".bio-hl-wobble { animation: bio-wobble") > motion
    assert "@media (prefers-reduced-motion: reduce)" in html


def test_a_button_component_wears_its_own_validated_colours(browser, site):
    bio_component_add(
        site=site,
        type_key="button",
        data={
            "label": "Book",
            "url": "https://example.com/b",
            "colour": "#FF5500",
            "style": "outline",
        },
        actor=None,
    )

    html = browser.get("/b/ada/").content.decode()

    assert 'class="bio-link bio-link--outline"' in html
    assert 'style="--bio-button: #ff5500;"' in html


def test_the_preview_does_not_navigate_and_is_not_indexed(alpha, site):
    request = RequestFactory().get("/", HTTP_HOST=host_of(alpha))
    request.workspace = alpha
    components, _ = bio_site_public_components(site=site)

    preview = bio_page_html(request=request, site=site, components=components, preview=True)
    public = bio_page_html(request=request, site=site, components=components)

    assert "var preview = true;" in preview and 'bio-buttons-solid bio-preview"' in preview
    assert '<meta name="robots" content="noindex">' in preview
    assert 'rel="canonical"' not in preview
    assert "var preview = false;" in public and 'bio-buttons-solid"' in public


def test_the_canonical_link_is_on_the_primary_host(browser, alpha, site):
    html = browser.get("/b/ada/").content.decode()

    assert f'<link rel="canonical" href="http://{host_of(alpha)}/b/ada/">' in html
