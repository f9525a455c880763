"""An editor changes a landing page in Wagtail's editor, publishes it, and sees it live on
the workspace's own host in the workspace's colours, in a real browser."""

import uuid

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django_tenants.utils import tenant_context

from cms.models import LandingPage
from shared_apps.accounts.models import User
from tenants.services import workspace_provision
from tests.cms.factories import page_add
from tests.factories import IdentityFactory

pytestmark = pytest.mark.browser

BRAND_PRIMARY = "#c2410c"
BRAND_PRIMARY_RGB = "rgb(194, 65, 12)"


def _hero(heading):
    return {
        "type": "hero",
        "value": {
            "eyebrow": "",
            "heading": heading,
            "text": "Fresh every morning.",
            "image": None,
            "primary_button": {
                "label": "Order now",
                "page": None,
                "url": "https://shop.example.test/",
            },
            "secondary_button": {"label": "", "page": None, "url": ""},
            "alignment": "left",
        },
    }


def test_edit_publish_and_see_the_landing_page(live_server, page, settings):
    port = live_server.url.rsplit(":", 1)[1]
    settings.PUBLIC_URL_PORT = int(port)  # the workspace's Wagtail site answers on the live port
    slug = f"cms-{uuid.uuid4().hex[:6]}"
    owner = IdentityFactory(email=f"owner-{slug}@example.test")
    workspace = workspace_provision(name="Crumb Bakery", slug=slug, owner=owner)
    workspace.branding = {"primary_color": BRAND_PRIMARY}
    workspace.save()
    host = f"{slug}.localhost"
    with tenant_context(workspace):
        landing = page_add(
            LandingPage(title="Spring", slug="spring", body=[_hero("Spring bread is here")])
        )
        client = Client()
        client.force_login(User.objects.get(identity_id=owner.uuid))
    # Signed in on the workspace host as its owner (the SSO hop has its own browser test).
    name = django_settings.SESSION_COOKIE_NAME
    page.context.add_cookies(
        [{"name": name, "value": client.cookies[name].value, "domain": host, "path": "/"}]
    )

    page.goto(f"http://{host}:{port}/cms/pages/{landing.pk}/edit/")
    heading = page.locator("input[name='body-0-value-heading']")
    heading.fill("Summer loaves are out")
    page.locator("footer .w-dropdown__toggle, [data-w-dropdown-target='toggle']").last.click()
    page.locator("button[name='action-publish']").click()
    page.wait_for_url(f"http://{host}:{port}/cms/pages/*/")

    page.goto(f"http://{host}:{port}/spring/")
    assert page.locator("h1").inner_text() == "Summer loaves are out"
    assert "Spring bread is here" not in page.content()
    button = page.locator(".pg-hero .pg-btn--primary")
    assert button.inner_text() == "Order now"
    background = button.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background == BRAND_PRIMARY_RGB
    assert "Mewayz" not in page.title()
