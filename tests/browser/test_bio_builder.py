"""An owner builds a link-in-bio page in the dashboard's editor, in a real browser: creates
it, adds blocks from the picker, edits one and watches the live preview follow, reorders
by drag and drop, publishes, and sees the public page in the new order."""

import re
import uuid

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from shared_apps.accounts.models import User
from tenant_apps.bio_sites.models import BioComponent, BioSite
from tenants.services import workspace_provision
from tests.factories import IdentityFactory

pytestmark = pytest.mark.browser


def _server_order(workspace, slug) -> list[str]:
    with tenant_context(workspace):
        site = BioSite.objects.get(slug=slug)
        return [
            c.data.get("title") or c.data.get("label")
            for c in BioComponent.objects.filter(site=site).order_by("position")
        ]


def _add(page, type_key):
    blocks = page.locator("[data-blocks] > li")
    count = blocks.count()
    picker = page.locator("[data-picker]")
    if picker.get_attribute("open") is None:
        picker.locator("summary").click()
    page.locator(f"[data-add-type='{type_key}']").click()
    expect(blocks).to_have_count(count + 1)


def test_build_reorder_and_publish_a_bio_page(live_server, page, settings):
    port = live_server.url.rsplit(":", 1)[1]
    settings.PUBLIC_URL_PORT = int(port)
    slug = f"bio-{uuid.uuid4().hex[:6]}"
    owner = IdentityFactory(email=f"owner-{slug}@example.test")
    workspace = workspace_provision(name="Crumb Bakery", slug=slug, owner=owner)
    host = f"{slug}.localhost"
    with tenant_context(workspace):
        client = Client()
        client.force_login(User.objects.get(identity_id=owner.uuid))
    name = django_settings.SESSION_COOKIE_NAME
    page.context.add_cookies(
        [{"name": name, "value": client.cookies[name].value, "domain": host, "path": "/"}]
    )
    base = f"http://{host}:{port}"

    # Create the site from the empty list's form.
    page.goto(f"{base}/dashboard/bio/")
    expect(page.get_by_text("No bio page yet")).to_be_visible()
    page.fill("#id_name", "Crumb links")
    page.fill("#id_slug", "crumb")
    page.get_by_role("button", name="Create page").click()
    page.wait_for_url(re.compile(r"/dashboard/bio/[0-9a-f-]{36}/$"))

    # Three blocks from the picker, each prefilled with its example.
    _add(page, "link")
    _add(page, "button")
    _add(page, "email_link")
    assert _server_order(workspace, "crumb") == ["My shop", "Book a call", "Say hi"]

    # Edit the link's title: the preview follows as you type, before saving.
    page.locator("[data-blocks] > li").nth(0).locator(".block__main").click()
    title = page.locator("[data-component-form] input[name='title']")
    expect(title).to_have_value("My shop")
    title.fill("Visit my store")
    preview = page.frame_locator("#preview-frame iframe")
    expect(preview.get_by_text("Visit my store")).to_be_visible()
    assert _server_order(workspace, "crumb")[0] == "My shop"  # not saved yet
    page.locator("[data-save]").click()
    expect(page.locator("[data-blocks] > li").nth(0)).to_contain_text("Visit my store")
    expect(page.locator("[data-undo]")).to_contain_text("Edited")

    # Drag the last block to the top.
    blocks = page.locator("[data-blocks] > li")
    blocks.nth(2).locator(".block__handle").drag_to(
        blocks.nth(0), target_position={"x": 20, "y": 3}
    )
    expected = ["Say hi", "Visit my store", "Book a call"]
    expect(page.locator("[data-blocks] > li").nth(0)).to_contain_text("Say hi")
    expect(page.locator("[data-undo]")).to_contain_text("Moved")
    assert _server_order(workspace, "crumb") == expected

    # The keyboard way: move "Book a call" up one with its ↑ button, then undo that.
    page.get_by_role("button", name="Move Book a call up").focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-blocks] > li").nth(1)).to_contain_text("Book a call")
    page.locator("[data-undo]").click()
    expect(page.locator("[data-blocks] > li").nth(2)).to_contain_text("Book a call")
    assert _server_order(workspace, "crumb") == expected

    # Publish, then the public page shows the blocks in the new order.
    page.locator("[data-publish]").click()
    expect(page.locator("[data-unpublish]")).to_be_visible()
    expect(page.locator("[data-public-url]")).to_contain_text("/b/crumb/")
    page.goto(f"{base}/b/crumb/")
    text = page.locator("main").inner_text()
    positions = [text.index(label) for label in expected]
    assert positions == sorted(positions), text
    assert "My shop" not in text
