"""The first five minutes of a new customer, in a real browser."""

import uuid

import pytest
from django_tenants.utils import schema_exists

from tenants.models import Workspace

pytestmark = pytest.mark.browser


def test_sign_up_create_a_workspace_hop_to_its_dashboard(live_server, page, settings):
    port = live_server.url.rsplit(":", 1)[1]
    settings.PUBLIC_URL_PORT = int(port)  # links to workspace hosts carry the live port
    platform = f"http://localhost:{port}"
    slug = f"browser-{uuid.uuid4().hex[:6]}"

    page.goto(f"{platform}/")
    page.get_by_role("link", name="Sign up").first.click()
    page.fill("input[name=first_name]", "Bea")
    page.fill("input[name=email]", f"bea-{slug}@example.test")
    page.fill("input[name=password]", "a-long-unusual-passphrase")
    page.fill("input[name=password_confirm]", "a-long-unusual-passphrase")
    page.locator("form button[type=submit]").click()

    page.wait_for_url(f"{platform}/workspaces/new/")
    page.fill("input[name=name]", "Bea's Books")
    page.fill("input[name=slug]", slug)
    page.wait_for_selector(f"#slug-check:has-text('{slug}.localhost')")
    assert "available" in page.inner_text("#slug-check")
    page.locator("form button[type=submit]").click()

    page.wait_for_url(f"{platform}/dashboard/")
    assert "Bea's Books" in page.content()
    workspace = Workspace.objects.get(slug=slug)
    assert schema_exists(workspace.schema_name)

    # The single-sign-on hop: a signed, one-time link to the workspace's own host,
    # where the browser has no cookie yet.
    page.click(f"button[data-hop='{slug}']")
    page.wait_for_url(f"http://{slug}.localhost:{port}/dashboard/")
    assert page.locator("h1", has_text="Overview").count() == 1
    assert "Bea's Books" in page.content()
    assert page.locator("nav a", has_text="Team").count() == 1

    page.goto(f"http://{slug}.localhost:{port}/")
    assert "Bea's Books" in page.content()


def test_taken_address_is_flagged_while_typing(live_server, page):
    port = live_server.url.rsplit(":", 1)[1]
    platform = f"http://localhost:{port}"
    page.goto(f"{platform}/accounts/sign-up/")
    page.fill("input[name=email]", f"cy-{uuid.uuid4().hex[:6]}@example.test")
    page.fill("input[name=password]", "a-long-unusual-passphrase")
    page.fill("input[name=password_confirm]", "a-long-unusual-passphrase")
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{platform}/workspaces/new/")

    page.fill("input[name=slug]", "admin")

    page.wait_for_selector("#slug-check:has-text('reserved')")
