"""Real-browser tests: Playwright drives Debian's Chromium against a live server.

`make test` installs Chromium (`make browser`); a missing browser is a failure, not a
skip, so these tests can never silently stop running.
"""

import os

import pytest

# Playwright's sync API keeps an event loop running in this thread; Django's ORM calls
# made by the test itself (assertions) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--headless",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _billing_plans(transactional_db):
    """Browser tests are transactional: each ends by emptying every table, the plans that
    migration billing.0002 seeded included, and provisioning needs the Free plan. Put
    them back (idempotently) before each one."""
    import importlib

    from django.apps import apps

    importlib.import_module("shared_apps.billing.migrations.0002_seed_plans").seed(apps, None)


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
