"""Per-host SEO: sitemap.xml, robots.txt, canonical URL and Open Graph tags, each on the
workspace's own primary host and never another's."""

import re

from django_tenants.utils import tenant_context

from cms.models import BlogPostPage, ContentPage
from tests.cms.factories import blog_create, image_create, page_add, without_powered_by
from tests.helpers import host_of


def _get(client, workspace, path):
    return client.get(path, HTTP_HOST=host_of(workspace))


def _meta(html, attribute, name):
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', html)
    return match.group(1) if match else None


def test_sitemap_lists_the_live_pages_of_this_host_only(client, alpha, beta):
    with tenant_context(alpha):
        page_add(ContentPage(title="Alpha about", slug="about"))
        page_add(ContentPage(title="Alpha draft", slug="draft"), publish=False)
    with tenant_context(beta):
        page_add(ContentPage(title="Beta pricing", slug="pricing"))

    alpha_xml = _get(client, alpha, "/sitemap.xml")
    beta_xml = _get(client, beta, "/sitemap.xml").content.decode()

    assert alpha_xml.status_code == 200
    assert alpha_xml["Content-Type"].startswith("application/xml")
    body = alpha_xml.content.decode()
    assert f"<loc>http://{host_of(alpha)}/</loc>" in body
    assert f"<loc>http://{host_of(alpha)}/about/</loc>" in body
    assert "/draft/" not in body
    assert host_of(beta) not in body and "/pricing/" not in body
    assert f"<loc>http://{host_of(beta)}/pricing/</loc>" in beta_xml
    assert host_of(alpha) not in beta_xml


def test_robots_allows_pages_hides_staff_areas_and_points_at_this_hosts_sitemap(
    client, alpha, beta
):
    response = _get(client, alpha, "/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines and "Allow: /" in lines
    for path in ("/cms/", "/dashboard/", "/api/", "/accounts/"):
        assert f"Disallow: {path}" in lines
    assert f"Sitemap: http://{host_of(alpha)}/sitemap.xml" in lines
    assert host_of(beta) not in response.content.decode()
    assert (
        f"Sitemap: http://{host_of(beta)}/sitemap.xml"
        in _get(client, beta, "/robots.txt").content.decode()
    )


def test_pages_carry_canonical_and_open_graph_tags_on_their_own_host(client, alpha, beta):
    with tenant_context(alpha):
        page_add(
            ContentPage(title="About alpha", slug="about", search_description="All about alpha.")
        )
    with tenant_context(beta):
        page_add(ContentPage(title="About beta", slug="about"))

    alpha_html = _get(client, alpha, "/about/").content.decode()
    beta_html = _get(client, beta, "/about/").content.decode()

    alpha_url = f"http://{host_of(alpha)}/about/"
    assert f'<link rel="canonical" href="{alpha_url}">' in alpha_html
    assert _meta(alpha_html, "property", "og:url") == alpha_url
    assert _meta(alpha_html, "property", "og:title") == "About alpha"
    assert _meta(alpha_html, "property", "og:description") == "All about alpha."
    assert _meta(alpha_html, "name", "description") == "All about alpha."
    assert _meta(alpha_html, "property", "og:type") == "website"
    assert _meta(alpha_html, "property", "og:site_name") == "Alpha Co"
    assert _meta(alpha_html, "name", "twitter:card") == "summary"
    assert host_of(beta) not in alpha_html
    assert f'<link rel="canonical" href="http://{host_of(beta)}/about/">' in beta_html
    assert host_of(alpha) not in beta_html


def test_open_graph_image_is_absolute_on_the_pages_host(client, alpha):
    with tenant_context(alpha):
        index = blog_create()
        page_add(
            BlogPostPage(title="With a picture", slug="pic", feed_image=image_create()),
            parent=index,
        )

    html = _get(client, alpha, "/blog/pic/").content.decode()

    image_url = _meta(html, "property", "og:image")
    assert image_url.startswith(f"http://{host_of(alpha)}/media/")
    assert ".fill-1200x630" in image_url
    assert _meta(html, "name", "twitter:card") == "summary_large_image"
    assert _meta(html, "property", "og:image:alt") == "A test image"


def test_canonical_is_the_primary_host_even_when_asked_elsewhere(client, alpha):
    """A POST (not redirected to the primary host) to another verified host of the
    workspace still names the primary host as canonical."""
    from tenants.domains import domain_add
    from tests.cms.factories import form_page_create

    with tenant_context(alpha):
        form_page_create()
    domain_add(workspace=alpha, host="www.alpha-shop.example.test", verified=True)

    html = client.post("/contact/", {}, HTTP_HOST="www.alpha-shop.example.test").content.decode()

    assert f'<link rel="canonical" href="http://{host_of(alpha)}/contact/">' in html
    assert "www.alpha-shop.example.test" not in html


def test_site_pages_never_name_the_platform(client, alpha):
    with tenant_context(alpha):
        page_add(ContentPage(title="About", slug="about"))

    for path in ("/", "/about/", "/search/?q=about", "/robots.txt", "/sitemap.xml"):
        assert "Mewayz" not in without_powered_by(_get(client, alpha, path).content.decode()), path
