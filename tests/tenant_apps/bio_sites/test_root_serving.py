"""A bio site at the workspace's root and at /<slug>/, falling through to Wagtail; on a
verified custom domain of its own workspace only."""

import pytest
from django.test import Client
from django_tenants.utils import schema_context, tenant_context

from cms.models import ContentPage
from tenant_apps.analytics.services import event_deferred_record
from tenant_apps.bio_sites.services import (
    bio_component_add,
    bio_site_create,
    bio_site_publish,
    bio_site_settings_update,
    bio_site_unpublish,
)
from tenants.domains import domain_add, domain_set_primary
from tests.cms.factories import form_page_create, page_add
from tests.helpers import host_of

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Safari/605.1.15"


def _site(slug: str, heading: str, *, publish: bool = True, root: bool = False):
    site = bio_site_create(name=heading, slug=slug, actor=None)
    bio_component_add(site=site, type_key="heading", data={"text": heading}, actor=None)
    if root:
        bio_site_settings_update(site=site, actor=None, serves_root=True)
    return bio_site_publish(site=site, actor=None) if publish else site


@pytest.fixture
def browser(alpha):
    return Client(HTTP_HOST=host_of(alpha), HTTP_USER_AGENT=BROWSER)


def test_a_published_root_site_is_served_at_the_root(browser, alpha):
    _site("ada", "Ada at the root", root=True)

    response = browser.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Ada at the root" in html
    assert f'<link rel="canonical" href="http://{host_of(alpha)}/">' in html


def test_without_a_root_site_the_home_page_is_served(browser):
    _site("ada", "Ada's page")  # published, but not the root
    _site("draft", "Draft root", publish=False, root=True)

    response = browser.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Ada&#x27;s page" not in html and "Draft root" not in html
    assert response.templates[0].name.startswith("cms/")


def test_a_published_site_is_also_served_at_its_slug(browser, alpha):
    _site("ada", "Ada's page")

    response = browser.get("/ada/")

    assert response.status_code == 200
    assert "Ada&#x27;s page" in response.content.decode()
    # One canonical address, whichever path served it.
    assert f'href="http://{host_of(alpha)}/b/ada/"' in response.content.decode()


def test_other_paths_fall_through_to_wagtail(browser):
    _site("draft", "Draft page", publish=False)
    page_add(ContentPage(title="About us", slug="about"))

    assert browser.get("/about/").status_code == 200
    assert "About us" in browser.get("/about/").content.decode()
    assert browser.get("/draft/").status_code == 404
    assert browser.get("/nothing-here/").status_code == 404


def test_a_wagtail_form_page_still_receives_its_posts(alpha):
    page = form_page_create(slug="contact")

    response = Client(HTTP_HOST=host_of(alpha)).post(
        "/contact/", {"your_name": "Ada", "email": "ada@example.test", "message": "Hello"}
    )

    assert response.status_code == 200
    assert page.get_submission_class().objects.filter(page=page).count() == 1


def test_publishing_renaming_and_moving_the_root_update_the_routes(
    browser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        site = _site("ada", "Ada's page", publish=False)
    assert browser.get("/ada/").status_code == 404  # the map is now cached without it

    with django_capture_on_commit_callbacks(execute=True):
        bio_site_publish(site=site, actor=None)
    assert browser.get("/ada/").status_code == 200
    assert "Ada&#x27;s page" not in browser.get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        bio_site_settings_update(site=site, actor=None, serves_root=True)
    assert "Ada&#x27;s page" in browser.get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        other = _site("grace", "Grace's page")
        bio_site_settings_update(site=other, actor=None, serves_root=True)
    assert "Grace&#x27;s page" in browser.get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        bio_site_unpublish(site=other, actor=None)
    assert "Grace&#x27;s page" not in browser.get("/").content.decode()
    assert browser.get("/grace/").status_code == 404


def test_without_invalidation_the_routes_stay_cached(browser):
    """The control for the test above: the routes really come from the cache."""
    site = _site("ada", "Ada's page", publish=False)
    assert browser.get("/ada/").status_code == 404
    bio_site_publish(site=site, actor=None)  # its on-commit hooks never run here
    assert browser.get("/ada/").status_code == 404


@pytest.mark.parametrize("path", ["/", "/ada/"])
def test_a_warm_visit_at_the_root_or_the_slug_makes_no_queries(
    browser, path, django_assert_num_queries, django_capture_on_commit_callbacks
):
    _site("ada", "Ada at the root", root=True)
    first = browser.get(path)  # warms the routes, the page and the host cache

    with django_capture_on_commit_callbacks() as callbacks, django_assert_num_queries(0):
        second = browser.get(path)

    assert second.status_code == 200
    assert second.content == first.content
    assert callbacks == []  # the page view is deferred to Redis, not to a commit
    assert event_deferred_record() == 2  # both visits, written by the drain


def test_reserved_paths_are_never_bio_pages(browser):
    _site("ada", "Ada's page")

    assert browser.get("/dashboard/").status_code in (302, 403)
    assert browser.get("/b/").status_code == 404


def test_another_workspace_root_and_slugs_stay_its_own(alpha, beta, browser):
    _site("ada", "Alpha root", root=True)
    with tenant_context(beta):
        _site("grace", "Beta page")
    beta_browser = Client(HTTP_HOST=host_of(beta), HTTP_USER_AGENT=BROWSER)
    browser.get("/")  # alpha's routes cached

    assert "Alpha root" not in beta_browser.get("/").content.decode()
    assert beta_browser.get("/ada/").status_code == 404
    assert browser.get("/grace/").status_code == 404
    assert "Beta page" in beta_browser.get("/grace/").content.decode()


def test_a_bio_page_is_served_on_a_verified_custom_domain_of_its_workspace_only(alpha, beta):
    _site("ada", "Ada on her own domain")
    with schema_context("public"):
        domain_set_primary(domain=domain_add(workspace=alpha, host="links.ada.test", verified=True))
        domain_set_primary(domain=domain_add(workspace=beta, host="links.beta.test", verified=True))

    own = Client(HTTP_HOST="links.ada.test").get("/b/ada/")
    at_slug = Client(HTTP_HOST="links.ada.test").get("/ada/")
    elsewhere = Client(HTTP_HOST="links.beta.test").get("/b/ada/")

    assert own.status_code == 200 and at_slug.status_code == 200
    assert "Ada on her own domain" in own.content.decode()
    # The canonical address follows the workspace's primary host.
    assert '<link rel="canonical" href="http://links.ada.test/b/ada/">' in own.content.decode()
    assert elsewhere.status_code == 404
    assert Client(HTTP_HOST="links.beta.test").get("/ada/").status_code == 404
