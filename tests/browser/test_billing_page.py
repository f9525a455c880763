"""The billing page's live price, in a real browser: HTMX asks the server for the exact
quote whenever the choice changes, and shows what is wrong in place."""

import uuid

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from shared_apps.billing.selectors import plan_free
from shared_apps.billing.services import workspace_plan_change
from tenants.services import workspace_provision
from tests.factories import IdentityFactory

pytestmark = pytest.mark.browser


def test_the_price_follows_the_choice(live_server, page, settings):
    port = live_server.url.rsplit(":", 1)[1]
    settings.PUBLIC_URL_PORT = int(port)
    slug = f"billing-{uuid.uuid4().hex[:6]}"
    owner = IdentityFactory(email=f"owner-{slug}@example.test")
    workspace = workspace_provision(name="Browser Billing", slug=slug, owner=owner)
    # Start from no features at all, so the prices below count only what is clicked.
    workspace_plan_change(
        workspace=workspace, plan=plan_free(), interval="month", feature_keys=[], actor=owner
    )
    host = f"{slug}.localhost"
    # Signed in on the workspace host as its owner (the SSO hop has its own browser test).
    client = Client()
    with tenant_context(workspace):
        client.force_login(User.objects.get(identity_id=owner.uuid))
    name = django_settings.SESSION_COOKIE_NAME
    cookie = {"name": name, "value": client.cookies[name].value, "domain": host, "path": "/"}
    page.context.add_cookies([cookie])

    page.goto(f"http://{host}:{port}/dashboard/billing/")
    total = page.locator("#billing-quote .billing-quote__total")
    assert total.inner_text().startswith("$0.00")

    page.locator("label.billing-plan", has_text="Professional").click()
    page.locator("label.billing-feature[data-feature=crm]").click()
    page.locator("label.billing-feature[data-feature=store]").click()
    page.wait_for_selector("#billing-quote .billing-quote__total[data-total='2.00']")

    page.locator(".billing-toggle label", has_text="Yearly").click()
    page.wait_for_selector("#billing-quote .billing-quote__total[data-total='20.00']")
    assert "2 features" in page.inner_text("#billing-quote")

    # White label is Enterprise only: the server's 400 is shown in place, confirm is off.
    page.locator("label.billing-feature[data-feature=whitelabel]").click()
    page.wait_for_selector("#billing-quote:has-text('Not part of the Professional plan')")
    assert page.locator("#billing-quote button[type=submit]").is_disabled()

    page.locator("label.billing-plan", has_text="Enterprise").click()
    page.wait_for_selector("#billing-quote .billing-quote__total[data-total='45.00']")
