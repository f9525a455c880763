"""The seed command's demo content: every page renders, and running it twice is safe."""

from django_tenants.utils import tenant_context
from wagtail.models import Page

from cms.models import BlogPostPage, FormPage, LandingPage, LegalPage
from cms.services import demo_pages_create
from tests.helpers import host_of


def test_demo_pages_build_a_small_site_that_renders(client, alpha):
    with tenant_context(alpha):
        pages = demo_pages_create()
        count = Page.objects.count()
        again = demo_pages_create()

        assert Page.objects.count() == count
        assert again["landing"].pk == pages["landing"].pk
        assert LandingPage.objects.live().count() == 1
        assert BlogPostPage.objects.live().count() == 2
        assert FormPage.objects.get().form_fields.count() == 4
        assert set(LegalPage.objects.values_list("kind", flat=True)) == {"terms", "privacy"}

    for path in (
        "/launch/",
        "/blog/",
        "/blog/hello-world/",
        "/blog/five-tips/",
        "/contact/",
        "/terms/",
        "/privacy/",
    ):
        response = client.get(path, HTTP_HOST=host_of(alpha))
        assert response.status_code == 200, path

    landing = client.get("/launch/", HTTP_HOST=host_of(alpha)).content.decode()
    assert "Alpha Co, made for the way you work" in landing
    assert "$19.00" in landing and "data-countdown" in landing
    assert 'action="/newsletter/"' in landing
    blog = client.get("/blog/", HTTP_HOST=host_of(alpha)).content.decode()
    assert blog.index("Five tips to get started") < blog.index("Hello, world")
